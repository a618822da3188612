"""Locale negotiation and locale-aware formatting."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_datetime, format_decimal

from observer_portal.i18n import LOCALES

HOME_HEADINGS = {
    "en": "Centre for Assistance to International Observers and Media Representatives",
    "de": "Zentrum zur Unterstützung internationaler Beobachter und Medienvertreter",
    "fr": "Centre d’assistance aux observateurs internationaux et aux représentants des médias",
    "ru": "Центр содействия международным наблюдателям и представителям СМИ",
    "kk": "Халықаралық байқаушылар мен БАҚ өкілдеріне жәрдемдесу орталығы",
}
CATALOG_DIR = Path(__file__).resolve().parent.parent / "translations"
# Words that really are spelled the same in English and the target language.
# a message of placeholders and punctuation alone ("%(organisation)s: %(kind)s") has no
# English word in it: a language may keep it as it is
ONLY_PLACEHOLDERS = re.compile(r"(?:[^\w%]*%\(\w+\)[sd])+[^\w%]*")


def _reviewed_as_english() -> dict[str, set[str]]:
    """The words a language writes as English does, reviewed once for the PO linter
    (translations/lint.toml, pofilter's "unchanged" check): one list for both."""
    with open(Path(__file__).resolve().parents[1] / "translations" / "lint.toml", "rb") as handle:
        allowed = tomllib.load(handle)["allowed"]
    return {code: set(allowed.get(code, {}).get("unchanged", [])) for code in ("de", "fr", "ru", "kk")}


SAME_AS_ENGLISH = _reviewed_as_english()


def html_lang(response) -> str:
    return re.search(r'<html lang="([\w-]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("code", sorted(LOCALES))
def test_home_page_renders_in_each_locale(client, code):
    response = client.get(f"/?lang={code}")
    assert response.status_code == 200
    assert html_lang(response) == code
    assert HOME_HEADINGS[code] in response.get_data(as_text=True)


def test_accept_language_picks_the_best_supported_locale(client):
    response = client.get("/", headers={"Accept-Language": "it-IT,it;q=0.9,fr;q=0.8,en;q=0.5"})
    assert html_lang(response) == "fr"


def test_unsupported_accept_language_falls_back_to_english(client):
    response = client.get("/", headers={"Accept-Language": "ja,zh;q=0.8"})
    assert html_lang(response) == "en"


def test_explicit_choice_wins_and_is_remembered(client):
    headers = {"Accept-Language": "fr"}
    assert html_lang(client.get("/?lang=kk", headers=headers)) == "kk"
    assert html_lang(client.get("/login", headers=headers)) == "kk"


@pytest.mark.parametrize("hostile", ["xx", "../../etc/passwd", "de_DE'--", "<script>", "en" * 200])
def test_hostile_lang_parameter_is_ignored(client, hostile):
    response = client.get("/", query_string={"lang": hostile}, headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    assert html_lang(response) == "ru"


def test_user_preference_beats_accept_language(app, login_as):
    client, _ = login_as("observer", preferred_locale="de")
    assert html_lang(client.get("/", headers={"Accept-Language": "fr"})) == "de"


def test_switcher_links_keep_the_page_and_its_query(client):
    html = client.get("/login?next=/account").get_data(as_text=True)
    for code in LOCALES:
        assert f'href="/login?next=%2Faccount&amp;lang={code}"' in html
    assert 'hreflang="kk"' in html


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "768,778"), ("de", "768.778"), ("fr", "768\u202f778"), ("ru", "768\xa0778"), ("kk", "768\xa0778")],
)
def test_numbers_are_formatted_per_locale(app, code, expected):
    with app.test_request_context(), force_locale(code):
        assert format_decimal(768778) == expected


def test_dates_are_formatted_per_locale(app):
    from datetime import UTC, datetime

    moment = datetime(2022, 11, 20, 5, 0, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("de"):
            assert format_datetime(moment, "long").startswith("20. November 2022")
        with force_locale("ru"):
            assert "ноября 2022" in format_datetime(moment, "long")
        with force_locale("en"):
            assert "10:00" in format_datetime(moment, "HH:mm")  # shown in Atyrau time (UTC+5)


@pytest.mark.parametrize("code", sorted(LOCALES))
def test_catalog_is_complete(code):
    with open(CATALOG_DIR / code / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=code)
    template_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _template() if m.id}
    ids = set()
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        ids.add(key)
        assert not message.fuzzy, f"{code}: fuzzy entry {key!r}"
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        assert all(strings), f"{code}: untranslated {key!r}"
        _check_placeholders(code, key, strings)
        if code != "en" and strings[0] == key and not ONLY_PLACEHOLDERS.fullmatch(key):
            assert key in SAME_AS_ENGLISH[code], f"{code}: {key!r} left in English"
    assert template_ids <= ids, f"{code}: missing {sorted(template_ids - ids)[:5]}"


def _template():
    with open(CATALOG_DIR / "messages.pot", "rb") as handle:
        return read_po(handle)


def _check_placeholders(code, msgid, strings):
    wanted = set(re.findall(r"%\(\w+\)[sd]", msgid))
    for text in strings:
        assert set(re.findall(r"%\(\w+\)[sd]", text)) <= wanted | {"%(num)d"}, f"{code}: placeholders in {msgid!r}"


@pytest.mark.parametrize("locale", ["en", "de", "fr", "ru", "kk"])
def test_the_country_list_holds_countries_in_the_readers_alphabetical_order(app, locale):
    """Babel's territories without groupings, test locales or "unknown", ordered by ICU's
    collation for the reader's language (Kazakh Қ after К, not after Я)."""
    from flask_babel import force_locale

    from observer_portal.i18n import NOT_COUNTRIES, country_choices

    with app.test_request_context(), force_locale(locale):
        choices = country_choices()
    codes = [code for code, _ in choices]
    names = [name for _, name in choices]
    assert not set(codes) & NOT_COUNTRIES
    assert {"KZ", "DE", "FR", "RU", "US", "XK"} <= set(codes)
    assert len(codes) > 240
    assert not any("Pseudo" in name or "Unknown" in name for name in names)
    position = {code: index for index, code in enumerate(codes)}
    if locale == "kk":  # Кения, Қазақстан, Өзбекстан before Украина, Ұлыбритания, then Ямайка
        assert position["KE"] < position["KZ"] < position["JM"]
        assert position["UA"] < position["GB"] < position["JM"]
        assert position["AT"] < position["AZ"] < position["BE"]  # Австрия, Әзірбайжан, Бельгия
    if locale == "ru":  # Кабо-Верде, Казахстан, Камбоджа; Ямайка before Япония, the last
        assert position["CV"] < position["KZ"] < position["KH"]
        assert position["JM"] < position["JP"] == len(codes) - 1
    if locale == "de":  # Ägypten with the A's, not after Zypern
        assert position["EG"] < position["AL"]


@pytest.mark.parametrize("role", ["anonymous", "observer", "media", "volunteer", "coordinator", "admin"])
def test_no_two_menu_entries_read_the_same_in_any_language(app, login_as, role):
    """French once said "Accueil" for both the home page and the front desk."""
    import re

    client, _ = login_as(role)
    for locale in ("en", "de", "fr", "ru", "kk"):
        html = client.get(f"/?lang={locale}").get_data(as_text=True)
        menu = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
        labels = [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", menu, re.S)]
        labels = [re.sub(r"\s*\d+( unread)?$", "", label) for label in labels]
        assert len(labels) == len(set(labels)), (locale, labels)
        assert len(labels) >= 3
