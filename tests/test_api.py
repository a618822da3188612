"""The JSON API through real HTTP requests of the test client: public briefings and centres,
personal access tokens (shown once, hashed at rest, scopes, expiry, revocation, last use),
an observer's requests (file, list, read, withdraw), problem details in the caller's
language, no cookie ever, and a token that never reads what its owner's pages cannot."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Briefing, PersonalToken, Proficiency, Role, User
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
    assert created.status_code == 201  # made, and shown in this answer
    assert created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(opt_[^"]+)"', created.get_data(as_text=True)).group(1)
    assert secret not in (created.headers.get("Set-Cookie") or "")  # never in a cookie
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
    mine = api.get("/api/v1/visits/mine", headers=_bearer(secret))
    assert (mine.status_code, mine.json["items"]) == (200, [])  # no visit registered yet
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


def test_a_tokens_answers_are_never_stored_and_public_ones_briefly(app, observer):
    secret = _token(app, observer)
    api = app.test_client()
    mine = api.get("/api/v1/requests", headers=_bearer(secret))
    assert mine.headers["Cache-Control"] == "no-store"
    assert "Authorization" in mine.headers["Vary"]
    public = api.get("/api/v1/centres")
    assert public.headers["Cache-Control"] == "public, max-age=60"
    assert api.get("/api/v1/centres", headers=_bearer(secret)).headers["Cache-Control"] == "no-store"
    preflight = api.options(
        "/api/v1/requests",
        headers={"Origin": "https://dashboard.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in preflight.headers


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("details", "nul\u0000byte"),
        ("details", "escape \u001b[31m red"),
        ("details", "lone \ud800 surrogate"),
        ("location", "Hotel \u202eevil"),
        ("location", "Hotel\u200bA"),
        ("location", "line1\nline2"),
        ("location", "tab\there"),
    ],
)
def test_the_api_holds_text_to_the_rules_of_the_forms(app, observer, field, value):
    secret = _token(app, observer)
    body = {"kind": "other", "details": "A map", "needed_by": NEEDED_BY, field: value}
    response = app.test_client().post("/api/v1/requests", json=body, headers=_bearer(secret))
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]["json"]) == [field]
    assert isinstance(response.json["errors"]["json"][field], list)


def test_bodies_that_cannot_be_read_are_refused_not_a_server_error(app, observer):
    secret = _token(app, observer)
    api = app.test_client()
    for raw in ("[" * 100_000 + "]" * 100_000, '{"kind": "other", "priority": ' + "9" * 5000 + "}"):
        response = api.post(
            "/api/v1/requests", data=raw, headers=_bearer(secret, **{"Content-Type": "application/json"})
        )
        assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    as_text = api.post("/api/v1/requests", data="kind=other", headers=_bearer(secret, **{"Content-Type": "text/plain"}))
    assert as_text.status_code == 415
    as_form = api.post("/api/v1/requests", data={"kind": "other"}, headers=_bearer(secret))  # form-encoded
    assert as_form.status_code == 415


def test_a_field_the_service_refuses_is_named_and_times_are_written_in_utc(app, observer):
    secret = _token(app, observer)
    api = app.test_client()
    past = api.post(
        "/api/v1/requests",
        json={"kind": "other", "details": "x", "needed_by": "2020-01-01T10:00:00+05:00"},
        headers=_bearer(secret),
    )
    assert past.status_code == 422
    assert list(past.json["errors"]["json"]) == ["needed_by"]
    local = (datetime.now(UTC) + timedelta(hours=3)).astimezone(timezone(timedelta(hours=5)))
    filed = api.post(
        "/api/v1/requests",
        json={"kind": "other", "details": "x", "needed_by": local.isoformat()},
        headers=_bearer(secret),
    )
    read = api.get(filed.json["url"], headers=_bearer(secret))
    assert filed.json["needed_by"] == read.json["needed_by"]
    assert filed.json["needed_by"].endswith("+00:00")


def test_the_etag_changes_with_anything_answered_and_compares_weakly(app, client):
    with app.app_context():
        briefing_id = make_briefing(make_centre("atyrau")).id
    url = "/api/v1/briefings/atyrau/atyrau-overview?locale=de"
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": "W/" + first.headers["ETag"]}).status_code == 304
    with app.app_context():
        reviewed_german(make_user(Role.COORDINATOR), db.session.get(Briefing, briefing_id), {})
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.json["available_locales"] == ["de", "en"]


@pytest.mark.commits  # another app (rate limits on) reads the tokens
def test_the_rate_limit_counts_per_token_across_the_whole_api(app, observer, make_app):
    limited = make_app(API_RATE_LIMIT="5/minute", RATELIMIT_ENABLED=True)
    secret, other = _token(app, observer), _token(app, observer)
    api = limited.test_client()
    urls = ["/api/v1/requests", "/api/v1/centres", "/api/v1/organisations", "/api/v1/requests", "/api/v1/centres"]
    assert [api.get(url, headers=_bearer(secret)).status_code for url in urls] == [200] * 5
    refused = api.get("/api/v1/briefings", headers=_bearer(secret, **{"Accept-Language": "de"}))
    assert (refused.status_code, refused.mimetype) == (429, "application/problem+json")
    assert api.get("/api/v1/centres", headers=_bearer(other)).status_code == 200  # another token: its own
    assert api.get("/api/v1/centres").status_code == 200  # no token: the address's own allowance


def test_an_api_answer_never_sets_a_cookie_even_to_a_browser_that_sends_one(app, login_as):
    browser, _ = login_as("observer")
    for url in ("/api/v1/centres", "/api/v1/requests", "/api/v1/briefings/none/none"):
        response = browser.get(url)
        assert "Set-Cookie" not in response.headers, url


def test_a_coordinator_reads_the_visit_log_its_totals_and_the_coverage(app):
    from observer_portal.models import Visit, VisitorKind, VisitorProfile, VisitPurpose, VisitPurposeRow

    with app.app_context():
        coordinator = make_user(Role.COORDINATOR)
        centre_id = coordinator.centre_id
        people = [VisitorProfile(full_name=f"Visitor {n}", kind=VisitorKind.OBSERVER) for n in range(5)]
        db.session.add_all(people)
        db.session.flush()
        for n, person in enumerate(people):
            db.session.add(
                Visit(
                    centre_id=centre_id,
                    visitor_id=person.id,
                    visitor_kind=VisitorKind.MEDIA if n == 4 else VisitorKind.OBSERVER,
                    arrived_at=utcnow() - timedelta(hours=n),
                    purposes=[VisitPurposeRow(purpose=VisitPurpose.BRIEFING)],
                )
            )
        elsewhere = VisitorProfile(full_name="Somewhere Else", kind=VisitorKind.OBSERVER)
        db.session.add(elsewhere)
        db.session.flush()
        db.session.add(
            Visit(centre_id=make_centre("aktau").id, visitor_id=elsewhere.id, visitor_kind=VisitorKind.OBSERVER)
        )
        db.session.commit()
        coordinator_id = coordinator.id
    secret = _token(app, coordinator_id, scopes=("read", "coordinator"))
    api = app.test_client()
    first = api.get("/api/v1/visits?elections=all", headers=_bearer(secret, **{"Accept-Language": "ru"}))
    assert first.status_code == 200
    assert [v["visitor"] for v in first.json["items"]] == [f"Visitor {n}" for n in range(5)]  # latest first
    assert first.json["items"][0]["purposes"] == ["briefing"]
    assert first.json["next"] is None
    media = api.get("/api/v1/visits?elections=all&kind=media", headers=_bearer(secret))
    assert [v["visitor"] for v in media.json["items"]] == ["Visitor 4"]
    totals = api.get("/api/v1/visits/summary?elections=all", headers=_bearer(secret))
    assert totals.json["total"] == 5
    assert sum(day["visits"] for day in totals.json["days"]) == 5
    coverage = api.get("/api/v1/coverage", headers=_bearer(secret))
    assert coverage.status_code == 200
    assert coverage.json["centre"] == "atyrau"
    reader = _token(app, coordinator_id, scopes=("read",))
    assert api.get("/api/v1/visits", headers=_bearer(reader)).status_code == 403
    for query, field in (
        ("organisation=Nobody%20Known", "organisation"),
        ("volunteer=stranger@example.org", "volunteer"),
        ("voting_day=1999-01-01", "voting_day"),
    ):
        refused = api.get(f"/api/v1/visits?{query}", headers=_bearer(secret))
        assert refused.status_code == 422, query
        assert list(refused.json["errors"]["query"]) == [field]
    for query in ("date_from=2022-11-20&date_to=2022-11-01", "date_from=0001-01-01", "after=1_0", "after=x_1"):
        assert api.get(f"/api/v1/visits?{query}", headers=_bearer(secret)).status_code == 422, query
    for query, english in (("date_from=20.11.2022", "Not a valid date."), ("volunteer=not-an-address", "Not a valid")):
        german = api.get(f"/api/v1/visits?{query}", headers=_bearer(secret, **{"Accept-Language": "de"}))
        assert german.status_code == 422
        assert english not in str(german.json["errors"]), german.json  # marshmallow's words, translated
    assert api.get("/api/v1/coverage?centre=aktau", headers=_bearer(secret)).status_code == 403  # not theirs

    from tests.helpers import QueryCounter

    def statements() -> int:
        with app.app_context(), QueryCounter(db.engine) as counter:
            assert api.get("/api/v1/visits?elections=all", headers=_bearer(secret)).status_code == 200
        return counter.count

    few = statements()
    with app.app_context():
        for n in range(20):
            person = VisitorProfile(full_name=f"More {n}", kind=VisitorKind.OBSERVER)
            db.session.add(person)
            db.session.flush()
            db.session.add(Visit(centre_id=centre_id, visitor_id=person.id, visitor_kind=VisitorKind.OBSERVER))
        db.session.commit()
    assert statements() == few  # no query per visit
    assert api.get("/api/v1/visits?after=12", headers=_bearer(secret)).status_code == 422


def test_a_volunteer_reads_their_language_jobs_and_bookings(app):
    from observer_portal.models import HelpMode
    from observer_portal.services.language_help import JobInput, file_job

    with app.app_context():
        volunteer = make_user(
            Role.VOLUNTEER, languages={"de": Proficiency.FLUENT, "ru": Proficiency.NATIVE}, on_duty=True
        )
        asker = make_user(Role.OBSERVER)
        request, _ = file_job(
            db.session,
            asker,
            JobInput(
                "ru",
                "de",
                HelpMode.INTERPRETATION,
                utcnow() + timedelta(days=1),
                starts_at=utcnow() + timedelta(days=1),
                ends_at=utcnow() + timedelta(days=1, hours=2),
                place="Polling station 12",
            ),
            ("en", "de", "fr", "ru", "kk"),
        )
        db.session.commit()
        volunteer_id, number = volunteer.id, request.id
    secret = _token(app, volunteer_id, scopes=("read", "volunteer"))
    api = app.test_client()
    jobs = api.get("/api/v1/jobs", headers=_bearer(secret))
    assert jobs.status_code == 200
    assert [(j["number"], j["source"], j["target"], j["mode"]) for j in jobs.json["items"]] == [
        (number, "ru", "de", "interpretation")
    ]
    bookings = api.get("/api/v1/bookings", headers=_bearer(secret)).json["items"]
    assert [(b["number"], b["place"]) for b in bookings] == [(number, "Polling station 12")]


def test_every_message_the_apis_fields_can_give_is_in_the_catalogs():
    """Each default message of every field class the API's schemas use (marshmallow's English)
    is listed for the catalogs, so `errors.translated` can give it in five languages."""
    import inspect

    import marshmallow as ma

    from observer_portal.api import language_work, schemas, visits
    from observer_portal.lazy_text import LazyText

    listed = {message._msgid for message in schemas.FIELD_MESSAGES if isinstance(message, LazyText)}
    needed = set()
    for module in (schemas, visits, language_work):
        for _name, schema in inspect.getmembers(module, inspect.isclass):
            if issubclass(schema, ma.Schema) and schema is not ma.Schema:
                for field in schema().fields.values():
                    for cls in type(field).__mro__:
                        for message in getattr(cls, "default_error_messages", {}).values():
                            if "{" not in message:
                                needed.add(message)
    assert needed - listed == set()
