"""The JSON API through real HTTP requests of the test client: public briefings and centres,
personal access tokens (shown once, hashed at rest, scopes, expiry, revocation, last use),
an observer's requests (file, list, read, withdraw), problem details in the caller's
language, no cookie ever, and a token that never reads what its owner's pages cannot."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, PersonalToken, Role, User
from observer_portal.models.base import utcnow
from observer_portal.services import tokens
from tests.assistance_helpers import make_request
from tests.briefing_helpers import make_briefing, reviewed_german
from tests.helpers import csrf_from, make_centre, make_user

NEEDED_BY = (datetime.now(UTC) + timedelta(hours=6)).isoformat()


def _token(app, user_id: int, scopes=("read", "requests"), days: int = 30) -> str:
    with app.app_context():
        made = tokens.create_token(db.session, db.session.get(User, user_id), "Dashboard", list(scopes), days)
        db.session.commit()
        return made.secret


def _bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture
def observer(app) -> int:
    with app.app_context():
        return make_user(Role.OBSERVER, preferred_locale="de").id


def test_public_briefings_and_centres_need_no_token_and_set_no_cookie(app, client):
    with app.app_context():
        briefing = make_briefing(make_centre("atyrau"))
        reviewed_german(make_user(Role.COORDINATOR), briefing, {})
        db.session.commit()
    centres = client.get("/api/v1/centres", headers={"Accept-Language": "ru"})
    assert centres.status_code == 200
    assert centres.json["items"][0]["slug"] == "atyrau"
    listing = client.get("/api/v1/briefings?locale=de")
    assert [(b["slug"], b["locale"], b["translation_state"]) for b in listing.json["items"]] == [
        ("atyrau-overview", "de", "reviewed")
    ]
    assert listing.json["next"] is None
    one = client.get(listing.json["items"][0]["url"])
    assert one.json["title"] == "Überblick"
    assert one.json["figures"][0]["value"] == "768778.00"
    assert one.json["available_locales"] == ["de", "en"]
    again = client.get(listing.json["items"][0]["url"], headers={"If-None-Match": one.headers["ETag"]})
    assert again.status_code == 304
    for response in (centres, listing, one, again):
        assert "Set-Cookie" not in response.headers


def test_problems_are_translated_and_name_the_field(client):
    response = client.get("/api/v1/briefings?before=-1&topic=nonsense", headers={"Accept-Language": "de"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == 422
    assert set(problem["errors"]["query"]) == {"before", "topic"}
    assert "Not one of" not in str(problem)  # German, not marshmallow's English
    missing = client.get("/api/v1/briefings/atyrau/nothing", headers={"Accept-Language": "fr"})
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    assert missing.json["detail"] != "There is no such briefing."


def test_a_token_is_shown_once_kept_hashed_and_listed_with_its_last_use(app, login_as):
    client, user = login_as("observer")
    page = client.get("/account/tokens").get_data(as_text=True)
    created = client.post(
        "/account/tokens",
        data={"csrf_token": csrf_from(page), "name": "Mission dashboard", "scopes": ["read"], "days": "30"},
    )
    assert created.status_code == 302
    shown = client.get("/account/tokens").get_data(as_text=True)
    secret = re.search(r'value="(opt_[^"]+)"', shown).group(1)
    assert secret not in client.get("/account/tokens").get_data(as_text=True)  # once
    with app.app_context():
        stored = db.session.scalars(select(PersonalToken)).one()
        assert stored.digest == tokens.digest_of(secret)
        assert secret not in repr(stored.__dict__)
        assert stored.last_used_at is None
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "token.created"))
    assert app.test_client().get("/api/v1/requests", headers=_bearer(secret)).status_code == 200
    with app.app_context():
        assert db.session.scalars(select(PersonalToken)).one().last_used_at is not None
    assert "Mission dashboard" in client.get("/account/tokens").get_data(as_text=True)


def test_a_token_only_has_the_scopes_the_role_offers(app, login_as):
    client, _ = login_as("volunteer")
    page = client.get("/account/tokens").get_data(as_text=True)
    refused = client.post(
        "/account/tokens", data={"csrf_token": csrf_from(page), "name": "x", "scopes": ["requests"], "days": "30"}
    )
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(PersonalToken)).all() == []


def test_an_observer_files_reads_and_withdraws_a_request(app, observer):
    secret = _token(app, observer)
    api = app.test_client()
    filed = api.post(
        "/api/v1/requests",
        json={"kind": "equipment", "details": "A printer for 20 pages", "needed_by": NEEDED_BY},
        headers=_bearer(secret, **{"Accept-Language": "de"}),
    )
    assert filed.status_code == 201, filed.json
    assert filed.json["status"] == "new"
    assert filed.json["kind_label"] == "Büroausstattung"
    assert filed.headers["Location"] == filed.json["url"]
    assert [event["action"] for event in filed.json["history"]] == ["created"]
    listed = api.get("/api/v1/requests", headers=_bearer(secret))
    assert [item["number"] for item in listed.json["items"]] == [filed.json["number"]]
    withdrawn = api.post(filed.json["url"] + "/cancel", headers=_bearer(secret))
    assert withdrawn.status_code == 200
    assert withdrawn.json["status"] == "cancelled"
    again = api.post(filed.json["url"] + "/cancel", headers=_bearer(secret, **{"Accept-Language": "ru"}))
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    for response in (filed, listed, withdrawn, again):
        assert "Set-Cookie" not in response.headers


def test_a_request_that_is_not_valid_is_refused_field_by_field_and_nothing_is_written(app, observer):
    secret = _token(app, observer)
    response = app.test_client().post(
        "/api/v1/requests",
        json={"kind": "translation", "details": "", "needed_by": "tomorrow", "colour": "red"},
        headers=_bearer(secret),
    )
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"kind", "details", "needed_by", "colour"}
    past = app.test_client().post(
        "/api/v1/requests",
        json={"kind": "equipment", "details": "x", "needed_by": "2020-01-01T10:00:00+05:00"},
        headers=_bearer(secret),
    )
    assert past.status_code == 422
    assert past.json["detail"]  # the service's own words: the time must be in the future
    with app.app_context():
        assert (
            db.session.execute(select(db.func.count()).select_from(db.metadata.tables["service_requests"])).scalar()
            == 0
        )


def test_scopes_expiry_revocation_and_cookies_are_enforced(app, observer, login_as):
    reader = _token(app, observer, scopes=("read",))
    api = app.test_client()
    assert api.get("/api/v1/requests", headers=_bearer(reader)).status_code == 200
    refused = api.post(
        "/api/v1/requests",
        json={"kind": "equipment", "details": "x", "needed_by": NEEDED_BY},
        headers=_bearer(reader),
    )
    assert refused.status_code == 403
    expired = _token(app, observer, days=7)
    with app.app_context():
        token = db.session.scalar(select(PersonalToken).where(PersonalToken.digest == tokens.digest_of(expired)))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert api.get("/api/v1/requests", headers=_bearer(expired)).status_code == 401
    revoked = _token(app, observer)
    with app.app_context():
        token_id = db.session.scalar(select(PersonalToken.id).where(PersonalToken.digest == tokens.digest_of(revoked)))
        tokens.revoke_token(db.session, db.session.get(User, observer), token_id)
        db.session.commit()
    answer = api.get("/api/v1/requests", headers=_bearer(revoked))
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    browser, _ = login_as("observer")  # a signed-in browser's cookie is no API credential
    assert browser.get("/api/v1/requests").status_code == 401
    assert browser.post("/api/v1/requests", json={}).status_code == 401
    with app.app_context():  # the owner's account closed: every token of theirs stops
        db.session.get(User, observer).active = False
        db.session.commit()
    assert api.get("/api/v1/requests", headers=_bearer(reader)).status_code == 401


def test_a_token_never_reads_what_its_owners_pages_cannot(app, observer):
    """Another person's request is 404 through the API as on the pages; staff and other roles'
    tokens are refused the observer's resources; a token cannot be used on a page."""
    with app.app_context():
        other = make_user(Role.OBSERVER)
        theirs = make_request(other).id
        volunteer = make_user(Role.VOLUNTEER).id
    secret = _token(app, observer)
    api = app.test_client()
    assert api.get(f"/api/v1/requests/{theirs}", headers=_bearer(secret)).status_code == 404
    assert api.post(f"/api/v1/requests/{theirs}/cancel", headers=_bearer(secret)).status_code == 404
    staff = _token(app, volunteer, scopes=("read",))
    assert api.get("/api/v1/requests", headers=_bearer(staff)).status_code == 403
    assert api.get("/api/v1/organisations", headers=_bearer(staff)).status_code == 200
    page = api.get(f"/requests/{theirs}", headers=_bearer(secret))
    assert page.status_code == 302  # the pages know no tokens: sign in


