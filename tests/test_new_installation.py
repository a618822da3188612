"""A real election stood up without the demo, on an empty database (SQLite here, PostgreSQL
in the second run of `make test`): `flask setup`, then everything through the pages people
use — the admin adds a centre in three languages and its coordinator; the coordinator
registers a mission, uploads and imports the accreditation list; and every reader sees
the election, the centre and the mission in their language, by the fallback rule."""

from __future__ import annotations

import io
from html import unescape

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import Centre, Election, Organisation, User, VisitorProfile
from tests.helpers import csrf_from, login, post_form, post_multipart

ADMIN_PASSWORD = "the commission sets up atyrau"  # noqa: S105 - test credentials
COORDINATOR_PASSWORD = "coordinating the observers"  # noqa: S105
ELECTION = {
    "en": "Presidential election 2029",
    "ru": "Выборы Президента Республики Казахстан 2029 года",
    "kk": "Қазақстан Республикасы Президентінің 2029 жылғы сайлауы",
}
CENTRE = {
    "name_kk": "Байқаушыларға жәрдемдесу орталығы",
    "name_ru": "Центр содействия наблюдателям",
    "name_en": "Observers' assistance centre",
    "region_kk": "Атырау облысы",
    "region_ru": "Атырауская область",
    "region_de": "Gebiet Atyrau",
    "address_kk": "Студенттік даңғылы, 1, Атырау",
    "hours_en": "Daily, 08:00–22:00",
}


@pytest.mark.commits  # `flask setup` and the pages share one database, as on a server
def test_an_empty_database_becomes_a_working_centre_through_its_pages(app):
    runner = app.test_cli_runner()
    args = ["setup", "--admin-email", "admin@cec.example.org", "--admin-name", "CEC Admin"]
    args += ["--admin-password", ADMIN_PASSWORD, "--voting-day", "2029-11-18"]
    for locale, text in ELECTION.items():
        args += ["--election-name", f"{locale}:{text}"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=args).exit_code == 1  # never twice

    admin = app.test_client()
    assert login(admin, "admin@cec.example.org", ADMIN_PASSWORD).status_code == 302
    page = admin.get("/manage/centres/new").get_data(as_text=True)
    assert ELECTION["en"] in page  # the active election is offered, ticked
    with app.app_context():
        election_id = db.session.scalar(select(Election.id))
    form = {"slug": "atyrau", "language": "kk", "timezone": "Asia/Atyrau", "elections": str(election_id), **CENTRE}
    assert post_form(admin, "/manage/centres/new", form).status_code == 302
    with app.app_context():
        centre_id = db.session.scalar(select(Centre.id))
    account = {
        "email": "coordinator@atyrau.example.org",
        "display_name": "Aigerim Nurlanovna",
        "role": "coordinator",
        "centre": str(centre_id),
        "password": COORDINATOR_PASSWORD,
    }
    assert post_form(admin, "/staff/new", account).status_code == 302

    coordinator = app.test_client()
    assert login(coordinator, account["email"], COORDINATOR_PASSWORD).status_code == 302
    mission = {"name": "CIS Observer Mission", "kind": "observer_mission", "name_ru": "Миссия наблюдателей от СНГ"}
    assert post_form(coordinator, "/manage/organisations/new", mission).status_code == 302
    listing = "ФИО;Номер аккредитации;Организация;E-mail\r\nИванов Иван;CIS-LTO-0101;миссия наблюдателей от снг;ivanov@example.org\r\n"
    page = coordinator.get("/manage/accreditations/").get_data(as_text=True)
    payload = {"csrf_token": csrf_from(page), "default_kind": "observer", "encoding": "", "election": str(election_id)}
    payload["file"] = (io.BytesIO(listing.encode("utf-8-sig")), "list.csv")
    uploaded = post_multipart(coordinator, "/manage/accreditations/", payload)
    assert uploaded.status_code == 302
    columns = uploaded.headers["Location"]
    mapped = {
        "full_name": "0",
        "accreditation_number": "1",
        "organisation": "2",
        "email": "3",
        "default_kind": "observer",
    }
    preview = post_form(coordinator, columns, mapped).headers["Location"]
    assert post_form(coordinator, preview + "/import", {}, page=preview).status_code == 302

    with app.app_context():
        person = db.session.scalar(select(VisitorProfile))
        assert (person.full_name, person.centre_id, person.election_id) == ("Иванов Иван", centre_id, election_id)
        assert (
            db.session.scalar(select(Organisation.name).where(Organisation.id == person.organisation_id))
            == mission["name"]
        )
        assert db.session.scalar(select(func.count(Organisation.id))) == 1  # the Russian name found the mission
        assert db.session.scalar(select(func.count(User.id))) == 2

    reader = app.test_client()
    expected = {  # (election, centre name, region) as each reader sees them
        "en": (ELECTION["en"], CENTRE["name_en"], CENTRE["region_kk"]),
        "de": (ELECTION["en"], CENTRE["name_en"], CENTRE["region_de"]),
        "fr": (ELECTION["en"], CENTRE["name_en"], CENTRE["region_kk"]),
        "ru": (ELECTION["ru"], CENTRE["name_ru"], CENTRE["region_ru"]),
        "kk": (ELECTION["kk"], CENTRE["name_kk"], CENTRE["region_kk"]),
    }
    for locale, (election, name, region) in expected.items():
        page = unescape(reader.get(f"/centres/atyrau?lang={locale}").get_data(as_text=True))
        assert election in page, locale
        assert name in page, locale
        assert region in page, locale
    registry = unescape(coordinator.get("/manage/organisations/?lang=ru").get_data(as_text=True))
    assert "Миссия наблюдателей от СНГ" in registry
