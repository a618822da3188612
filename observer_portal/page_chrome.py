"""What every page draws around its content — the site's name, the skip link, the menu's
words for readers who are not signed in, the stylesheet's and the menu's addresses — made
once per language and application root instead of on every request (base.html took two
dozen calls for it: a third of an anonymous page's drawing)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from observer_portal.lazy_text import _l

#: name → the text (markup: our catalog's, like `_()` in a template)
WORDS = {
    "site": _l("Observer Portal"),
    "tagline": _l("Assistance to international observers and media"),
    "skip": _l("Skip to main content"),
    "languages": _l("Choose language"),
    "main_menu": _l("Main menu"),
    "menu": _l("Menu"),
    "home": _l("Home"),
    "briefings": _l("Briefings"),
    "sign_in": _l("Sign in"),
    "sign_up": _l("Sign up"),
    "notifications": _l("Notifications"),
    "account": _l("My account"),
    "sign_out": _l("Sign out"),
}
#: name → (endpoint, values)
ADDRESSES = {
    "stylesheet": ("static", {"filename": "css/portal.css"}),
    "icon": ("static", {"filename": "favicon.svg"}),
    "manifest": ("static", {"filename": "manifest.webmanifest"}),
    "script": ("static", {"filename": "js/offline.js"}),
    "home": ("main.home", {}),
    "briefings": ("briefings.index", {}),
    "sign_in": ("auth.login", {}),
    "sign_up": ("auth.signup", {}),
    "notifications": ("main.notifications", {}),
    "account": ("auth.account", {}),
    "sign_out": ("auth.logout", {}),
}


def page_url(endpoint: str, **values) -> str:
    """`url_for` for the links every page draws — the stylesheet, the menu — remembered per
    application root: the same few URLs were built again on every request."""
    memo = current_app.extensions.setdefault("portal_page_urls", {})
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    if key not in memo:
        if len(memo) >= PAGE_URLS:  # links with values (a briefing's languages): bounded
            memo.clear()
        memo[key] = url_for(endpoint, **values)
    return memo[key]


PAGE_URLS = 4096


@dataclass(frozen=True)
class Chrome:
    words: dict[str, Markup]
    urls: dict[str, str]


def page_chrome() -> Chrome:
    """The chrome of the page being drawn, in its language."""
    memo = current_app.extensions.setdefault("portal_chrome", {})
    key = (str(get_locale()), request.script_root)
    chrome = memo.get(key)
    if chrome is None:
        words = {name: text.__html__() for name, text in WORDS.items()}  # as `_()` draws it
        urls = {name: page_url(endpoint, **values) for name, (endpoint, values) in ADDRESSES.items()}
        chrome = memo[key] = Chrome(words, urls)
    return chrome
