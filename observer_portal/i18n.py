"""Supported UI locales, spoken languages, and how a request's locale is chosen.

Order (DESIGN §4): explicit choice (`?lang=` or the switcher, remembered in the `lang`
cookie) > the signed-in user's preference > `Accept-Language` > English. The choice is a
cookie of its own, not the session: a reader who is not signed in gets no session at all,
so public pages can be cached (`http_caching.py`); and the cookie is only set when `?lang=`
changes what would have been chosen anyway.
Every candidate is checked against the allowlist before it reaches Babel, so a
hostile `?lang=../../etc` is ignored rather than turned into a 500.
"""

from __future__ import annotations

from babel import Locale
from flask import after_this_request, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from observer_portal.api_paths import is_api_request

#: UI locales with their names written in that language (for the switcher).
LOCALES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "ru": "Русский",
    "kk": "Қазақша",
}
DEFAULT_LOCALE = "en"
USER_LOCALE_KEY = "user_locale"  # the signed-in person's own language, copied into the session
LANG_COOKIE = "lang"
LANG_COOKIE_SECONDS = 365 * 86400

#: Languages people can speak or ask help in (a superset of the UI locales).
SPOKEN_LANGUAGES: tuple[str, ...] = (
    "en",
    "de",
    "fr",
    "ru",
    "kk",
    "es",
    "it",
    "pl",
    "tr",
    "uk",
    "zh",
    "ar",
)


def valid_locale(code: str | None) -> str | None:
    return code if code in LOCALES else None


def negotiate(asked: str | None, remembered: str | None, preferred: str | None, accept) -> tuple[str, bool]:
    """The locale of a response, and whether `asked` (`?lang=`) must be remembered: only when
    it differs from what would be chosen without it. The page cache (`page_cache.py`) calls
    this with the same inputs, so a cached page is the one Flask would draw."""
    fallback = valid_locale(remembered) or valid_locale(preferred) or accepted(accept)
    chosen = valid_locale(asked)
    if chosen is None:
        return fallback, False
    return chosen, chosen != fallback


def accepted(accept) -> str:
    """The reader's most wanted language the portal speaks: "de-DE;q=0.9, en;q=0.8" is German
    (Werkzeug's best_match would take the exact "en" over "de-DE")."""
    for value, quality in accept:  # highest quality first
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if quality > 0 and primary in LOCALES:
            return primary
    return DEFAULT_LOCALE


def remember_explicit_locale() -> None:
    """`?lang=` that changes the language: remember it in the `lang` cookie."""
    code = valid_locale(request.args.get("lang"))
    if not code or code == request.cookies.get(LANG_COOKIE):
        return
    if code == _choose(None):
        return  # what would be chosen anyway: no cookie, the page stays cacheable
    remember_language(code)


def remember_language(code: str) -> None:
    """Set the `lang` cookie on this response (the switcher; signing out keeps the language
    the person was reading in, which came from their account until then)."""
    if request.cookies.get(LANG_COOKIE) == code:
        return

    @after_this_request
    def remember(response):
        config = current_app.config
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=LANG_COOKIE_SECONDS,
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response


def _user_preference() -> str | None:
    if g.get("database_down"):  # the person cannot be loaded: their language as the session remembers it
        return valid_locale(session.get(USER_LOCALE_KEY)) if session else None
    if current_user and current_user.is_authenticated:
        preferred = valid_locale(current_user.preferred_locale)
        if preferred and session.get(USER_LOCALE_KEY) != preferred:
            session[USER_LOCALE_KEY] = preferred
        return preferred
    return None


def _choose(asked: str | None) -> str:
    """Once per request and value of `asked` (the locale selector is asked several times)."""
    chosen = g.setdefault("portal_locale_choices", {})
    if asked not in chosen:
        chosen[asked] = negotiate(
            asked, request.cookies.get(LANG_COOKIE), _user_preference(), request.accept_languages
        )[0]
    return chosen[asked]


def select_locale() -> str:
    """Flask-Babel locale selector."""
    if not has_request_context():  # command line, background work
        return DEFAULT_LOCALE
    if is_api_request():
        return _api_locale()
    return _choose(request.args.get("lang"))


def _api_locale() -> str:
    """An API client's language: `?locale=` (the language of the content asked for), else
    `Accept-Language`, else the token owner's, else English — no `?lang=`, no cookie, no
    session (an API response sets none)."""
    if asked := valid_locale(request.args.get("locale")):
        return asked
    if request.headers.get("Accept-Language"):
        return accepted(request.accept_languages)
    if current_user and current_user.is_authenticated:
        return valid_locale(current_user.preferred_locale) or DEFAULT_LOCALE
    return DEFAULT_LOCALE


def content_chain(locale: str) -> tuple[str, ...]:
    """The languages content falls back to for a reader of `locale`, best first (the
    CONTENT_FALLBACKS setting: kk → ru → en, de and fr → en by default)."""
    from observer_portal.config import DEFAULT_CONTENT_FALLBACKS, _content_fallbacks

    chains = current_app.config.get("CONTENT_FALLBACKS") if current_app else None
    if chains is None:
        chains = _content_fallbacks(DEFAULT_CONTENT_FALLBACKS)
    return chains.get(locale, ())


def reader_locale() -> str:
    """The language of whoever is being written for: the request's, the one forced for an
    e-mail, else the default (the command line)."""
    try:
        locale = get_locale()
    except RuntimeError:  # no application context at all
        locale = None
    return (valid_locale(str(locale)) if locale else None) or DEFAULT_LOCALE


def select_timezone() -> str:
    """Show times in the timezone of the user's centre, else the configured default."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if not g.get("database_down") and current_user and current_user.is_authenticated and current_user.centre:
        return current_user.centre.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def language_name(code: str) -> str:
    """Name of a spoken language in the current UI locale ("Deutsch" → "German")."""
    try:
        name = Locale.parse(code).get_display_name(get_locale())
    except (ValueError, LookupError):
        return code
    return name[:1].upper() + name[1:] if name else code


def language_in_sentence(code: str) -> str:
    """A language's name as a sentence says it in the current UI locale: CLDR's own form,
    lower case where the language writes it so ("parle allemand et français", "на языке
    «немецкий»"), capitalised where it is a noun ("spricht Deutsch"). `language_name` is the
    form that starts a label or a list item."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, LookupError):
        return code


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in SPOKEN_LANGUAGES]


#: CLDR territories that are no one's nationality: groupings (EU, the euro area, the UN,
#: outlying Oceania), test locales (XA, XB), "unknown" (ZZ), and ISO's exceptionally
#: reserved codes for parts of countries (Ascension, the Canary Islands, Ceuta and Melilla …).
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"})


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries, named and ordered as the reader's language names and orders them."""
    from observer_portal.collation import in_reading_order

    territories = get_locale().territories
    countries = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return in_reading_order(countries, lambda item: item[1], str(get_locale()))


def country_name(code: str) -> str:
    return get_locale().territories.get(code, code) if code else ""
