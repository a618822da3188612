"""Front-desk registration and the visitor registry."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Visit, VisitorProfile
from tests.helpers import make_user, post_form
from tests.test_assistance import local


def visit_form(app, **overrides):
    data = {"visitor_id": "", "purposes": ["briefing"], "arrived_at": local(0, app), "notes": ""}
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_find_an_existing_visitor_without_javascript(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        observer = make_user("observer", name="Hannah Müller")
        observer.visitor_profile.accreditation_number = "ODIHR-LTO-0142"
        db.session.commit()
        visitor_id = observer.visitor_profile.id
    for query in ("müller", "ODIHR-LTO", "hannah"):
        html = client.get(f"/visits/desk?q={query}").get_data(as_text=True)
        assert f'value="{visitor_id}"' in html, query
    html = client.get("/visits/desk?q=ODIHR-LTO-0142").get_data(as_text=True)
    radio = re.search(rf'<input[^>]*name="visitor_id"[^>]*value="{visitor_id}"[^>]*>', html).group(0)
    assert "checked" in radio  # a single match is chosen for the volunteer
    response = post_form(
        client, "/visits/desk", visit_form(app, visitor_id=str(visitor_id), purposes=["briefing", "internet"])
    )
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert visit.visitor_id == visitor_id
        assert visit.purpose_codes == ["briefing", "internet"]
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "visit.registered"))


def test_new_visitor_in_the_same_form_and_no_duplicates_by_accreditation(app, login_as):
    client, _ = login_as("volunteer")
    new = {"full_name": "Camille Martin", "kind": "media", "organisation": "Agence France-Presse",
           "accreditation_number": "PRESS-AFP-0877", "nationality": "FR", "languages": ["fr", "en"]}  # fmt: skip
    assert post_form(client, "/visits/desk", visit_form(app, **new)).status_code == 302
    assert post_form(client, "/visits/desk", visit_form(app, **new, purposes=["equipment"])).status_code == 302
    with app.app_context():
        assert count(VisitorProfile) == 1  # Camille once, although she was registered twice
        camille = db.session.scalar(
            select(VisitorProfile).where(VisitorProfile.accreditation_number == "PRESS-AFP-0877")
        )
        assert camille.organisation.name == "Agence France-Presse"
        assert camille.language_codes == ["en", "fr"]
        assert count(Visit) == 2


def test_bad_input_gives_field_errors_and_writes_nothing(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        visitor_id = make_user("observer").visitor_profile.id
        visitors_before = count(VisitorProfile)
    cases = [
        (
            visit_form(app, visitor_id=str(visitor_id), arrived_at=local(5, app)),
            "The arrival time cannot be in the future.",
        ),
        (visit_form(app, visitor_id="999999"), "Choose a visitor from the list."),
        (visit_form(app, visitor_id=str(visitor_id), notes="x" * 2001), "Field cannot be longer than 2000 characters."),
        (visit_form(app, visitor_id=str(visitor_id), purposes=[]), "This field is required."),
        (visit_form(app, full_name="Nobody", organisation=""), "Give the mission or media outlet."),
        (visit_form(app, visitor_id=str(visitor_id), purposes=["sightseeing"]), "not a valid choice"),
    ]
    for data, message in cases:
        response = post_form(client, "/visits/desk", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert count(Visit) == 0
        assert count(VisitorProfile) == visitors_before


def test_left_in_one_click(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        visitor_id = make_user("observer").visitor_profile.id
    post_form(client, "/visits/desk", visit_form(app, visitor_id=str(visitor_id)))
    with app.app_context():
        visit_id = db.session.scalar(select(Visit.id))
    post_form(client, f"/visits/{visit_id}/left", {}, page="/visits/desk")
    with app.app_context():
        first = db.session.get(Visit, visit_id).left_at
        assert first is not None
    post_form(client, f"/visits/{visit_id}/left", {}, page="/visits/desk")  # a second click changes nothing
    with app.app_context():
        assert db.session.get(Visit, visit_id).left_at == first


def test_observers_see_their_own_visits_only(app, login_as):
    desk, _ = login_as("volunteer")
    hannah, hannah_user = login_as("observer", name="Hannah")
    james, _ = login_as("media", name="James")
    with app.app_context():
        from observer_portal.models import User

        visitor_id = db.session.get(User, hannah_user.id).visitor_profile.id
    post_form(desk, "/visits/desk", visit_form(app, visitor_id=str(visitor_id), notes="secret note"))
    assert "secret note" not in hannah.get("/visits/mine").get_data(as_text=True)  # staff notes stay internal
    assert "<td>" in hannah.get("/visits/mine").get_data(as_text=True)
    assert "The centre has not registered a visit of yours yet." in james.get("/visits/mine").get_data(as_text=True)


def test_demo_has_weeks_of_visits(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        visits = count(Visit)
        assert visits > 200
        days = db.session.scalar(select(func.count(func.distinct(func.date(Visit.arrived_at)))))
        assert days >= 20
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        assert count(Visit) == visits
