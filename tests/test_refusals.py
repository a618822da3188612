"""Every refusal says what happened and what to do, in the reader's language (issue 13, defect 10)."""

from __future__ import annotations

import pytest

from observer_portal.extensions import db
from observer_portal.models import Loan, RequestStatus, ServiceRequest
from observer_portal.services.assistance import state_refusal
from tests.assistance_helpers import make_item, make_request
from tests.helpers import csrf_from, make_user, post_form
from tests.test_assistance import local

GENERIC = "no longer in a state that allows that"


def test_a_stale_lend_names_the_borrower(app, login_as):
    first, volunteer = login_as("volunteer")
    second, _ = login_as("volunteer")
    with app.app_context():
        item_id = make_item(volunteer.centre_id, "ATR-PRN-02").id
        hannah = make_user("observer", name="Hannah Müller").visitor_profile.id
        james = make_user("media", name="James Smith").visitor_profile.id
    page = f"/inventory/{item_id}"
    stale_token = csrf_from(second.get(page).get_data(as_text=True))  # the second desk opened the page earlier
    assert (
        post_form(first, f"{page}/checkout", {"borrower": str(hannah), "due_at": local(6, app)}, page=page).status_code
        == 302
    )
    response = second.post(
        f"{page}/checkout",
        data={"csrf_token": stale_token, "borrower": str(james), "due_at": local(6, app)},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "ATR-PRN-02 is already on loan to Hannah Müller. Check it in first, or lend another item." in html
    with app.app_context():
        assert db.session.query(Loan).count() == 1


def test_a_stale_lend_is_explained_in_german(app, login_as):
    first, volunteer = login_as("volunteer")
    second, _ = login_as("volunteer", preferred_locale="de")
    with app.app_context():
        item_id = make_item(volunteer.centre_id, "ATR-PRN-03").id
        hannah = make_user("observer", name="Hannah Müller").visitor_profile.id
    page = f"/inventory/{item_id}"
    stale_token = csrf_from(second.get(page).get_data(as_text=True))
    post_form(first, f"{page}/checkout", {"borrower": str(hannah), "due_at": local(6, app)}, page=page)
    html = second.post(
        f"{page}/checkout",
        data={"csrf_token": stale_token, "borrower": str(hannah), "due_at": local(6, app)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Hannah Müller" in html
    assert "ATR-PRN-03" in html
    assert "already on loan" not in html


def test_claiming_twice_says_it_is_already_yours(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        req_id = make_request(make_user("observer")).id
    page = f"/requests/{req_id}"
    token = csrf_from(client.get(page).get_data(as_text=True))
    client.post(f"{page}/claim", data={"csrf_token": token})
    html = client.post(f"{page}/claim", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "You already have this request." in html


@pytest.mark.parametrize("status", list(RequestStatus))
def test_every_state_has_its_own_explanation(app_ctx, status):
    assignee = make_user("volunteer", name="Dana Serikova")
    request = make_request(make_user("observer"))
    request.status = status
    request.assignee_id = assignee.id if status in (RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS) else None
    db.session.commit()
    request = db.session.get(ServiceRequest, request.id)
    message = str(state_refusal(request).message)
    assert GENERIC not in message
    if status in (RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS):
        assert "Dana Serikova" in message


def test_a_volunteer_whose_request_was_reassigned_learns_who_has_it_now(app, login_as):
    dana, dana_user = login_as("volunteer", name="Dana Serikova")
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        nurlan = make_user("volunteer", name="Nurlan Abenov").id
        req_id = make_request(make_user("observer")).id
    page = f"/requests/{req_id}"
    post_form(dana, f"{page}/claim", {}, page=page)
    token = csrf_from(dana.get(page).get_data(as_text=True))  # Dana's page, still open
    post_form(coordinator, f"{page}/assign", {"assignee": str(nurlan)}, page=page)
    html = dana.post(f"{page}/start", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "Nurlan Abenov has already taken this request." in html
    assert "You cannot do that with this request." not in html


def test_a_bad_visit_log_filter_is_never_dropped_silently(app, login_as):
    client, _ = login_as("coordinator")
    response = client.get("/visits/?text=Kowalska&kind=zzz")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Correct the filters marked above to see the visits." in html
    assert "visits match these filters" not in html
    assert client.get("/visits/export.csv?text=Kowalska&kind=zzz").status_code == 400  # nothing exported


def test_saving_a_briefing_unchanged_from_a_browser_changes_nothing(app_ctx):
    from observer_portal.services.briefings import FigureInput, update_briefing
    from tests.briefing_helpers import edited, make_briefing
    from tests.helpers import make_centre

    briefing = make_briefing(make_centre("atyrau"), body="Line one.\n\nLine two.\n", figures=[("Voters", 5, "")])
    as_sent = edited(
        briefing,
        body="Line one.\r\n\r\nLine two.\r\n",
        figures=[FigureInput("Voters", briefing.figures[0].value, "", briefing.figures[0].key)],
    )
    assert update_briefing(db.session, make_user("coordinator"), briefing, as_sent) is False
    assert briefing.version == 1


@pytest.mark.parametrize(
    ("count", "said"),
    [(1, "1 непрочитанное"), (3, "3 непрочитанных"), (5, "5 непрочитанных"), (21, "21 непрочитанное")],
)
def test_unread_notifications_are_counted_in_the_readers_grammar(app, login_as, count, said):
    from observer_portal.services.notifications import REQUEST_UNROUTABLE, notify

    client, user = login_as("observer", preferred_locale="ru")
    with app.app_context():
        for i in range(count):
            notify(db.session, user.id, REQUEST_UNROUTABLE, params={"id": i})
        db.session.commit()
    assert said in client.get("/account?lang=ru").get_data(as_text=True)


def test_a_date_range_that_ends_before_it_starts_is_said(app, login_as):
    client, _ = login_as("coordinator")
    page = client.get("/visits/?date_from=2022-11-20&date_to=2022-11-10")
    assert page.status_code == 400
    assert "The end date is before the start date." in page.get_data(as_text=True)
    assert client.get("/visits/export.csv?date_from=2022-11-20&date_to=2022-11-10").status_code == 400


def test_a_language_request_is_titled_by_what_was_asked(app, login_as):
    """Phone help is not "Interpreter", a meeting's place is not "at the centre", and staff do
    not read the asker's own words ("Translate a text I paste here") as the kind of work."""
    observer, _ = login_as("observer")
    with app.app_context():
        make_user("volunteer", languages={"ru": "fluent", "en": "fluent"}, on_duty=True)
    phone = post_form(
        observer,
        "/language-help/new",
        {"source": "ru", "target": "en", "mode": "phone", "notes": "+7 712 000 00 00", "needed_by": local(5, app)},
    )
    written = post_form(
        observer,
        "/language-help/new",
        {"source": "ru", "target": "en", "mode": "written", "text": "Протокол", "needed_by": local(5, app)},
    )
    coordinator, _ = login_as("coordinator")
    phone_page = coordinator.get(phone.headers["Location"]).get_data(as_text=True)
    written_page = coordinator.get(written.headers["Location"]).get_data(as_text=True)
    assert "Help with a phone call</h1>" in phone_page
    assert "Interpreter" not in phone_page
    assert "At the centre" not in phone_page
    assert "Written translation</h1>" in written_page
    assert "Translate a text I paste here" not in written_page
