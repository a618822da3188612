"""Elections as data (observer_portal/services/elections.py, setup_cli.py): the first run on
an empty database, one active election at a time, names in every language with a
fallback, and the header and footer naming the active election in the reader's language."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Election, ElectionState, Role, User
from observer_portal.multilingual import localized
from observer_portal.services import ServiceError
from observer_portal.services.elections import ElectionInput, activate, active_election, create_election
from tests.helpers import login

NAMES = {
    "en": "Early presidential election of the Republic of Kazakhstan",
    "ru": "Внеочередные выборы Президента Республики Казахстан",
    "kk": "Қазақстан Республикасы Президентінің кезектен тыс сайлауы",
}
SETUP = [
    "setup",
    "--admin-email",
    "cec-admin@example.org",
    "--admin-name",
    "Aigerim Nurlanovna",
    "--admin-password",
    "a long passphrase for the commission",
    "--election-name",
    f"en:{NAMES['en']}",
    "--election-name",
    f"ru:{NAMES['ru']}",
    "--election-name",
    f"kk:{NAMES['kk']}",
    "--voting-day",
    "2022-11-20",
    "--serves-from",
    "2022-10-31",
    "--serves-to",
    "2022-11-21",
]


def test_the_first_run_makes_an_administrator_and_the_active_election_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=SETUP)
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "cec-admin@example.org"))
        assert admin.role == Role.ADMIN
        election = active_election(db.session)
        assert election.names == NAMES
        assert (election.voting_day, election.serves_from, election.serves_to) == (
            date(2022, 11, 20),
            date(2022, 10, 31),
            date(2022, 11, 21),
        )
        assert election.retention_days == 90
        assert election.retention_ends == date(2023, 2, 18)
    assert login(app.test_client(), "cec-admin@example.org", "a long passphrase for the commission").status_code == 302
    again = runner.invoke(args=SETUP)
    assert again.exit_code != 0
    assert "set up already" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.engine_independent
@pytest.mark.parametrize(
    ("change", "words"),
    [
        (["--election-name", "xx:Wahl"], "LOCALE:TEXT"),
        (["--election-name", "en"], "LOCALE:TEXT"),
        (["--serves-to", "2022-11-19"], "within the days the centres serve"),
        (["--admin-password", "password123"], "too common"),
    ],
)
def test_the_first_run_refuses_what_is_wrong_and_writes_nothing(app, change, words):
    args = list(SETUP)
    option = change[0]
    if option in args:
        args[args.index(option) + 1] = change[1]
    else:
        args += change
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert words in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
        assert db.session.scalar(select(func.count(Election.id))) == 0


def test_one_election_is_active_at_a_time(app_ctx):
    first = create_election(db.session, None, ElectionInput(NAMES, date(2022, 11, 20)), active=True)
    second = create_election(db.session, None, ElectionInput({"en": "Next"}, date(2029, 11, 18)))
    assert (first.state, second.state) == (ElectionState.ACTIVE, ElectionState.PREPARING)
    activate(db.session, None, second)
    db.session.flush()
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.state, second.state) == (ElectionState.CLOSED, ElectionState.ACTIVE)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a.value for a in actions] == [
        "election.created",
        "election.activated",
        "election.created",
        "election.closed",
        "election.activated",
    ]
    with pytest.raises(IntegrityError):  # the database holds to it too
        with db.session.begin_nested():
            db.session.execute(text("UPDATE elections SET state = 'active'"))


@pytest.mark.engine_independent
@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ElectionInput({"en": "  "}, date(2022, 11, 20)), "name_en"),
        (ElectionInput({"de": "x" * 201}, date(2022, 11, 20)), "name_de"),
        (ElectionInput(NAMES, date(2022, 11, 20), date(2022, 11, 21), date(2022, 11, 30)), "voting_day"),
        (ElectionInput(NAMES, date(2022, 11, 20), date(2022, 11, 22), date(2022, 11, 1)), "serves_to"),
        (ElectionInput(NAMES, date(2022, 11, 20), retention_days=-1), "retention_days"),
    ],
)
def test_an_election_that_makes_no_sense_is_refused(app_ctx, data, field):
    with pytest.raises(ServiceError) as error:
        create_election(db.session, None, data)
    assert error.value.field == field


@pytest.mark.engine_independent
def test_a_name_falls_back_to_the_entitys_language_then_to_any_filled_one():
    assert localized(NAMES, "kk") == NAMES["kk"]
    assert localized(NAMES, "de") == NAMES["en"]  # no German: the first filled one in the portal's order
    assert localized({"ru": "Выборы", "kk": "Сайлау"}, "de", own="kk") == "Сайлау"  # the entity's own language
    assert localized({"fr": "  ", "ru": "Выборы"}, "fr") == "Выборы"  # blank counts as missing
    assert localized({}, "en") == ""


@pytest.mark.engine_independent
@pytest.mark.parametrize(
    ("locale", "name", "day"),
    [
        ("en", NAMES["en"], "November 20, 2022"),
        ("de", NAMES["en"], "20. November 2022"),
        ("fr", NAMES["en"], "20 novembre 2022"),
        ("ru", NAMES["ru"], "20 ноября 2022"),
        ("kk", NAMES["kk"], "2022"),
    ],
)
def test_every_page_names_the_active_election_in_the_readers_language(app, locale, name, day):
    with app.app_context():
        create_election(db.session, None, ElectionInput(NAMES, date(2022, 11, 20)), active=True)
        db.session.commit()
    html = app.test_client().get(f"/?lang={locale}").get_data(as_text=True)
    header, footer = html.split("<main", 1)[0], html.rsplit("<footer", 1)[1]
    assert name in header
    assert name in footer
    assert day in footer


@pytest.mark.engine_independent
def test_without_an_active_election_no_page_names_one(app, login_as):
    client, _ = login_as("volunteer")
    html = client.get("/").get_data(as_text=True)
    assert "brand-election" not in html
    assert "Voting day" not in html


@pytest.mark.engine_independent
def test_the_audit_log_names_elections_in_the_readers_language(app, login_as):
    client, _ = login_as("admin", centre=None)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        create_election(db.session, admin, ElectionInput(NAMES, date(2022, 11, 20)), active=True)
        db.session.commit()
    html = client.get("/staff/audit?lang=ru").get_data(as_text=True)
    assert f"«{NAMES['ru']}»" in html or NAMES["ru"] in html
    assert "election.created" not in html


@pytest.mark.engine_independent
def test_the_demo_has_the_2022_election_closed_and_a_training_election_active(app_ctx):
    from observer_portal.demo import load_demo

    load_demo(db.session)
    load_demo(db.session)  # twice: nothing new
    elections = db.session.scalars(select(Election).order_by(Election.voting_day)).all()
    assert [e.state for e in elections] == [ElectionState.CLOSED, ElectionState.ACTIVE]
    assert elections[0].voting_day == date(2022, 11, 20)
    assert all(set(e.names) == {"en", "de", "fr", "ru", "kk"} for e in elections)


@pytest.mark.engine_independent
def test_an_administrator_prepares_and_opens_the_next_election_in_the_browser_forms(app, login_as):
    from tests.helpers import post_form

    admin, _ = login_as("admin", centre=None)
    form = {
        "name_en": "Election of the Mazhilis",
        "name_kk": "Мәжіліс депутаттарын сайлау",
        "voting_day": "2029-03-19",
        "serves_from": "2029-03-01",
        "serves_to": "2029-03-20",
        "retention_days": "120",
    }
    refused = post_form(admin, "/elections/new?lang=de", {**form, "serves_to": "2029-03-10"})
    assert refused.status_code == 422
    assert "Der Wahltag muss in die Tage fallen" in refused.get_data(as_text=True)
    assert post_form(admin, "/elections/new", form).status_code == 302
    with app.app_context():
        election = db.session.scalar(select(Election))
        assert election.state == ElectionState.PREPARING
        assert election.retention_days == 120
        election_id = election.id
    listing = admin.get("/elections/?lang=kk").get_data(as_text=True)
    assert "Мәжіліс депутаттарын сайлау" in listing
    assert "Дайындалуда" in listing  # "in preparation", never the raw state
    response = post_form(admin, f"/elections/{election_id}/activate", {}, page="/elections/")
    assert response.status_code == 302
    page = admin.get("/?lang=kk").get_data(as_text=True)
    assert "Мәжіліс депутаттарын сайлау. Дауыс беру күні:" in page
    german = admin.get("/?lang=de").get_data(as_text=True)
    assert "Election of the Mazhilis" in german  # no German name: the first filled one


@pytest.mark.engine_independent
def test_coordinators_read_the_elections_but_change_nothing(app, login_as):
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        create_election(db.session, None, ElectionInput(NAMES, date(2022, 11, 20)), active=True)
        db.session.commit()
    html = coordinator.get("/elections/").get_data(as_text=True)
    assert NAMES["en"] in html
    assert "/activate" not in html
    assert "Add an election" not in html


@pytest.mark.engine_independent
def test_the_election_pages_speak_of_their_own_election_not_the_active_one(app, login_as):
    """The page header names the active election; the pages about another must not take its place."""
    admin, _ = login_as("admin", centre=None)
    with app.app_context():
        create_election(db.session, None, ElectionInput(NAMES, date(2022, 11, 20)), active=True)
        other = create_election(db.session, None, ElectionInput({"en": "Election of the Mazhilis"}, date(2029, 3, 19)))
        db.session.commit()
        other_id = other.id
    new = admin.get("/elections/new").get_data(as_text=True)
    assert "<h1>Add an election</h1>" in new
    edit = admin.get(f"/elections/{other_id}").get_data(as_text=True)
    assert "<title>Election of the Mazhilis" in edit
    assert "<h1>Edit the election</h1>" in edit