def test_lists_cost_as_many_statements_for_30_rows_as_for_3(app, observer):
    """No query per row: the briefings (with their texts and centre) and my requests."""
    from tests.helpers import QueryCounter

    secret = _token(app, observer)
    api = app.test_client()
    with app.app_context():
        centre = make_centre("atyrau")

    def add(count: int, start: int) -> None:
        with app.app_context():
            for n in range(start, start + count):
                make_briefing(db.session.merge(centre), slug=f"briefing-{n}")
                make_request(db.session.get(User, observer))

    def statements(url: str) -> int:
        with app.app_context(), QueryCounter(db.engine) as counter:
            assert api.get(url, headers=_bearer(secret)).status_code == 200
        return counter.count

    add(3, 0)
    api.get("/api/v1/requests", headers=_bearer(secret))  # the token's first use is written once: not counted below
    few = [statements("/api/v1/briefings?locale=de"), statements("/api/v1/requests")]
    add(27, 3)
    assert [statements("/api/v1/briefings?locale=de"), statements("/api/v1/requests")] == few


def test_a_volunteer_works_the_queue_through_the_api(app, observer):
    with app.app_context():
        volunteer = make_user(Role.VOLUNTEER).id
        number = make_request(db.session.get(User, observer)).id
        elsewhere = make_request(make_user(Role.OBSERVER, centre="aktau")).id
    secret = _token(app, volunteer, scopes=("read", "volunteer"))
    api = app.test_client()
    queue = api.get("/api/v1/queue", headers=_bearer(secret))
    assert queue.status_code == 200
    assert [(i["number"], i["actions"]) for i in queue.json["items"]] == [(number, ["claim", "comment"])]
    claimed = api.post(f"/api/v1/queue/{number}/claim", json={}, headers=_bearer(secret))
    assert (claimed.status_code, claimed.json["status"], claimed.json["volunteer"]) == (200, "assigned", "Volunteer 2")
    again = api.post(f"/api/v1/queue/{number}/claim", json={}, headers=_bearer(secret, **{"Accept-Language": "kk"}))
    assert (again.status_code, again.mimetype) == (409, "application/problem+json")
    no_reason = api.post(f"/api/v1/queue/{number}/decline", json={}, headers=_bearer(secret))
    assert no_reason.status_code == 422
    declined = api.post(f"/api/v1/queue/{number}/decline", json={"note": "Off sick"}, headers=_bearer(secret))
    assert (declined.status_code, declined.json["status"]) == (200, "new")
    assert [e["action"] for e in declined.json["history"]] == ["created", "claim", "decline"]
    assert api.get(f"/api/v1/queue/{elsewhere}", headers=_bearer(secret)).status_code == 404
    reader = _token(app, volunteer, scopes=("read",))
    assert api.post(f"/api/v1/queue/{number}/claim", json={}, headers=_bearer(reader)).status_code == 403
    assert api.get("/api/v1/queue?after=1_2", headers=_bearer(secret)).status_code == 422
