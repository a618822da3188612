"""Assistance requests over HTTP: filing, the queue, the workflow by role, privacy,
atomic claims, notifications (in-app and e-mail through a local SMTP server)."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import (
    Notification,
    Priority,
    RequestEvent,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    User,
)
from observer_portal.models.base import utcnow
from observer_portal.services import ServiceError
from observer_portal.services.assistance import RequestInput, create_request
from observer_portal.services.request_actions import perform
from observer_portal.services.workflow import Action
from observer_portal.timezones import utc_to_local_naive
from tests.assistance_helpers import make_request
from tests.helpers import csrf_from, free_port, make_user, post_form


def local(hours: float, app) -> str:
    with app.test_request_context():
        return utc_to_local_naive(utcnow() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def request_form(app, **overrides):
    data = {
        "kind": "equipment",
        "details": "A printer for 20 pages tonight.",
        "location_kind": "hotel",
        "location": "Hotel Renaissance",
        "needed_by": local(5, app),
        "priority": "1",
    }
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_observer_files_and_follows_a_request(app, login_as):
    client, user = login_as("observer")
    response = post_form(client, "/requests/new", request_form(app))
    assert response.status_code == 302
    with app.app_context():
        req = db.session.scalar(select(ServiceRequest))
        assert (req.kind, req.status, req.requester_id, req.priority) == (
            RequestKind.EQUIPMENT,
            RequestStatus.NEW,
            user.id,
            Priority.HIGH,
        )
        assert abs((req.needed_by - utcnow()).total_seconds() - 5 * 3600) < 120  # local time → UTC
        assert [e.action for e in req.events] == ["created"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waiting for a volunteer" in page
    assert "Cancel the request" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "spaceship", "Not a valid choice"),
        ("kind", "translation", "Not a valid choice"),  # translation has its own form
        ("needed_by", "2020-01-01T10:00", "The time must be in the future."),
        ("needed_by", "not a date", "Not a valid datetime value."),
        ("details", "x" * 4001, "Field cannot be longer than 4000 characters."),
        ("details", "   ", "This field is required."),
        ("location_kind", "moon", "Not a valid choice"),
    ],
)
def test_bad_input_gives_field_errors_and_writes_nothing(app, login_as, field, value, message):
    client, _ = login_as("observer")
    response = post_form(client, "/requests/new", request_form(app, **{field: value}))
    assert response.status_code == 422  # refused: the form again, with its errors
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}"' in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert count(ServiceRequest) == 0
        assert count(RequestEvent) == 0


def test_validation_messages_follow_the_language(app, login_as):
    client, _ = login_as("observer")
    client.get("/?lang=ru")
    html = post_form(client, "/requests/new", request_form(app, needed_by="2020-01-01T10:00")).get_data(as_text=True)
    assert "Время должно быть в будущем." in html


def test_requester_cannot_see_or_touch_another_persons_request(app, login_as):
    owner, owner_user = login_as("observer")
    stranger, _ = login_as("media")
    with app.app_context():
        req_id = make_request(db.session.get(User, owner_user.id)).id
    assert owner.get(f"/requests/{req_id}").status_code == 200
    assert stranger.get(f"/requests/{req_id}").status_code == 404
    token = csrf_from(stranger.get("/").get_data(as_text=True))
    assert stranger.post(f"/requests/{req_id}/cancel", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.get(ServiceRequest, req_id).status == RequestStatus.NEW


def test_volunteers_of_another_centre_do_not_see_the_request(app, login_as):
    _, owner = login_as("observer")
    elsewhere, _ = login_as("volunteer", centre="karaganda")
    with app.app_context():
        req_id = make_request(db.session.get(User, owner.id)).id
    assert elsewhere.get(f"/requests/{req_id}").status_code == 404
    assert f"#{req_id}" not in elsewhere.get("/requests/queue").get_data(as_text=True)


def test_full_workflow_with_history_and_notifications(app, login_as):
    observer, observer_user = login_as("observer")
    volunteer, volunteer_user = login_as("volunteer")
    with app.app_context():
        req_id = make_request(db.session.get(User, observer_user.id)).id
    page = f"/requests/{req_id}"
    assert post_form(volunteer, f"/requests/{req_id}/claim", {}, page=page).status_code == 302
    post_form(volunteer, f"/requests/{req_id}/start", {"note": "On my way"}, page=page)
    post_form(volunteer, f"/requests/{req_id}/complete", {}, page=page)
    with app.app_context():
        req = db.session.get(ServiceRequest, req_id)
        assert req.status == RequestStatus.DONE
        assert req.assignee_id == volunteer_user.id
        assert [(e.action, e.from_status, e.to_status) for e in req.events] == [
            ("created", None, "new"),
            ("claim", "new", "assigned"),
            ("start", "assigned", "in_progress"),
            ("complete", "in_progress", "done"),
        ]
        kinds = db.session.scalars(select(Notification.params).where(Notification.user_id == observer_user.id)).all()
        assert [k["status"] for k in kinds] == ["assigned", "in_progress", "done"]
    home = observer.get("/").get_data(as_text=True)
    assert '<span class="count"><span aria-hidden="true">3</span><span class="visually-hidden">3 unread</span>' in home
    listing = observer.get("/notifications?lang=de").get_data(as_text=True)
    assert f"Ihre Anfrage #{req_id} ist jetzt: Erledigt." in listing
    # finished: the requester can no longer cancel
    response = post_form(observer, f"/requests/{req_id}/cancel", {}, page=page)
    assert "bereits erledigt" in observer.get(response.headers["Location"]).get_data(as_text=True)


def test_decline_needs_a_reason_and_returns_to_the_pool(app, login_as):
    volunteer, volunteer_user = login_as("volunteer")
    with app.app_context():
        observer = make_user("observer")
        req = make_request(observer)
        perform(db.session, db.session.get(User, volunteer_user.id), req, Action.CLAIM)
        db.session.commit()
        req_id = req.id
    page = f"/requests/{req_id}"
    response = post_form(volunteer, f"/requests/{req_id}/decline", {"note": ""}, page=page)
    assert "Say why you are giving the request back." in volunteer.get(response.headers["Location"]).get_data(
        as_text=True
    )
    post_form(volunteer, f"/requests/{req_id}/decline", {"note": "I have no car tonight"}, page=page)
    with app.app_context():
        req = db.session.get(ServiceRequest, req_id)
        assert (req.status, req.assignee_id) == (RequestStatus.NEW, None)
        assert req.events[-1].note == "I have no car tonight"


def test_coordinator_reassigns_and_the_new_assignee_is_notified(app, login_as):
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        observer = make_user("observer")
        helper = make_user("volunteer", name="Dana")
        outsider = make_user("volunteer", centre="karaganda")
        req_id, helper_id, outsider_id = make_request(observer).id, helper.id, outsider.id
    page = f"/requests/{req_id}"
    post_form(coordinator, f"/requests/{req_id}/assign", {"assignee": str(outsider_id)}, page=page)
    with app.app_context():
        assert db.session.get(ServiceRequest, req_id).assignee_id is None  # not a valid choice
    post_form(coordinator, f"/requests/{req_id}/assign", {"assignee": str(helper_id)}, page=page)
    with app.app_context():
        assert db.session.get(ServiceRequest, req_id).assignee_id == helper_id
        assert (
            db.session.scalar(select(Notification.kind).where(Notification.user_id == helper_id)) == "request_assigned"
        )


def test_a_volunteer_cannot_complete_someone_elses_request(app, login_as):
    volunteer, _ = login_as("volunteer")
    with app.app_context():
        other = make_user("volunteer")
        req = make_request(make_user("observer"))
        perform(db.session, other, req, Action.CLAIM)
        db.session.commit()
        req_id = req.id
    response = post_form(volunteer, f"/requests/{req_id}/complete", {}, page=f"/requests/{req_id}")
    html = volunteer.get(response.headers["Location"]).get_data(as_text=True)
    assert "has already taken this request. Choose another one from the queue." in html  # and who
    with app.app_context():
        assert db.session.get(ServiceRequest, req_id).status == RequestStatus.ASSIGNED


def test_queue_filters_and_urgency_order(app, login_as):
    volunteer, volunteer_user = login_as("volunteer")
    with app.app_context():
        observer = make_user("observer")
        late = make_request(observer, hours=30, details="late")
        soon = make_request(observer, hours=1, details="soon")
        urgent = create_request(
            db.session,
            observer,
            RequestInput(
                kind=RequestKind.INTERNET,
                details="urgent",
                needed_by=utcnow() + timedelta(hours=50),
                priority=Priority.URGENT,
            ),
        )
        db.session.commit()
        perform(db.session, db.session.get(User, volunteer_user.id), late, Action.CLAIM)
        db.session.commit()
        ids = [urgent.id, soon.id, late.id]
    import re

    def listed(url):
        return [int(i) for i in re.findall(r'href="/requests/(\d+)"', volunteer.get(url).get_data(as_text=True))]

    assert listed("/requests/queue") == ids
    assert listed("/requests/queue?mine=y") == [ids[2]]
    assert listed("/requests/queue?unassigned=y") == ids[:2]
    assert listed("/requests/queue?kind=internet") == [ids[0]]
    app.config["PAGE_SIZE"] = 1
    try:
        seen, url = [], "/requests/queue"
        while url:
            html = volunteer.get(url).get_data(as_text=True)
            seen += [int(i) for i in re.findall(r'href="/requests/(\d+)"', html)]
            nxt = re.search(r'href="([^"]+)" rel="next"', html)
            url = nxt.group(1).replace("&amp;", "&") if nxt else None
        assert seen == ids
    finally:
        app.config["PAGE_SIZE"] = 25


def test_walk_in_request_filed_by_a_volunteer(app, login_as):
    volunteer, volunteer_user = login_as("volunteer")
    with app.app_context():
        visitor_id = make_user("observer", name="Walk In").visitor_profile.id
    response = post_form(volunteer, "/requests/new-for-visitor", request_form(app, visitor=str(visitor_id)))
    assert response.status_code == 302
    with app.app_context():
        req = db.session.scalar(select(ServiceRequest))
        assert (req.visitor_id, req.filed_by_id) == (visitor_id, volunteer_user.id)


def _race(app, workers: int, attempt) -> list[str]:
    barrier = threading.Barrier(workers)
    results: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                attempt(index)
                outcome = "won"
            except ServiceError:
                db.session.rollback()
                outcome = "lost"
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.commits  # threads, each with its own connection
def test_twenty_volunteers_claim_at_once_and_exactly_one_wins(app):
    with app.app_context():
        volunteers = [make_user("volunteer").id for _ in range(20)]
        req_id = make_request(make_user("observer")).id

    def claim(index: int) -> None:
        user = db.session.get(User, volunteers[index])
        req = db.session.get(ServiceRequest, req_id)
        perform(db.session, user, req, Action.CLAIM)
        db.session.commit()

    results = _race(app, 20, claim)
    assert sorted(results) == ["lost"] * 19 + ["won"]
    with app.app_context():
        req = db.session.get(ServiceRequest, req_id)
        assert req.status == RequestStatus.ASSIGNED
        assert req.assignee_id in volunteers
        claims = db.session.scalars(select(RequestEvent).where(RequestEvent.action == "claim")).all()
        assert len(claims) == 1
        assert claims[0].actor_id == req.assignee_id


def test_losing_claim_gets_a_clear_message(app, login_as):
    first, _ = login_as("volunteer", name="Aruzhan Bekova")
    second, _ = login_as("volunteer")
    with app.app_context():
        req_id = make_request(make_user("observer")).id
    page = f"/requests/{req_id}"
    token = csrf_from(second.get(page).get_data(as_text=True))
    post_form(first, f"/requests/{req_id}/claim", {}, page=page)
    response = second.post(f"/requests/{req_id}/claim", data={"csrf_token": token})
    html = second.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aruzhan Bekova has already taken this request. Choose another one from the queue." in html


def _mail_app(make_app, port: int, timeout: float = 5):
    """Flask-Mailman reads its settings when the app is created: build an app that mails."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=timeout)


