"""Degraded, never broken: what people see while the database or Redis is away.

An app pointed at a database nobody serves (PostgreSQL: a port nobody listens on; SQLite:
a file in a folder that does not exist) answers every page with a translated 503 and
`Retry-After` — for visitors, for signed-in people (whose user cannot be loaded) and for
JSON clients — with the usual security headers, never an error escaping to the server.
The same app, rate-limited through a Redis nobody serves, still lets people sign in.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import User
from tests.helpers import free_port, login, make_user, sign_in_directly

PAGES = ["/", "/briefings/", "/login", "/requests/queue", "/visits/desk", "/nowhere", "/visits/visitors/999"]


@pytest.fixture
def unreachable_url(db_url, tmp_path) -> str:
    if db_url.startswith("postgresql"):
        return f"postgresql+psycopg://portal@127.0.0.1:{free_port()}/portal?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.sqlite3'}"


@pytest.fixture
def dead(make_app, unreachable_url):
    return make_app(url=unreachable_url)


def _assert_unavailable(response, language_words: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src" in response.headers["Content-Security-Policy"]  # the usual headers too
    assert language_words in response.get_data(as_text=True)


def _signed_in(app, dead, role: str, **kwargs):
    """A client of the dead app holding the session of a person signed in before the outage."""
    with app.app_context():
        user = make_user(role, **kwargs)
        user.session_token, user.active  # loaded now, while the database answers  # noqa: B018
        client = dead.test_client()
        sign_in_directly(client, user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_never_gets_a_server_error_and_a_page_needing_data_says_why(dead, path):
    """A page that needs no data (the welcome page, the sign-in form) still works; one
    that needs the database answers the translated 503."""
    for client, language, words in (
        (dead.test_client(), {"query_string": {"lang": "de"}}, "Das Portal ist kurz nicht erreichbar"),
        (dead.test_client(), {"headers": {"Accept-Language": "kk"}}, "Портал қысқа уақытқа қолжетімсіз"),
    ):
        response = client.get(path, **language)
        assert response.status_code in (200, 302, 404, 503), path
        if response.status_code == 503:
            _assert_unavailable(response, words)
    assert dead.test_client().get("/briefings/?lang=de").status_code == 503  # the briefings need the database


def test_a_signed_in_volunteer_gets_the_503_not_a_bare_server_error(app, dead):
    client = _signed_in(app, dead, "volunteer")
    for path in ("/requests/queue?lang=ru", "/visits/desk?lang=ru", "/account?lang=ru", "/?lang=ru", "/nowhere"):
        _assert_unavailable(client.get(path), "Портал временно недоступен")


def test_a_form_sent_while_the_database_is_away_says_it_was_not_saved(app, dead):
    client = _signed_in(app, dead, "observer")
    response = client.post("/requests/new?lang=fr", data={"kind": "equipment", "details": "Une imprimante"})
    assert response.status_code in (400, 503)  # the CSRF check may refuse first; never a 500
    if response.status_code == 503:
        assert "n’a pas été enregistré" in response.get_data(as_text=True)


def test_json_clients_get_problem_details(app, dead):
    client = _signed_in(app, dead, "volunteer")
    response = client.get("/requests/queue", headers={"Accept": "application/json", "Accept-Language": "ru"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "30"
    body = response.get_json()
    assert body["status"] == 503
    assert body["title"] == "Портал временно недоступен"
    assert "не была сохранена" in body["detail"]


def test_readiness_reports_each_part(dead):
    response = dead.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "unreachable"
    assert body["status"] == "unavailable"
    assert dead.test_client().get("/healthz").status_code == 200  # the process itself is alive


@pytest.fixture
def limiter_restored():
    """Flask-Limiter's extension object is one per process (as the app is in production):
    an app made here with another store re-points it, so it is put back afterwards."""
    from observer_portal.extensions import limiter

    saved = {name: value.copy() if isinstance(value, dict | list) else value for name, value in vars(limiter).items()}
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.mark.commits
@pytest.mark.usefixtures("limiter_restored")
def test_sign_in_works_while_redis_is_away_and_readiness_says_degraded(make_app, app):
    """Rate limits fall back to memory in each process (logged); the limit still holds."""
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    degraded = make_app(RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_ENABLED=True)
    with degraded.app_context():
        email = make_user("coordinator").email
    client = degraded.test_client()
    assert login(client, email).status_code == 302  # signed in, no 500
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "degraded"
    assert ready.get_json()["rate_limits"] == "memory"
    attacker = degraded.test_client()
    statuses = [login(attacker, email, "wrong password").status_code for _ in range(12)]
    assert 429 in statuses  # the limit still holds, counted in this process
    with degraded.app_context():
        assert db.session.scalar(select(User.email).where(User.email == email)) == email
