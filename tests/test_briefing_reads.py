"""Who read briefings in which language: a signed-in observer or journalist reading a
briefing is counted once per briefing, language shown and election — however many reloads,
sessions or replayed cookies — with their mission, kind and own language (their account's);
the reader is forgotten when erased; readers who are not signed in and staff are not
counted, and the page of a reader who is not signed in stays cookie-less."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import Briefing, BriefingRead, Organisation, OrganisationKind, Role, User
from observer_portal.services.organisations import find_or_create_organisation, merge
from tests.briefing_helpers import make_briefing, reviewed_german
from tests.helpers import make_centre, make_user, sign_in_directly

PAGE = "/briefings/atyrau/atyrau-overview"


def _reads(app) -> list[tuple]:
    with app.app_context():
        return [
            (read.shown_locale, read.wanted_locale, read.organisation_id, read.visitor_kind and read.visitor_kind.value)
            for read in db.session.scalars(select(BriefingRead).order_by(BriefingRead.id))
        ]


@pytest.fixture
def briefing_id(app) -> int:
    """A briefing of the Atyrau centre, in English only."""
    with app.app_context():
        return make_briefing(make_centre("atyrau")).id


def _reader(app, role: Role = Role.OBSERVER, locale: str = "de") -> tuple[FlaskClient, int | None]:
    """A signed-in reader of `role` whose language is `locale`, with their mission's id."""
    client = app.test_client()
    with app.app_context():
        user = make_user(role, preferred_locale=locale)
        mission_id = None
        if role == Role.OBSERVER:
            mission = find_or_create_organisation(db.session, "OSCE/ODIHR EOM", OrganisationKind.OBSERVER_MISSION)
            user.visitor_profile.organisation = mission
            db.session.commit()
            mission_id = mission.id
        sign_in_directly(client, user)
    return client, mission_id


def test_a_reading_is_counted_once_per_briefing_and_language_shown(app, briefing_id):
    client, mission_id = _reader(app)
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200  # a reload adds nothing
    assert _reads(app) == [("en", "de", mission_id, "observer")]  # no German text: shown in English
    again = app.test_client()  # another session of the same reader (or a replayed cookie)
    with app.app_context():
        sign_in_directly(again, db.session.scalar(select(User).where(User.role == Role.OBSERVER)))
    assert again.get(PAGE).status_code == 200
    assert again.get(PAGE + "?lang=en").status_code == 200  # the same text: English
    assert _reads(app) == [("en", "de", mission_id, "observer")]
    assert client.get(PAGE + "?lang=fr").status_code == 200  # still shown in English; their own is German
    assert _reads(app) == [("en", "de", mission_id, "observer")]

    with app.app_context():
        reviewed_german(make_user(Role.COORDINATOR), db.session.get(Briefing, briefing_id), {})
        db.session.commit()
    assert "Überblick" in client.get(PAGE + "?lang=de").get_data(as_text=True)
    assert _reads(app) == [("en", "de", mission_id, "observer"), ("de", "de", mission_id, "observer")]


def test_a_reading_keeps_no_name_and_its_reader_only_to_count_once(app, briefing_id):
    client, _ = _reader(app, Role.MEDIA, "en")
    client.get(PAGE)
    assert {column.name for column in BriefingRead.__table__.columns} == {
        "id",
        "centre_id",
        "election_id",
        "read_at",
        "user_id",
        "briefing_id",
        "organisation_id",
        "visitor_kind",
        "shown_locale",
        "wanted_locale",
    }
    assert _reads(app) == [("en", "en", None, "media")]


def test_staff_and_readers_not_signed_in_are_not_counted(app, briefing_id):
    for role in (Role.VOLUNTEER, Role.COORDINATOR):
        client, _ = _reader(app, role, "en")
        assert client.get(PAGE).status_code == 200
    anonymous = app.test_client().get(PAGE, headers={"Accept-Language": "de"})
    assert anonymous.status_code == 200
    assert "Set-Cookie" not in anonymous.headers  # a page any cache may keep, as before
    assert _reads(app) == []


def test_a_merge_of_two_missions_moves_their_readings(app, briefing_id):
    client, mission_id = _reader(app)
    client.get(PAGE)
    with app.app_context():
        keep = find_or_create_organisation(db.session, "OSCE Office", OrganisationKind.OBSERVER_MISSION)
        db.session.flush()
        merge(db.session, None, keep, db.session.get(Organisation, mission_id))
        db.session.commit()
        keep_id = keep.id
    assert _reads(app) == [("en", "de", keep_id, "observer")]


def test_an_erased_reader_is_forgotten_and_the_count_stays(app, briefing_id):
    from observer_portal.services.erasure import erase_people

    client, _ = _reader(app)
    client.get(PAGE)
    with app.app_context():
        profile = db.session.scalar(select(User).where(User.role == Role.OBSERVER)).visitor_profile
        erase_people(db.session, [profile.id])
        db.session.commit()
        assert db.session.scalars(select(BriefingRead.user_id)).all() == [None]
    assert len(_reads(app)) == 1
