"""Centres as data (services/centres.py, centres/): administrators set them up in five
languages, coordinators keep their own centre's contacts current, a closed-down centre
leaves every public list, and each reader sees each text by the fallback rule."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Centre
from observer_portal.multilingual import localized
from tests.helpers import make_centre, post_form

NAMES = {
    "ru": "Центр содействия наблюдателям (Орал)",
    "kk": "Байқаушыларға жәрдемдесу орталығы (Орал)",
    "en": "Observers' assistance centre (Oral)",
}
FORM = {
    "slug": "oral",
    "name_ru": NAMES["ru"],
    "name_kk": NAMES["kk"],
    "name_en": NAMES["en"],
    "region_kk": "Батыс Қазақстан облысы",
    "region_ru": "Западно-Казахстанская область",
    "address_kk": "Достық даңғылы, 1, Орал",
    "hours_de": "Täglich 09:00–18:00 Uhr",
    "language": "kk",
    "timezone": "Asia/Oral",
    "phone": "+7 7112 50 00 00",
    "email": "Oral@Example.org",
}


def _page(client, url, locale):
    response = client.get(url, query_string={"lang": locale})
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def test_the_fallback_order_is_the_readers_language_then_the_centres_then_any():
    texts = {"ru": "Атырау", "de": "Atyrau"}
    assert localized(texts, "de", own="ru") == "Atyrau"
    assert (localized(texts, "kk", own="ru"), localized(texts, "kk", own="ru").lang) == ("Атырау", "ru")
    assert localized(texts, "fr", own="kk").lang == "de"  # the portal's order of languages: en, de, fr, ru, kk
    assert localized({"en": "  "}, "fr") == ""
    assert localized(None, "fr") == ""


def test_an_administrator_sets_up_a_centre_every_reader_sees_in_their_language(app, login_as):
    admin, _user = login_as("admin")
    response = post_form(admin, "/manage/centres/new", FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/centres/oral")
    reader = app.test_client()
    # the reader's language, then their fallback chain (CONTENT_FALLBACKS: de, fr → en), then
    # the centre's own language: no English region, so Kazakh for English, German and French
    for locale, name, name_lang, region_lang in (
        ("en", NAMES["en"], "en", "kk"),
        ("de", NAMES["en"], "en", "kk"),  # no German name: English, the German reader's fallback
        ("fr", NAMES["en"], "en", "kk"),
        ("ru", NAMES["ru"], "ru", "ru"),
        ("kk", NAMES["kk"], "kk", "kk"),
    ):
        page = _page(reader, "/centres/oral", locale)
        assert f'<h1 lang="{name_lang}">{name}</h1>' in page, locale
        assert f'<span lang="{region_lang}">' in page
        home = _page(reader, "/", locale)
        assert name in home
    german = _page(reader, "/centres/oral", "de")
    assert "Täglich 09:00–18:00 Uhr" in german
    assert "Достық даңғылы, 1, Орал" in german
    assert "Asia/Oral" not in german
    assert "Oral (GMT+05:00)" in german
    with app.app_context():
        centre = db.session.scalar(select(Centre).where(Centre.slug == "oral"))
        assert centre.email == "oral@example.org"
        assert centre.language == "kk"
        assert [e.name("en") for e in centre.elections] == []  # no active election in this test
        assert (
            db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "Centre")) == "centre.created"
        )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"timezone": "Asia/Nowhere"}, "timezone", "Verwenden Sie einen Zeitzonennamen"),
        ({"slug": "Oral Centre"}, "slug", "Kleinbuchstaben"),
        ({"name_ru": "", "name_kk": "", "name_en": ""}, "name_en", "mindestens einer Sprache"),
        ({"phone": "call us"}, "phone", "Telefonnummer"),
    ],
)
def test_a_wrong_centre_is_refused_in_the_readers_language_and_nothing_is_written(
    app, login_as, change, field, message
):
    admin, _user = login_as("admin", preferred_locale="de")
    response = post_form(admin, "/manage/centres/new", {**FORM, **change})
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert message in page
    assert f'id="{field}"' in page
    with app.app_context():
        assert db.session.scalar(select(Centre.id).where(Centre.slug == "oral")) is None


def test_a_slug_is_taken_once(app, login_as):
    with app.app_context():
        make_centre("oral")
    admin, _user = login_as("admin")
    response = post_form(admin, "/manage/centres/new", FORM)
    assert response.status_code == 422
    assert "Another centre already has this address" in response.get_data(as_text=True)


def test_a_coordinator_keeps_their_own_centres_contacts_and_nothing_else(app, login_as):
    with app.app_context():
        make_centre("atyrau", name="Atyrau centre")
        make_centre("karaganda")
    coordinator, _user = login_as("coordinator")  # of Atyrau
    form = unescape(coordinator.get("/manage/centres/atyrau").get_data(as_text=True))
    assert 'name="hours_ru"' in form
    assert 'name="name_en"' not in form
    assert 'name="timezone"' not in form
    response = post_form(
        coordinator,
        "/manage/centres/atyrau",
        {"hours_ru": "Ежедневно, 08:00–22:00", "phone": "+7 7122 27 63 00", "name_en": "Taken over", "timezone": "UTC"},
    )
    assert response.status_code == 302
    with app.app_context():
        centre = db.session.scalar(select(Centre).where(Centre.slug == "atyrau"))
        assert centre.hours == {"ru": "Ежедневно, 08:00–22:00"}
        assert centre.phone == "+7 7122 27 63 00"
        assert centre.names == {"en": "Atyrau centre"}
        assert centre.timezone == "Asia/Atyrau"
    assert coordinator.get("/manage/centres/karaganda").status_code == 403
    assert post_form(coordinator, "/manage/centres/karaganda", {"phone": "+7 1"}, page="/").status_code == 403
    assert coordinator.get("/manage/centres/new").status_code == 403


def test_a_closed_down_centre_leaves_every_public_list_and_keeps_its_records(app, login_as):
    with app.app_context():
        make_centre("atyrau", name="Atyrau centre")
        make_centre("karaganda", name="Karaganda centre")
    admin, _user = login_as("admin")
    assert post_form(admin, "/manage/centres/karaganda/close-down", {}, page="/manage/centres/").status_code == 302
    reader = app.test_client()
    assert "Karaganda centre" not in _page(reader, "/", "en")
    assert "Karaganda centre" not in _page(reader, "/signup", "en")
    assert reader.get("/centres/karaganda").status_code == 404
    assert "closed down" in _page(admin, "/centres/karaganda", "en")
    assert "Karaganda centre" not in _page(admin, "/staff/new", "en")
    assert post_form(admin, "/manage/centres/karaganda/reopen", {}, page="/manage/centres/").status_code == 302
    assert "Karaganda centre" in _page(reader, "/", "en")
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["centre.deactivated", "centre.reactivated"]


def test_centres_are_created_from_the_command_line_with_the_same_checks(app):
    runner = app.test_cli_runner()
    args = ["centres", "create", "oral", "--name", "kk:Орал орталығы", "--name", "en:Oral centre"]
    args += ["--region", "kk:Батыс Қазақстан облысы", "--timezone", "Asia/Oral", "--hours", "ru:09:00–18:00"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=[*args[:2], "oral", *args[3:]])
    assert refused.exit_code == 1
    assert "Another centre already has this address" in refused.output
    wrong = runner.invoke(args=[*args[:2], "uralsk", *args[3:-4], "--timezone", "Europe/Atlantis"])
    assert wrong.exit_code == 1
    assert "time zone" in wrong.output
    bad_text = runner.invoke(args=[*args[:2], "uralsk", *args[3:], "--address", "xx:nowhere"])
    assert bad_text.exit_code == 2
    assert "LOCALE:TEXT" in bad_text.output
    listing = runner.invoke(args=["centres", "list"])
    assert "oral\topen\tAsia/Oral\tOral centre" in listing.output
    with app.app_context():
        centre = db.session.scalar(select(Centre).where(Centre.slug == "oral"))
        assert centre.hours == {"ru": "09:00–18:00"}
        assert centre.regions == {"kk": "Батыс Қазақстан облысы"}


@pytest.mark.parametrize("zone", ["Factory", "localtime", "Etc/GMT+5", "UTC"])
def test_a_time_zone_must_be_a_place(app, login_as, zone):
    admin, _user = login_as("admin")
    assert post_form(admin, "/manage/centres/new", {**FORM, "timezone": zone}).status_code == 422


def test_a_time_zone_is_found_in_any_case_and_the_slug_new_is_taken_by_the_form(app, login_as):
    admin, _user = login_as("admin")
    assert post_form(admin, "/manage/centres/new", {**FORM, "slug": "new"}).status_code == 422
    assert post_form(admin, "/manage/centres/new", {**FORM, "timezone": "asia/oral"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Centre.timezone).where(Centre.slug == "oral")) == "Asia/Oral"
