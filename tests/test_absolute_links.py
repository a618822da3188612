"""Absolute links come from PORTAL_BASE_URL, never from the request (issue 13, defect 4)."""

from __future__ import annotations

import email
import email.policy

import pytest

from observer_portal.config import ConfigError, build_config
from observer_portal.extensions import db
from tests.assistance_helpers import make_item, make_overdue_loan, make_request
from tests.helpers import TEST_SECRET, csrf_from, login, make_user

BASE = "https://observers.example.org"


def _bodies(smtp_server) -> list[str]:
    return [
        email.message_from_bytes(envelope.content, policy=email.policy.default).get_body().get_content()
        for envelope in smtp_server.messages
    ]


def test_a_forged_host_header_never_reaches_an_email(make_app, smtp_server):
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, PORTAL_BASE_URL=BASE)
    with mail_app.app_context():
        make_user("volunteer", "vol@example.org")
        req_id = make_request(make_user("observer")).id
    volunteer = mail_app.test_client()
    volunteer.environ_base["HTTP_HOST"] = "evil.example"  # every request of this client forges its Host
    login(volunteer, "vol@example.org")
    page = volunteer.get(f"/requests/{req_id}").get_data(as_text=True)
    response = volunteer.post(f"/requests/{req_id}/claim", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    bodies = _bodies(smtp_server)
    assert len(bodies) == 1
    assert f"{BASE}/requests/{req_id}" in bodies[0]
    assert "evil.example" not in bodies[0]


def test_the_calendar_feed_address_ignores_the_host_header(app, login_as):
    client, volunteer = login_as("volunteer")
    with app.app_context():
        from observer_portal.models import User

        db.session.get(User, volunteer.id).calendar_token = "feed-token-123"
        db.session.commit()
    client.environ_base["HTTP_HOST"] = "evil.example"
    html = client.get("/language-help/bookings").get_data(as_text=True)
    assert "https://portal.test/language-help/calendar/feed-token-123" in html
    assert "evil.example" not in html


def test_overdue_notices_are_emailed_from_the_command_line(make_app, smtp_server):
    """Used to crash on url_for(_external=True) outside a request, after marking the loans notified."""
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, PORTAL_BASE_URL=BASE)
    with mail_app.app_context():
        coordinator = make_user("coordinator")
        item = make_item(coordinator.centre_id, "ATR-SIM-07", kind="sim_card")
        lender = make_user("volunteer")
        borrower = make_user("media", name="James Smith")
        make_overdue_loan(item, lender, borrower)
        item_id = item.id
    result = mail_app.test_cli_runner().invoke(args=["loans", "notify-overdue"])
    assert result.exception is None, result.output
    assert "3 notification(s) created." in result.output
    bodies = _bodies(smtp_server)
    assert len(bodies) == 3
    # the lender and the coordinator get the item's page; the borrower, who cannot open it, no link
    assert sorted(f"{BASE}/inventory/{item_id}" in body for body in bodies) == [False, True, True]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "PORTAL_BASE_URL is not set"),
        ("http://observers.example.org", "https"),
        ("https://observers.example.org/?next=x", "without query"),
        ("javascript:alert(1)", "http"),
    ],
)
def test_production_needs_a_sound_base_url(tmp_path, value, problem):
    with pytest.raises(ConfigError, match=problem):
        build_config(str(tmp_path), {"SECRET_KEY": TEST_SECRET, "PORTAL_BASE_URL": value})


def test_a_base_url_with_a_path_prefix_is_kept(make_app):
    prefixed = make_app(PORTAL_BASE_URL="https://cec.example.org/observers/")
    from observer_portal.urls import absolute_url

    with prefixed.app_context():
        assert absolute_url("main.home") == "https://cec.example.org/observers/"
        assert absolute_url("assistance.detail", request_id=4) == "https://cec.example.org/observers/requests/4"
