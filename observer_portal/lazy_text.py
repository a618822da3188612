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

import re
from functools import lru_cache
from typing import Any

import flask_babel
from babel.numbers import format_decimal
from flask import Flask
from flask.globals import _cv_app
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

_STOP_AFTER_VALUE = re.compile(r"%\((\w+)\)s\.")


def one_full_stop(text: str, variables: dict[str, Any]) -> str:
    """A sentence that ends with a value ending in a full stop gets one full stop, not two:
    "Введите дату с … по 31 декабря 2099 г.." — a Russian date ends "г.", a Kazakh one "ж.",
    a name may end "Jr."; typography in all five languages keeps one."""

    def stop(match: re.Match) -> str:
        return match.group(0)[:-1] if str(variables.get(match.group(1), "")).endswith(".") else match.group(0)

    return _STOP_AFTER_VALUE.sub(stop, text) if variables else text


def current_translations():
    """The catalog of the locale in force, as Flask-Babel picks it, memoised on the app
    context next to Flask-Babel's own state and keyed on the locale object, so that
    `force_locale` (e-mails in the addressee's language) is honoured. Flask-Babel's own
    `gettext` looks the context up seven times per call through proxies; a page says
    dozens of strings."""
    app_context = _cv_app.get(None)
    state = app_context.g.__dict__.get("_flask_babel") if app_context is not None else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # outside a request, or the locale not chosen yet
        return flask_babel.get_translations()
    memo = getattr(state, "portal_catalog", None)
    if memo is None or memo[0] is not locale:
        memo = state.portal_catalog = (locale, flask_babel.get_translations())
    return memo[1]


@lru_cache(maxsize=8192)
def _decimal(locale_id: str, value_type: type, value) -> str:
    return format_decimal(value, locale=locale_id)


def local_number(value) -> str:
    """Flask-Babel's `format_decimal`, remembered per locale and value: Babel's formatting
    (Decimal quantizing, pattern application) is the costliest call of a page of figures."""
    return _decimal(str(flask_babel.get_locale() or "en"), type(value), value)


def translate(msgid: str, context: str | None = None) -> str:
    """`context`: which of several uses of one English text this is ("Name" of a person, of a
    thing), where a language needs a different word for each (gettext's msgctxt)."""
    if context is None:
        return current_translations().ugettext(msgid)
    return current_translations().upgettext(context, msgid)


def gettext(msgid: str, **variables: Any) -> str:
    """Flask-Babel's gettext, with `one_full_stop`."""
    translated = translate(msgid)
    return one_full_stop(translated, variables) % variables if variables else translated


def pgettext(context: str, msgid: str, **variables: Any) -> str:
    translated = translate(msgid, context)
    return one_full_stop(translated, variables) % variables if variables else translated


@pass_context
def _template_gettext(context, msgid: str, **variables: Any) -> str:
    """`_()` and `{% trans %}` in templates: Jinja's new-style gettext (values escaped when
    the template autoescapes), with `one_full_stop`."""
    return _escaped(context, translate(msgid), variables)


@pass_context
def _template_pgettext(context, message_context: str, msgid: str, **variables: Any) -> str:
    """`pgettext("person", "Name")` in templates, as `_()`."""
    return _escaped(context, translate(msgid, message_context), variables)


def _escaped(context, translated: str, variables: dict[str, Any]) -> str:
    translated = one_full_stop(translated, variables)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalog text; the values are escaped by %
    return translated % variables


def init_template_gettext(app: Flask) -> None:
    """After Flask-Babel installed its callables: templates use ours (the `_` alias calls it)."""
    app.jinja_env.globals["gettext"] = _template_gettext
    # `_` straight to it: the i18n extension's alias looks `gettext` up and calls it through
    # the template context again, on each of the dozens of strings of a page
    app.jinja_env.globals["_"] = _template_gettext
    app.jinja_env.globals["pgettext"] = _template_pgettext


class LazyText(LazyString):
    """A lazy gettext string whose HTML form escapes the values put into it."""

    def __init__(self, msgid: str, context: str | None = None, **variables: Any):
        if context is None:
            super().__init__(gettext, msgid, **variables)
        else:
            super().__init__(pgettext, context, msgid, **variables)
        self._msgid, self._context = msgid, context

    def __html__(self) -> Markup:
        translated = Markup(one_full_stop(translate(self._msgid, self._context), self._kwargs))  # noqa: S704
        if not self._kwargs:
            return translated
        return translated % self._kwargs  # Markup's % escapes each value


def lazy_gettext(msgid: str, **variables: Any) -> LazyText:
    return LazyText(msgid, **variables)


_l = lazy_gettext


def lazy_pgettext(context: str, msgid: str, **variables: Any) -> LazyText:
    """`_lp("person", "Name")`: one use of an English text that a language words otherwise."""
    return LazyText(msgid, context, **variables)


_lp = lazy_pgettext


class LocalNumber:
    """A number inside a lazy message, written as the reader's locale writes numbers when the
    message is read ("50,000", "50 000", "50.000")."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __str__(self) -> str:
        return local_number(self.value)
