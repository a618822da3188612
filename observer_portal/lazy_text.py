"""Lazily translated text that stays text when it reaches HTML.

Flask-Babel's `LazyString.__html__` returns the formatted string as-is, so Jinja
and Flask's session serializer (which keeps flashes as markup when a value has
`__html__`) treat `_l("Visit of %(name)s registered.", name=...)` as trusted HTML:
a display name such as `<meta http-equiv="refresh" ...>` would run in the page
of whoever reads the message. Here the message (written by us and our
translators) is markup, and every interpolated value is escaped; `str()` stays
plain text for e-mails, CSV and logs. Every module imports `_l` from here — a
test fails when one imports Flask-Babel's `lazy_gettext` directly.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup


class LazyText(LazyString):
    """A lazy gettext string whose HTML form escapes the values put into it."""

    def __init__(self, msgid: str, **variables: Any):
        super().__init__(gettext, msgid, **variables)

    def __html__(self) -> Markup:
        msgid = self._args[0]
        translated = Markup(gettext(msgid))  # noqa: S704 - our catalog text; only the values are untrusted
        if not self._kwargs:
            return translated
        return translated % self._kwargs  # Markup's % escapes each value


def lazy_gettext(msgid: str, **variables: Any) -> LazyText:
    return LazyText(msgid, **variables)


_l = lazy_gettext
