"""Every route answers the right status for every role.

The table must name every endpoint of the app: adding a route without deciding who
may use it fails `test_table_covers_every_route`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import (
    AccreditationImport,
    BriefingVersion,
    GlossaryTerm,
    HelpMode,
    OrganisationKind,
    Proficiency,
    ReportSubscription,
    TranslationJob,
    Visit,
)
from observer_portal.models.base import utcnow
from observer_portal.permissions import view_access
from observer_portal.services import glossary_terms, tokens
from observer_portal.services.elections import ElectionInput, create_election
from observer_portal.services.language_help import JobInput, file_job
from observer_portal.services.organisations import find_or_create_organisation
from tests.assistance_helpers import make_item, make_request
from tests.briefing_helpers import make_briefing
from tests.conftest import wipe
from tests.helpers import ROLES, csrf_from, make_centre, make_user

ANON, OBS, MEDIA, VOL, COORD, ADMIN = ROLES
LANGUAGES = ("en", "de", "fr", "ru", "kk")
EVERYONE = dict.fromkeys(ROLES, 200)


def expect(anonymous, observer, media, volunteer, coordinator, admin):
    return dict(zip(ROLES, (anonymous, observer, media, volunteer, coordinator, admin), strict=True))


MANAGER_PAGE = expect(302, 403, 403, 403, 200, 200)
MANAGER_ACTION = expect(401, 403, 403, 403, 302, 302)
SIGNED_IN_PAGE = expect(302, 200, 200, 200, 200, 200)
ANON_ONLY_PAGE = expect(200, 302, 302, 302, 302, 302)

# endpoint: (method, url template, expected status per role)
MATRIX = {
    "main.home": ("GET", "/", EVERYONE),
    "main.healthz": ("GET", "/healthz", EVERYONE),
    "main.readyz": ("GET", "/readyz", EVERYONE),
    "main.centre": ("GET", "/centres/atyrau", EVERYONE),
    "main.service_worker": ("GET", "/sw.js", EVERYONE),
    "static": ("GET", "/static/css/portal.css", EVERYONE),
    "auth.login": ("GET", "/login", ANON_ONLY_PAGE),
    "auth.signup": ("GET", "/signup", ANON_ONLY_PAGE),
    "auth.account": ("GET", "/account", SIGNED_IN_PAGE),
    "auth.change_password": ("GET", "/account/password", SIGNED_IN_PAGE),
    "auth.logout": ("POST", "/logout", expect(401, 302, 302, 302, 302, 302)),
    "auth.toggle_duty": ("POST", "/account/duty", expect(401, 403, 403, 302, 403, 403)),
    "auth.access_tokens": ("GET", "/account/tokens", SIGNED_IN_PAGE),
    "auth.revoke_token": ("POST", "/account/tokens/{token}/revoke", expect(401, 302, 302, 302, 302, 302)),
    "developers.api": ("GET", "/developers/api", EVERYONE),
    # the API: a signed-in browser's cookie is no credential there (tokens: API_MATRIX below)
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", EVERYONE),
    "api_public.centres": ("GET", "/api/v1/centres", EVERYONE),
    "api_public.briefings": ("GET", "/api/v1/briefings", EVERYONE),
    "api_public.briefing": ("GET", "/api/v1/briefings/atyrau/overview", EVERYONE),
    "api_public.organisations": ("GET", "/api/v1/organisations", dict.fromkeys(ROLES, 401)),
    "api_requests.mine": ("GET", "/api/v1/requests", dict.fromkeys(ROLES, 401)),
    "api_requests.file": ("POST", "/api/v1/requests", dict.fromkeys(ROLES, 401)),
    "api_requests.one": ("GET", "/api/v1/requests/{request}", dict.fromkeys(ROLES, 401)),
    "api_requests.cancel": ("POST", "/api/v1/requests/{request}/cancel", dict.fromkeys(ROLES, 401)),
    "api_queue.queue": ("GET", "/api/v1/queue", dict.fromkeys(ROLES, 401)),
    "api_queue.one": ("GET", "/api/v1/queue/{request}", dict.fromkeys(ROLES, 401)),
    "api_queue.move": ("POST", "/api/v1/queue/{request}/comment", dict.fromkeys(ROLES, 401)),
    "api_visits.visits": ("GET", "/api/v1/visits", dict.fromkeys(ROLES, 401)),
    "api_visits.visits_summary": ("GET", "/api/v1/visits/summary", dict.fromkeys(ROLES, 401)),
    "api_visits.coverage": ("GET", "/api/v1/coverage", dict.fromkeys(ROLES, 401)),
    "api_language.jobs": ("GET", "/api/v1/jobs", dict.fromkeys(ROLES, 401)),
    "api_visits.my_visits": ("GET", "/api/v1/visits/mine", dict.fromkeys(ROLES, 401)),
    "api_language.bookings": ("GET", "/api/v1/bookings", dict.fromkeys(ROLES, 401)),
    "staff.users": ("GET", "/staff/", MANAGER_PAGE),
    "staff.create_user": ("GET", "/staff/new", MANAGER_PAGE),
    "staff.edit_user": ("GET", "/staff/{target}", MANAGER_PAGE),
    "staff.deactivate_user": ("POST", "/staff/{target}/deactivate", MANAGER_ACTION),
    "staff.activate_user": ("POST", "/staff/{target}/activate", MANAGER_ACTION),
    "staff.audit": ("GET", "/staff/audit", MANAGER_PAGE),
    "briefings.index": ("GET", "/briefings/", EVERYONE),
    "briefings.detail": ("GET", "/briefings/atyrau/overview", EVERYONE),
    "briefings.wish": ("POST", "/briefings/{briefing}/wish/kk", expect(401, 302, 302, 302, 302, 302)),
    "briefings.manage": ("GET", "/briefings/manage", expect(302, 403, 403, 200, 200, 200)),
    "briefings.create": ("GET", "/briefings/new", MANAGER_PAGE),
    "briefings.edit": ("GET", "/briefings/{briefing}/edit", MANAGER_PAGE),
    "briefings.publish": ("POST", "/briefings/{briefing}/publish", MANAGER_ACTION),
    "briefings.unpublish": ("POST", "/briefings/{briefing}/unpublish", MANAGER_ACTION),
    "briefings.history": ("GET", "/briefings/{briefing}/history", MANAGER_PAGE),
    "briefings.restore": ("POST", "/briefings/{briefing}/history/{version}/restore", MANAGER_ACTION),
    # the test volunteer speaks German (see below)
    "briefings.translate": ("GET", "/briefings/{briefing}/translate/de", expect(302, 403, 403, 200, 200, 200)),
    "briefings.machine": ("POST", "/briefings/{briefing}/translate/de/machine", expect(401, 403, 403, 302, 302, 302)),
    "main.notifications": ("GET", "/notifications", SIGNED_IN_PAGE),
    "main.notifications_read": ("POST", "/notifications/read", expect(401, 302, 302, 302, 302, 302)),
    "assistance.mine": ("GET", "/requests/", expect(302, 200, 200, 403, 403, 403)),
    "assistance.create": ("GET", "/requests/new", expect(302, 200, 200, 403, 403, 403)),
    "assistance.create_for_visitor": ("GET", "/requests/new-for-visitor", expect(302, 403, 403, 200, 200, 200)),
    "assistance.choose": ("GET", "/requests/ask", expect(302, 200, 200, 200, 200, 200)),
    "assistance.queue": ("GET", "/requests/queue", expect(302, 403, 403, 200, 200, 200)),
    "assistance.export_csv": ("GET", "/requests/queue.csv", MANAGER_PAGE),
    "assistance.export_xlsx": ("GET", "/requests/queue.xlsx", MANAGER_PAGE),
    # the request belongs to another observer of the centre: other visitors get 404
    "assistance.detail": ("GET", "/requests/{request}", expect(302, 404, 404, 200, 200, 200)),
    "assistance.act": ("POST", "/requests/{request}/comment", expect(401, 404, 404, 302, 302, 302)),
    "inventory.index": ("GET", "/inventory/", expect(302, 403, 403, 200, 200, 200)),
    "inventory.create": ("GET", "/inventory/new", MANAGER_PAGE),
    "inventory.detail": ("GET", "/inventory/{item}", expect(302, 403, 403, 200, 200, 200)),
    "inventory.edit": ("GET", "/inventory/{item}/edit", MANAGER_PAGE),
    "inventory.checkout": ("POST", "/inventory/{item}/checkout", expect(401, 403, 403, 422, 422, 422)),
    "inventory.checkin": ("POST", "/inventory/{item}/checkin", expect(401, 403, 403, 302, 302, 302)),
    "language_help.create": ("GET", "/language-help/new", expect(302, 200, 200, 403, 403, 403)),
    "language_help.create_for_visitor": (
        "GET",
        "/language-help/new-for-visitor",
        expect(302, 403, 403, 200, 200, 200),
    ),
    "language_help.jobs": ("GET", "/language-help/jobs", expect(302, 403, 403, 200, 200, 403)),
    # the job (ru → de) belongs to another observer and is unassigned: only managers may work on it
    "language_help.work": ("GET", "/language-help/{job}/work", expect(302, 403, 403, 404, 200, 200)),
    "language_help.machine": ("POST", "/language-help/{job}/machine", expect(401, 403, 403, 404, 302, 302)),
    "language_help.result": ("GET", "/language-help/{job}/result.txt", expect(302, 404, 404, 200, 200, 200)),
    "language_help.document": ("GET", "/language-help/{job}/document", expect(302, 404, 404, 200, 200, 200)),
    "language_help.bookings": ("GET", "/language-help/bookings", expect(302, 403, 403, 200, 200, 403)),
    "language_help.rotate_feed": ("POST", "/language-help/bookings/feed", expect(401, 403, 403, 302, 302, 403)),
    "language_help.calendar": ("GET", "/language-help/calendar/{calendar}.ics", EVERYONE),
    "language_help.coverage": ("GET", "/language-help/coverage", MANAGER_PAGE),
    "reports.equal_treatment_page": ("GET", "/reports/equal-treatment", MANAGER_PAGE),
    "reports.equal_treatment_xlsx": ("GET", "/reports/equal-treatment.xlsx", MANAGER_PAGE),
    "reports.equal_treatment_pdf": ("GET", "/reports/equal-treatment.pdf", MANAGER_PAGE),
    "reports.daily_page": ("GET", "/reports/daily", MANAGER_PAGE),
    "reports.daily_xlsx": ("GET", "/reports/daily.xlsx", MANAGER_PAGE),
    "reports.daily_pdf": ("GET", "/reports/daily.pdf", MANAGER_PAGE),
    # no centre or day sent: refused as malformed, once the role is admitted
    "reports.daily_notes": ("POST", "/reports/daily/notes", expect(401, 403, 403, 403, 400, 400)),
    "reports.daily_subscriptions": ("GET", "/reports/daily/subscriptions", MANAGER_PAGE),
    "reports.remove_subscription": ("POST", "/reports/daily/subscriptions/{subscription}/remove", MANAGER_ACTION),
    "centres.index": ("GET", "/manage/centres/", MANAGER_PAGE),
    "centres.create": ("GET", "/manage/centres/new", expect(302, 403, 403, 403, 403, 200)),
    "centres.edit": ("GET", "/manage/centres/atyrau", MANAGER_PAGE),  # a coordinator: their own centre's contacts
    # another centre than theirs is not a coordinator's to change (see test_centres for the 403)
    "centres.deactivate": ("POST", "/manage/centres/{centre}/close-down", expect(401, 403, 403, 403, 403, 302)),
    "centres.reactivate": ("POST", "/manage/centres/{centre}/reopen", expect(401, 403, 403, 403, 403, 302)),
    "accreditations.index": ("GET", "/manage/accreditations/", MANAGER_PAGE),
    "accreditations.people": ("GET", "/manage/accreditations/people", MANAGER_PAGE),
    "accreditations.columns": ("GET", "/manage/accreditations/{upload}/columns", MANAGER_PAGE),
    "accreditations.preview": ("GET", "/manage/accreditations/{upload}", MANAGER_PAGE),
    "accreditations.run": ("POST", "/manage/accreditations/{upload}/import", MANAGER_ACTION),
    # a forged link: refused (404) for everyone, signed in or not (signed in: sent home)
    "auth.accept_invitation": ("GET", "/invitation/forged.token", expect(404, 302, 302, 302, 302, 302)),
    "organisations.index": ("GET", "/manage/organisations/", MANAGER_PAGE),
    "organisations.create": ("GET", "/manage/organisations/new", MANAGER_PAGE),
    "organisations.edit": ("GET", "/manage/organisations/{organisation}", MANAGER_PAGE),
    "organisations.merge": ("GET", "/manage/organisations/{organisation}/merge", MANAGER_PAGE),
    "organisations.confirm": ("POST", "/manage/organisations/{organisation}/confirm", MANAGER_ACTION),
    "glossary.index": ("GET", "/glossary/", expect(302, 403, 403, 200, 200, 200)),
    "glossary.propose": ("GET", "/glossary/propose", expect(302, 403, 403, 200, 200, 200)),
    # an approved term: coordinators and administrators correct it (a volunteer: their own proposal)
    "glossary.edit": ("GET", "/glossary/{term}", MANAGER_PAGE),
    "glossary.approve": ("POST", "/glossary/{term}/approve", MANAGER_ACTION),
    "glossary.remove": ("GET", "/glossary/{term}/remove", MANAGER_PAGE),  # asks first
    "glossary.export_tbx": ("GET", "/glossary/glossary.tbx", expect(302, 403, 403, 200, 200, 200)),
    "glossary.export_csv": ("GET", "/glossary/glossary.csv", expect(302, 403, 403, 200, 200, 200)),
    "glossary.import_file": ("GET", "/glossary/import", MANAGER_PAGE),
    "glossary.load_seed": ("POST", "/glossary/load-seed", MANAGER_ACTION),
    "elections.index": ("GET", "/elections/", MANAGER_PAGE),
    "elections.create": ("GET", "/elections/new", expect(302, 403, 403, 403, 403, 200)),
    "elections.edit": ("GET", "/elections/{election}", expect(302, 403, 403, 403, 403, 200)),
    "elections.activate": ("POST", "/elections/{election}/activate", expect(401, 403, 403, 403, 403, 302)),
    "elections.close": ("POST", "/elections/{election}/close", expect(401, 403, 403, 403, 403, 302)),
    "visits.desk": ("GET", "/visits/desk", expect(302, 403, 403, 200, 200, 200)),
    "visits.left": ("POST", "/visits/{visit}/left", expect(401, 403, 403, 302, 302, 302)),
    "visits.mine": ("GET", "/visits/mine", expect(302, 200, 200, 403, 403, 403)),
    "visits.log": ("GET", "/visits/", MANAGER_PAGE),
    "visits.export": ("GET", "/visits/export.csv", MANAGER_PAGE),
    "visits.export_xlsx": ("GET", "/visits/export.xlsx", MANAGER_PAGE),
    "visits.visitors": ("GET", "/visits/visitors", expect(302, 403, 403, 200, 200, 200)),
    "visits.visitor": ("GET", "/visits/visitors/{visitor}", expect(302, 403, 403, 200, 200, 200)),
    "visits.badge": ("GET", "/visits/visitors/{visitor}/badge", expect(302, 403, 403, 200, 200, 200)),
    # a merge posted without choosing the duplicate is refused with the form shown again
    "visits.merge": ("POST", "/visits/visitors/{visitor}/merge", expect(401, 403, 403, 403, 422, 422)),
}


def test_table_covers_every_route(app):
    assert set(view_access(app)) == set(MATRIX), "add new routes to MATRIX with the status each role gets"


@pytest.fixture(scope="module")
def world(app) -> dict:
    """The objects the routes reach, built and committed once for the module; every case
    runs in its own rolled-back transaction on top of them (tests/conftest.py), so what a
    POST changes never reaches the next case."""
    with app.app_context():
        centre = make_centre("atyrau")
        target = make_user("volunteer", "target@example.org")
        target.calendar_token = "calendar-token-for-the-matrix-test"
        briefing = make_briefing(centre, slug="overview").id
        owner = make_user("observer", "owner@example.org")
        item = make_item(centre.id).id
        request_id = make_request(owner).id
        job_request, _ = file_job(
            db.session,
            owner,
            JobInput(
                "ru",
                "de",
                HelpMode.DOCUMENT,
                utcnow() + timedelta(hours=3),
                document_name="a.txt",
                document_data=b"text",
            ),
            LANGUAGES,
        )
        db.session.get(TranslationJob, job_request.id).final_text = "Text"
        visit = Visit(centre_id=centre.id, visitor_id=owner.visitor_profile.id, visitor_kind="observer")
        db.session.add(visit)
        election = create_election(db.session, None, ElectionInput({"en": "Matrix election"}, date(2029, 11, 18)))
        organisation = find_or_create_organisation(db.session, "OSCE/ODIHR", OrganisationKind.OBSERVER_MISSION)
        upload = AccreditationImport(
            centre_id=centre.id,
            filename="list.csv",
            data=b"Name,Number\nA B,1\n",
            mapping={"full_name": 0, "accreditation_number": 1},
        )
        db.session.add(upload)
        subscription = ReportSubscription(centre_id=centre.id, email="commission@example.org", locale="en")
        db.session.add(subscription)
        token = tokens.create_token(db.session, target, "Someone else's", ["read"], 30).token
        glossary_terms.load_seed(db.session, None)
        term = db.session.scalar(select(GlossaryTerm.id).where(GlossaryTerm.key == "polling-station"))
        db.session.commit()
        ids = {
            "target": target.id,
            "briefing": briefing,
            "version": db.session.scalar(select(BriefingVersion.id)),
            "request": request_id,
            "item": item,
            "job": job_request.id,
            "calendar": target.calendar_token,
            "visit": visit.id,
            "visitor": owner.visitor_profile.id,
            "election": election.id,
            "centre": make_centre("oral").slug,
            "organisation": organisation.id,
            "upload": upload.id,
            "subscription": subscription.id,
            "token": token.id,
            "term": term,
        }
        db.session.remove()
    yield ids
    wipe(app)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_role(app, world, login_as, endpoint, role):
    method, template, expected = MATRIX[endpoint]
    extra = {"languages": {"de": Proficiency.FLUENT}} if role == VOL else {}
    client, _user = login_as(role, **extra)
    url = template.format(**world)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_from(client.get("/login" if role == ANON else "/").get_data(as_text=True))
        response = client.post(url, data={"csrf_token": token})
    response.close()
    assert response.status_code == expected[role], f"{role} {method} {url}"
    if response.status_code == 302 and expected is SIGNED_IN_PAGE and role == ANON:
        assert "/login?next=" in response.headers["Location"]


def test_unauthenticated_json_client_gets_401(client):
    response = client.get("/account", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["status"] == 401


# ---------------------------------------------------------------- the same policies through the API

#: endpoint: (method, url, JSON body, expected status per role) for a client holding a token
#: of each role with every scope the role may give (anonymous: no token). Another observer's
#: request is 404 to observers and journalists (as its page is), 403 to staff (not theirs).
NEW_REQUEST = {
    "kind": "other",
    "details": "A map of the polling stations",
    "needed_by": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
}
API_MATRIX = {
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", None, EVERYONE),
    "api_public.centres": ("GET", "/api/v1/centres", None, EVERYONE),
    "api_public.briefings": ("GET", "/api/v1/briefings", None, EVERYONE),
    "api_public.briefing": ("GET", "/api/v1/briefings/atyrau/overview", None, EVERYONE),
    "api_public.organisations": ("GET", "/api/v1/organisations", None, expect(401, 200, 200, 200, 200, 200)),
    "api_requests.mine": ("GET", "/api/v1/requests", None, expect(401, 200, 200, 403, 403, 403)),
    "api_requests.file": ("POST", "/api/v1/requests", NEW_REQUEST, expect(401, 201, 201, 403, 403, 403)),
    "api_requests.one": ("GET", "/api/v1/requests/{request}", None, expect(401, 404, 404, 403, 403, 403)),
    "api_requests.cancel": ("POST", "/api/v1/requests/{request}/cancel", None, expect(401, 404, 404, 403, 403, 403)),
    "api_queue.queue": ("GET", "/api/v1/queue", None, expect(401, 403, 403, 200, 200, 200)),
    "api_queue.one": ("GET", "/api/v1/queue/{request}", None, expect(401, 403, 403, 200, 200, 200)),
    "api_queue.move": (
        "POST",
        "/api/v1/queue/{request}/comment",
        {"note": "On my way"},
        expect(401, 403, 403, 200, 200, 200),
    ),
    "api_visits.visits": ("GET", "/api/v1/visits", None, expect(401, 403, 403, 403, 200, 200)),
    "api_visits.visits_summary": ("GET", "/api/v1/visits/summary", None, expect(401, 403, 403, 403, 200, 200)),
    "api_visits.coverage": ("GET", "/api/v1/coverage", None, expect(401, 403, 403, 403, 200, 200)),
    "api_language.jobs": ("GET", "/api/v1/jobs", None, expect(401, 403, 403, 200, 200, 200)),
    "api_visits.my_visits": ("GET", "/api/v1/visits/mine", None, expect(401, 200, 200, 403, 403, 403)),
    "api_language.bookings": ("GET", "/api/v1/bookings", None, expect(401, 403, 403, 200, 200, 200)),
}


def test_api_table_covers_every_api_route(app):
    assert {e for e in view_access(app) if e.startswith(("api_", "api-docs."))} == set(API_MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(API_MATRIX))
def test_api_route_answers_a_token_of_each_role(app, world, endpoint, role):
    method, template, body, expected = API_MATRIX[endpoint]
    headers = {}
    if role != ANON:
        with app.app_context():
            owner = make_user(role, centre="atyrau")
            scopes = [scope.value for scope in tokens.SCOPES_BY_ROLE[owner.role]]
            headers["Authorization"] = "Bearer " + tokens.create_token(db.session, owner, "Matrix", scopes, 7).secret
            db.session.commit()
    client = app.test_client()
    url = template.format(**world)
    response = client.get(url, headers=headers) if method == "GET" else client.post(url, json=body, headers=headers)
    response.close()
    assert response.status_code == expected[role], f"{role} {method} {url}: {response.status_code}"
    assert "Set-Cookie" not in response.headers
