"""The security suite: CSRF on every state-changing route, headers on every page, stored
XSS probes through every text field that is shown back, Unicode round trips, secure
cookies in production, and hypothesis-driven form fuzzing (no 500, nothing half-written)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from observer_portal.api_paths import API_PREFIX
from observer_portal.extensions import db, limiter
from observer_portal.models import EquipmentItem, ServiceRequest, User
from tests.helpers import PASSWORD, csrf_from, dangerous_markup, login, make_centre, make_user, post_form
from tests.test_access_matrix import MATRIX
from tests.test_assistance import local

PROBES = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    '<a href="javascript:alert(2)">click</a>',
    '<meta http-equiv="refresh" content="2;url=/?x">',
    "{{ 7*7 }} {% raw %} ${7*7}",
    "safe;=1+1;x\t@SUM(A1)",
    "\u202eevil.exe\u202c and \u200f",
]
UNICODE = "Қазақстан Республикасы · Größe Übersee · 🗳️✅ · الانتخابات الرئاسية"


def _fill(template: str) -> str:
    return re.sub(r"\{(\w+)\}", "1", template)


def _example_url(rule: str) -> str:
    """A URL of a rule: 1 for a number, the first choice of an `any(...)`, else "x"."""
    rule = re.sub(r"<int:\w+>", "1", rule)
    rule = re.sub(r"<any\(([^,)]+)[^)]*\):\w+>", lambda m: m.group(1).strip(), rule)
    return re.sub(r"<\w+>", "x", rule)


def post_rules(app, *, api: bool = False) -> list[str]:
    """Every POST route of the pages (or, with `api`, of the JSON API)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and rule.rule.startswith(API_PREFIX) == api:
            urls.append(_example_url(rule.rule))
    return sorted(set(urls))


def test_every_post_route_refuses_a_missing_or_forged_csrf_token(app, login_as):
    urls = post_rules(app)
    assert len(urls) >= 20
    client, _ = login_as("coordinator")
    for url in urls:
        assert client.post(url, data={}).status_code == 400, url
        assert client.post(url, data={"csrf_token": "forged"}).status_code == 400, url
    anonymous = app.test_client()
    for url in urls:
        assert anonymous.post(url, data={}).status_code == 400, url


def test_no_cookie_signs_anyone_in_to_the_api(app, login_as):
    """The API takes no CSRF token: a Bearer token is its only credential, so a signed-in
    browser's cookie, which a forged form would carry along, signs nobody in there."""
    urls = post_rules(app, api=True)
    assert len(urls) >= 2
    client, _ = login_as("observer")
    for url in urls:
        assert client.post(url, data={}).status_code == 401, url
        assert client.post(url, json={"kind": "other"}).status_code == 401, url


def test_every_page_sends_the_security_headers(app, login_as):
    client, _ = login_as("coordinator")
    with app.app_context():
        make_centre("atyrau")
    for endpoint, (method, template, _expected) in MATRIX.items():
        if method != "GET" or endpoint == "static":
            continue
        response = client.get(_fill(template))
        response.close()  # a streamed download keeps its request context open until closed
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "unsafe-inline" not in csp, endpoint
        assert "frame-ancestors 'none'" in csp, endpoint
        assert "object-src 'none'" in csp, endpoint
        assert headers.get("X-Content-Type-Options") == "nosniff", endpoint
        assert headers.get("Referrer-Policy"), endpoint
        if template.startswith("/api/"):  # a cookie is no credential there: answers to nobody in particular
            assert headers.get("Cache-Control") in ("no-store", "public, max-age=60", "no-cache"), endpoint
            continue
        assert headers.get("Cache-Control") == "no-store" or response.status_code in (302, 404), endpoint


