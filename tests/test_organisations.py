"""The registry of missions and outlets (services/organisations.py, organisations/): one
organisation per name in any case, spacing or language, typed names waiting for review,
merges that move everything, names in the reader's language."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Organisation, OrganisationKind, Visit, VisitorProfile
from observer_portal.models.base import utcnow
from observer_portal.services.organisations import (
    OrganisationInput,
    create_organisation,
    find_or_create_organisation,
    registry,
)
from tests.helpers import make_centre, post_form

OSCE = OrganisationInput(
    "OSCE/ODIHR Election Observation Mission",
    OrganisationKind.OBSERVER_MISSION,
    {"ru": "Миссия ОБСЕ/БДИПЧ по наблюдению за выборами", "de": "OSZE/BDIMR-Wahlbeobachtungsmission"},
)


def test_a_name_in_any_language_case_or_spacing_is_the_same_organisation(app_ctx):
    osce = create_organisation(db.session, None, OSCE)
    assert find_or_create_organisation(db.session, "  миссия ОБСЕ/БДИПЧ  по наблюдению за выборами", "other") is osce
    assert find_or_create_organisation(db.session, "osze/bdimr-WAHLBEOBACHTUNGSMISSION", "other") is osce
    typed = find_or_create_organisation(db.session, "Radio Azattyq", OrganisationKind.MEDIA_OUTLET)
    assert typed is not osce
    assert not typed.confirmed  # waits for a coordinator
    assert [row.organisation.name for row in registry(db.session)][0] == "Radio Azattyq"  # to review first
    db.session.add(Organisation(name="radio   AZATTYQ", kind=OrganisationKind.OTHER))
    with pytest.raises(IntegrityError):  # the database holds to it as well
        db.session.flush()


def test_a_coordinator_adds_names_in_each_language_and_readers_see_theirs(app, login_as):
    coordinator, _user = login_as("coordinator")
    response = post_form(
        coordinator,
        "/manage/organisations/new",
        {"name": OSCE.name, "kind": "observer_mission", "name_ru": OSCE.names["ru"], "name_kk": "ЕҚЫҰ/ДИАҚБ миссиясы"},
    )
    assert response.status_code == 302
    page = unescape(coordinator.get("/manage/organisations/?lang=kk").get_data(as_text=True))
    assert "ЕҚЫҰ/ДИАҚБ миссиясы" in page
    assert OSCE.name in page  # the registered name under it
    french = unescape(coordinator.get("/manage/organisations/?lang=fr").get_data(as_text=True))
    assert f'<th scope="row">{OSCE.name}</th>' in french  # no French name: as registered
    again = post_form(
        coordinator,
        "/manage/organisations/new?lang=de",
        {"name": "Something", "kind": "other", "name_en": "миссия обсе/бдипч по наблюдению за выборами"},
    )
    assert again.status_code == 422
    assert "ist bereits im Verzeichnis" in unescape(again.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 1
        assert db.session.scalar(select(AuditEvent.action)) == "organisation.created"


def test_sign_up_offers_only_confirmed_names_and_flags_a_new_one(app, client):
    with app.app_context():
        make_centre("atyrau")
        create_organisation(db.session, None, OSCE)
        find_or_create_organisation(db.session, "Call +7 777 000 00 00 for free visas", OrganisationKind.OTHER)
        db.session.commit()
    page = unescape(client.get("/signup?lang=ru").get_data(as_text=True))
    assert OSCE.names["ru"] in page
    assert "free visas" not in page  # typed by someone, never offered to others


def test_merging_moves_every_visitor_and_visit_and_keeps_the_names(app, login_as):
    coordinator, user = login_as("coordinator")
    with app.app_context():
        keep = create_organisation(db.session, None, OSCE)
        duplicate = find_or_create_organisation(db.session, "OSCE ODIHR EOM", OrganisationKind.OBSERVER_MISSION)
        duplicate.names = {"fr": "MOE OSCE/BIDDH"}
        person = VisitorProfile(kind="observer", full_name="Anna Berg", organisation=duplicate)
        db.session.add(person)
        db.session.flush()
        db.session.add(
            Visit(
                centre_id=user.centre_id,
                visitor_id=person.id,
                organisation_id=duplicate.id,
                visitor_kind="observer",
                arrived_at=utcnow(),
            )
        )
        db.session.commit()
        keep_id, duplicate_id = keep.id, duplicate.id
    page = coordinator.get(f"/manage/organisations/{keep_id}/merge").get_data(as_text=True)
    assert "OSCE ODIHR EOM" in page
    response = post_form(coordinator, f"/manage/organisations/{keep_id}/merge", {"duplicate": str(duplicate_id)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, duplicate_id) is None
        assert db.session.scalar(select(VisitorProfile.organisation_id)) == keep_id
        assert db.session.scalar(select(Visit.organisation_id)) == keep_id
        kept = db.session.get(Organisation, keep_id)
        assert kept.names["fr"] == "MOE OSCE/BIDDH"
        assert kept.names["ru"] == OSCE.names["ru"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.merged"))
        assert event.details["duplicate_name"] == "OSCE ODIHR EOM"
        assert event.details["visits"] == 1
    log = unescape(coordinator.get("/visits/?election=all&lang=ru").get_data(as_text=True))
    assert OSCE.names["ru"] in log  # the visit log names the mission in the reader's language
    refused = post_form(coordinator, f"/manage/organisations/{keep_id}/merge", {"duplicate": str(keep_id)})
    assert refused.status_code == 422


def test_a_typed_name_is_confirmed_by_a_coordinator(app, login_as):
    coordinator, _user = login_as("coordinator")
    with app.app_context():
        typed = find_or_create_organisation(db.session, "Radio Azattyq", OrganisationKind.MEDIA_OUTLET)
        db.session.commit()
        typed_id = typed.id
    waiting = coordinator.get("/manage/organisations/?unconfirmed=y").get_data(as_text=True)
    assert "Radio Azattyq" in waiting
    response = post_form(coordinator, f"/manage/organisations/{typed_id}/confirm", {}, page="/manage/organisations/")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, typed_id).confirmed
    after = coordinator.get("/manage/organisations/?unconfirmed=y").get_data(as_text=True)
    assert "“Radio Azattyq” is confirmed." in after  # the flash message
    assert '<th scope="row">Radio Azattyq' not in after  # no longer waiting


def test_a_merged_duplicates_name_finds_the_organisation_kept(app_ctx):
    keep = create_organisation(db.session, None, OSCE)
    duplicate = find_or_create_organisation(db.session, "OSCE ODIHR EOM", OrganisationKind.OBSERVER_MISSION)
    from observer_portal.services.organisations import merge

    merge(db.session, None, keep, duplicate)
    assert find_or_create_organisation(db.session, "osce odihr eom", OrganisationKind.OTHER).id == keep.id
    assert keep.aliases == ["OSCE ODIHR EOM"]
