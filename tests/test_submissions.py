"""A form sent twice is carried out once (observer_portal/submissions.py): a reload after a
lost answer, a double click, two copies racing — one request for help, one answer."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

import pytest
from flask import request
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import ServiceRequest, Submission
from tests.helpers import csrf_from, sign_in_directly
from tests.test_access_matrix import MATRIX
from tests.test_assistance import request_form

KEY = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


def _form_page(client, url: str = "/requests/new") -> dict:
    html = client.get(url).get_data(as_text=True)
    return {"csrf_token": csrf_from(html), "submission_key": KEY.search(html).group(1)}


def _requests() -> int:
    return db.session.scalar(select(func.count(ServiceRequest.id)))


@pytest.mark.engine_independent
def test_the_same_form_sent_again_is_answered_with_the_first_result(app, login_as):
    client, _ = login_as("observer")
    sent = {**_form_page(client), **request_form(app)}
    first = client.post("/requests/new", data=sent)
    assert first.status_code == 302
    again = client.post("/requests/new", data=sent)  # the answer was lost; the browser sends it again
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This form had already been sent" in page
    with app.app_context():
        assert _requests() == 1
    # the form shown anew has a new key: asking again on purpose is a second request
    assert client.post("/requests/new", data={**_form_page(client), **request_form(app)}).status_code == 302
    with app.app_context():
        assert _requests() == 2


@pytest.mark.engine_independent
def test_a_form_whose_first_copy_renewed_the_session_is_still_recognised(app, login_as):
    """Changing the password starts a new session (a new CSRF token): its copy sent again —
    the answer was lost, the browser still holds the old token — is answered with the first
    result, not with "your form expired"."""
    from tests.helpers import PASSWORD

    client, _ = login_as("volunteer")
    sent = {
        **_form_page(client, "/account/password"),
        "current_password": PASSWORD,
        "password": "a new long passphrase",
        "confirm": "a new long passphrase",
    }
    assert client.post("/account/password", data=sent).status_code == 302
    again = client.post("/account/password", data=sent)
    assert again.status_code == 303
    assert "This form had already been sent" in client.get(again.headers["Location"]).get_data(as_text=True)


@pytest.mark.engine_independent
def test_a_refused_form_keeps_no_key_and_can_be_corrected_and_sent(app, login_as):
    client, _ = login_as("observer")
    keyed = _form_page(client)
    refused = client.post("/requests/new", data={**keyed, **request_form(app, details="")})
    assert refused.status_code == 422
    corrected = client.post("/requests/new", data={**keyed, **request_form(app)})
    assert corrected.status_code == 302
    with app.app_context():
        assert _requests() == 1


@pytest.mark.engine_independent
def test_a_key_is_one_persons_own(app, login_as):
    """Another person sending the same key (copied, guessed) is not answered with someone
    else's result, and does not block anyone."""
    first, _ = login_as("observer")
    sent = {**_form_page(first), **request_form(app)}
    assert first.post("/requests/new", data=sent).status_code == 302
    second, _ = login_as("observer")
    response = second.post("/requests/new", data={**sent, "csrf_token": _form_page(second)["csrf_token"]})
    assert response.status_code == 302
    with app.app_context():
        assert _requests() == 2
        assert db.session.scalar(select(func.count(Submission.id))) == 2


@pytest.mark.commits
def test_two_copies_racing_are_carried_out_once(make_app):
    """Both copies pass the check for a repeat before either is carried out (a barrier holds
    them there); the database's unique key lets one commit, and the other is answered like
    a repeat, its own writes rolled back."""
    from tests.helpers import make_user

    racing = make_app()
    barrier = threading.Barrier(2, timeout=10)

    @racing.before_request
    def wait_for_the_other_copy():  # runs after the check for a repeat, before the view
        if racing.config.get("HOLD") and request.method == "POST":
            barrier.wait()

    with racing.app_context():
        observer = make_user("observer")
    client = racing.test_client()
    with racing.app_context():
        sign_in_directly(client, db.session.merge(observer))
    sent = {**_form_page(client), **request_form(racing)}
    racing.config["HOLD"] = True
    results: list = []

    def send():
        copy = racing.test_client()
        name = racing.config["SESSION_COOKIE_NAME"]
        copy.set_cookie(name, client.get_cookie(name).value)
        results.append(copy.post("/requests/new", data=sent))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(response.status_code for response in results) == [302, 303]
    assert len({response.headers["Location"] for response in results}) == 1
    with racing.app_context():
        assert _requests() == 1


class _PostForms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append({"action": attrs.get("action"), "inputs": set()})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["inputs"].add(attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "form" and self.forms:
            self.forms[-1]["closed"] = True


@pytest.mark.engine_independent
@pytest.mark.parametrize("role", ["observer", "volunteer", "coordinator"])
def test_every_form_that_changes_something_carries_a_key(app, login_as, role):
    """Walk every page a person of each role opens: every POST form but signing out (which
    may safely happen twice) carries its one-time key."""
    client, _ = login_as(role)
    seen = 0
    for endpoint, (method, template, _expected) in MATRIX.items():
        if method != "GET" or "{" in template or endpoint.startswith(("static", "main.health")):
            continue
        response = client.get(template)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        parser = _PostForms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form["action"] and form["action"].endswith("/logout"):
                continue
            seen += 1
            assert "submission_key" in form["inputs"], (endpoint, form["action"])
    assert seen >= 3