def test_production_cookies_are_secure(make_app):
    production = make_app(PORTAL_ENV="production", SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-portal")
    with production.app_context():
        make_user("observer", "secure@example.org")
    client = production.test_client()
    html = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    response = client.post(
        "/login",
        base_url="https://localhost",
        data={"csrf_token": csrf_from(html), "email": "secure@example.org", "password": PASSWORD},
        headers={"Referer": "https://localhost/login"},  # over HTTPS Flask-WTF also checks the referrer
    )
    assert response.status_code == 302
    cookie = response.headers.getlist("Set-Cookie")[-1]
    assert cookie.startswith("__Host-portal=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _one_line(text: str) -> str:
    """The probe as a one-line field takes it: no tabs, line breaks, bidi controls or other
    invisible format characters (refused there, tests/test_form_text.py); text areas take it whole."""
    import unicodedata

    spaced = re.sub("[\t\n\r]", " ", text)
    return "".join(c for c in spaced if c in "\u200c\u200d" or unicodedata.category(c) != "Cf")


def _shown_back(html: str, text: str) -> bool:
    from markupsafe import escape

    return str(escape(text)) in html or text in html


@pytest.mark.parametrize("probe", PROBES + [UNICODE])
def test_text_fields_are_shown_back_escaped_and_intact(app, login_as, probe):
    """Every text a person types and the portal shows again: as text, never as markup."""
    observer, observer_user = login_as("observer", name=_one_line(probe)[:100])
    coordinator, _ = login_as("coordinator")
    # profile name → header and account page
    assert (
        post_form(observer, "/account", {"display_name": _one_line(probe)[:120], "preferred_locale": ""}).status_code
        == 302
    )
    # a request: details, place and a comment
    response = post_form(
        observer,
        "/requests/new",
        {
            "kind": "other",
            "details": probe,
            "location_kind": "other",
            "location": _one_line(probe)[:200],
            "needed_by": local(5, app),
            "priority": "2",
        },
    )
    assert response.status_code == 302
    request_page = response.headers["Location"]
    post_form(observer, request_page + "/comment", {"note": probe}, page=request_page)
    # a translation request: text, notes
    response = post_form(
        observer,
        "/language-help/new",
        {"source": "ru", "target": "de", "mode": "written", "text": probe, "notes": probe, "needed_by": local(5, app)},
    )
    assert response.status_code == 302
    translation_page = response.headers["Location"]
    # a briefing: title, body, figure label; an equipment item: description and notes
    response = post_form(
        coordinator,
        "/briefings/new",
        {
            "title": _one_line(probe)[:200],
            "slug": "probe",
            "topic": "overview",
            "original_locale": "en",
            "body": probe,
            "figures-0-label": _one_line(probe)[:160],
            "figures-0-value": "42",
        },
    )
    assert response.status_code == 302
    post_form(
        coordinator,
        "/inventory/new",
        {
            "kind": "laptop",
            "asset_tag": "PROBE-1",
            "description": _one_line(probe)[:200],
            "condition": "good",
            "notes": probe,
        },
    )
    with app.app_context():
        item_id = db.session.scalar(select(func.max(EquipmentItem.id)))
    pages = [
        (observer, "/account"),
        (observer, request_page),
        (observer, translation_page),
        (coordinator, request_page),
        (coordinator, "/requests/queue"),
        (coordinator, f"/staff/{observer_user.id}"),
        (coordinator, "/briefings/manage"),
        (coordinator, f"/inventory/{item_id}"),
    ]
    for client, url in pages:
        html = client.get(url).get_data(as_text=True)
        assert dangerous_markup(html) == [], url
    # and the text itself survives, character for character
    assert _shown_back(observer.get(request_page).get_data(as_text=True), probe)
    with app.app_context():
        details = db.session.scalars(select(ServiceRequest.details).order_by(ServiceRequest.id)).first()
        assert details == probe.strip()
        assert db.session.get(User, observer_user.id).display_name == _one_line(probe)[:120].strip()


# ---------------------------------------------------------------- fuzzing

text_inputs = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
weird = st.one_of(text_inputs, st.sampled_from(["", " ", "\x00", "0", "-1", "9" * 40, "2022-13-45T99:99", "\u202e"]))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fresh_client(app, role: str):
    with app.app_context():
        make_centre("atyrau")
        user = make_user(role)
        email = user.email
    client = app.test_client()
    login(client, email)
    return client


def _requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ServiceRequest.id)))


@FUZZ
@given(kind=weird, details=weird, location_kind=weird, location=weird, needed_by=weird, priority=weird)
def test_fuzz_help_request_form(app, kind, details, location_kind, location, needed_by, priority):
    limiter.reset()
    client = _fresh_client(app, "observer")
    before = _requests(app)
    data = {
        "kind": kind,
        "details": details,
        "location_kind": location_kind,
        "location": location,
        "needed_by": needed_by,
        "priority": priority,
    }
    response = post_form(client, "/requests/new", data)
    assert response.status_code in (200, 302, 400, 422)
    assert _requests(app) == before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(source=weird, target=weird, mode=weird, text=weird, starts_at=weird, ends_at=weird, place=weird)
