"""Text kept in several languages (an election's name, a centre's name and address, an
organisation's name): one rule to pick the words a reader sees.

Stored as a JSON object `{locale: text}`. The reader gets their own language if it is
filled, else the entity's own language (a centre's, when it has one), else the first
filled one in the portal's order of languages — never nothing while any text exists.
The words come back knowing their language (`LocalText.lang`), so a page can mark a
Kazakh name shown to a German reader with `lang="kk"` for screen readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from observer_portal.i18n import LOCALES


class LocalText(str):
    """A string that knows which language it is in."""

    lang: str

    def __new__(cls, text: str, lang: str) -> LocalText:
        value = super().__new__(cls, text)
        value.lang = lang
        return value


def localized(texts: Mapping[str, str] | None, locale: str, own: str | None = None) -> LocalText:
    """The reader's text, else the first of their fallback chain (content_chain), else the
    entity's own language, else any filled one."""
    from observer_portal.i18n import content_chain

    texts = texts or {}
    for code in (locale, *content_chain(locale), own, *LOCALES):
        if code and (texts.get(code) or "").strip():
            return LocalText(texts[code].strip(), code)
    return LocalText("", locale)


def tidy_texts(texts: Mapping[str, str | None]) -> dict[str, str]:
    """The filled languages only, each text on one line with single spaces."""
    tidied = {code: " ".join((texts.get(code) or "").split()) for code in LOCALES}
    return {code: text for code, text in tidied.items() if text}


class BadLocaleText(ValueError):
    """A `LOCALE:TEXT` pair that is not one (unknown language, no text)."""


def parse_locale_texts(pairs: Iterable[str]) -> dict[str, str]:
    """Command-line `LOCALE:TEXT` options as a `{locale: text}` object."""
    texts: dict[str, str] = {}
    for pair in pairs:
        locale, separator, text = pair.partition(":")
        locale, text = locale.strip().lower(), text.strip()
        if not separator or locale not in LOCALES or not text:
            raise BadLocaleText(f"{pair!r} is not LOCALE:TEXT with LOCALE one of {', '.join(LOCALES)}")
        texts[locale] = text
    return texts