def _claim_with_mail(mail_app):
    from tests.helpers import login

    with mail_app.app_context():
        observer = make_user("observer", preferred_locale="fr")
        make_user("volunteer", "vol@example.org")
        req_id, observer_email = make_request(observer).id, observer.email
    volunteer = mail_app.test_client()
    login(volunteer, "vol@example.org")
    response = post_form(volunteer, f"/requests/{req_id}/claim", {}, page=f"/requests/{req_id}")
    return req_id, observer_email, response


def test_notification_emails_go_through_smtp(make_app, smtp_server):
    mail_app = _mail_app(make_app, smtp_server.port)
    req_id, observer_email, response = _claim_with_mail(mail_app)
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == [observer_email]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert f"Votre demande n° {req_id}" in message.get_body().get_content()
    assert "Votre demande" in message["Subject"]


def test_a_dead_mail_server_never_breaks_the_change(make_app):
    import time

    dead_port = free_port()  # nobody listens there
    mail_app = _mail_app(make_app, dead_port, timeout=2)
    started = time.monotonic()
    req_id, _, response = _claim_with_mail(mail_app)
    assert response.status_code == 302
    assert time.monotonic() - started < 10
    with mail_app.app_context():
        assert db.session.get(ServiceRequest, req_id).status == RequestStatus.ASSIGNED