def test_fuzz_language_help_form(app, source, target, mode, text, starts_at, ends_at, place):
    limiter.reset()
    client = _fresh_client(app, "media")
    before = _requests(app)
    data = {
        "source": source,
        "target": target,
        "mode": mode,
        "text": text,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "needed_by": local(5, app),
    }
    response = post_form(client, "/language-help/new", data)
    assert response.status_code in (200, 302, 400, 422)
    assert _requests(app) == before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(
    role=weird,
    name=weird,
    email=weird,
    password=weird,
    organisation=weird,
    accreditation=weird,
    nationality=weird,
    centre=weird,
    languages=st.lists(weird, max_size=3),
)
def test_fuzz_signup_form(
    app, role, name, email, password, organisation, accreditation, nationality, centre, languages
):
    limiter.reset()
    with app.app_context():
        centre_id = make_centre("atyrau").id
        users_before = db.session.scalar(select(func.count(User.id)))
    client = app.test_client()
    data = {
        "role": role,
        "display_name": name,
        "email": email,
        "password": password,
        "confirm": password,
        "organisation": organisation,
        "accreditation_number": accreditation,
        "nationality": nationality,
        "centre": centre if centre.strip() else str(centre_id),
        "languages": languages,
        "consent": "y",
    }
    response = post_form(client, "/signup", data)
    assert response.status_code in (200, 302, 400, 422)
    with app.app_context():
        users_after = db.session.scalar(select(func.count(User.id)))
    assert users_after == users_before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(email=weird, password=weird)
def test_fuzz_login_form(app, email, password):
    limiter.reset()
    response = post_form(app.test_client(), "/login", {"email": email, "password": password})
    assert response.status_code in (400, 422)  # refused: the form again (422) or a malformed request (400)


def test_nul_bytes_are_refused_with_400_on_every_backend(app, login_as):
    """Found by the fuzzer on PostgreSQL, which cannot store or compare NUL characters."""
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_from(html), "email": "\x00", "password": "0"})
    assert response.status_code == 400
    volunteer, _ = login_as("volunteer")
    assert volunteer.get("/visits/desk?q=a\x00b").status_code == 400
    assert volunteer.get("/requests/queue?kind=\x00").status_code == 400
    for path in ("/centres/a%00b", "/briefings/a%00/b", "/language-help/calendar/abcdefghijklmnopqrstuv%00.ics"):
        assert client.get(path).status_code == 400, path


def test_ten_thousand_characters_in_every_text_field_never_break_anything(app, login_as):
    """A pasted essay: refused with a message in the field, or kept whole — never a 500 or a cut."""
    long = ("Очень длинный текст — très long — sehr lang. " * 250)[:10_000]
    observer, _ = login_as("observer")
    coordinator, _ = login_as("coordinator")
    volunteer, _ = login_as("volunteer")
    with app.app_context():
        visitor_id = make_user("observer", name="Long Text").visitor_profile.id
    attempts = [
        (observer, "/account", {"display_name": long, "preferred_locale": ""}),
        (
            observer,
            "/requests/new",
            {
                "kind": "other",
                "details": long,
                "location_kind": "other",
                "location": long,
                "needed_by": local(5, app),
                "priority": "2",
            },
        ),
        (
            observer,
            "/language-help/new",
            {
                "source": "ru",
                "target": "de",
                "mode": "written",
                "text": long,
                "notes": long,
                "needed_by": local(5, app),
            },
        ),
        (
            coordinator,
            "/briefings/new",
            {
                "title": long,
                "slug": long,
                "topic": "overview",
                "original_locale": "en",
                "body": long,
                "figures-0-label": long,
                "figures-0-value": "1",
            },
        ),
        (
            coordinator,
            "/inventory/new",
            {"kind": "laptop", "asset_tag": long, "description": long, "condition": "good", "notes": long},
        ),
        (
            volunteer,
            "/visits/desk",
            {"visitor_id": str(visitor_id), "purposes": ["briefing"], "arrived_at": local(0, app), "notes": long},
        ),
        (
            volunteer,
            f"/visits/visitors/{visitor_id}",
            {"full_name": long, "kind": "observer", "organisation": long, "phone": long, "contact_email": long},
        ),
    ]
    for client, url, data in attempts:
        response = post_form(client, url, data)
        assert response.status_code in (200, 302, 422), (url, response.status_code)
        if response.status_code != 302:  # the form again, saying which field is too long
            assert 'class="field-error"' in response.get_data(as_text=True), url


def test_the_markup_check_allows_the_sites_own_script_and_nothing_else():
    from tests.helpers import dangerous_markup

    assert dangerous_markup('<script src="/static/js/offline.js" defer></script>') == []
    assert dangerous_markup('<script src="/static/js/offline.js" defer onload="x()"></script>') != []
    assert dangerous_markup('<script src="//evil.example/offline.js" defer></script>') == ["<script>"]
    assert dangerous_markup("<script>alert(1)</script>") == ["<script>"]
