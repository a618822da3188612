"""WTForms' own messages ("Not a valid choice.") in the reader's language.

Each catalog is read once per process (Flask-WTF parses the .mo file again on every request
with a form). WTForms' catalogs leave a few messages untranslated (fuzzy or empty entries, messages
newer than the catalogs): those are translated in the portal's catalog (`GAPS`, extracted
by pybabel like every other string) and laid over WTForms' own — where both have one, the
portal's wins (Russian "точно 1 символа" was WTForms'), so no form answers a German reader in
English. `tests/test_form_text.py` checks every WTForms message in all five."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel import support
from flask_babel import get_locale
from wtforms.i18n import messages_path

from observer_portal.lazy_text import _l

PORTAL_CATALOGS = Path(__file__).resolve().parents[1] / "translations"

#: WTForms messages some of its catalogs do not translate (read by pybabel; never shown from here)
GAPS = (
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Choices cannot be None."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
)


def _plural_gaps(ngettext) -> None:  # pragma: no cover - only read by pybabel's extraction
    ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1)
    ngettext(
        "'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1
    )


@lru_cache(maxsize=16)
def wtforms_catalog(locale_id: str) -> support.Translations:
    """WTForms' catalog for one language, its gaps filled from the portal's."""
    catalog = support.Translations.load(messages_path(), [locale_id], domain="wtforms")
    ours = support.Translations.load(str(PORTAL_CATALOGS), [locale_id], domain="messages")
    if isinstance(catalog, support.Translations) and isinstance(ours, support.Translations):
        for key, text in ours._catalog.items():  # noqa: SLF001 - gettext's own table
            if text and _is_wtforms_message(key):  # ours, reviewed by our readers, wins
                catalog._catalog[key] = text  # noqa: SLF001
    return catalog


@lru_cache(maxsize=1)
def _wtforms_msgids() -> frozenset[str]:
    from babel.messages.pofile import read_po

    with open(Path(messages_path()) / "wtforms.pot", "rb") as template:
        return frozenset(part for message in read_po(template) if message.id for part in _as_tuple(message.id))


def _as_tuple(msgid) -> tuple[str, ...]:
    return msgid if isinstance(msgid, tuple) else (msgid,)


def _is_wtforms_message(key) -> bool:
    """A key of a gettext table: the msgid, or (msgid, plural form index) for plurals."""
    msgid = key[0] if isinstance(key, tuple) else key
    return msgid in _wtforms_msgids()


class WTFormsMessages:
    @staticmethod
    def _catalog():
        return wtforms_catalog(str(get_locale() or "en"))

    def gettext(self, string: str) -> str:
        return self._catalog().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog().ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()
