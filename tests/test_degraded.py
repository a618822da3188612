"""Degraded, never broken: what people see while the database or Redis is away.

An app pointed at a database nobody serves (PostgreSQL: a port nobody listens on; SQLite:
a file in a folder that does not exist) answers every page with a translated 503 and
`Retry-After` — for visitors, for signed-in people (whose user cannot be loaded) and for
JSON clients — with the usual security headers, never an error escaping to the server.
The same app, rate-limited through a Redis nobody serves, still lets people sign in.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import User
from tests.helpers import csrf_from, free_port, login, make_user, sign_in_directly

PAGES = ["/", "/briefings/", "/login", "/requests/queue", "/visits/desk", "/nowhere", "/visits/visitors/999"]


@pytest.fixture(scope="module")
def dead(db_url, tmp_path_factory):
    """The portal pointed at a database nobody serves (one app for the module: it holds no
    state worth resetting, and making an app costs time)."""
    from observer_portal import create_app
    from tests.helpers import make_config

    if db_url.startswith("postgresql"):
        url = f"postgresql+psycopg://portal@127.0.0.1:{free_port()}/portal?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('dead') / 'no-such-folder' / 'portal.sqlite3'}"
    app = create_app(make_config(url))
    yield app
    with app.app_context():
        db.engine.dispose()


def _assert_unavailable(response, language_words: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src" in response.headers["Content-Security-Policy"]  # the usual headers too
    assert language_words in response.get_data(as_text=True)


def _signed_in(dead, role: str, preferred_locale: str | None = None):
    """A client of the dead app holding the session of a person who signed in before the
    outage (the session holds their token; the account itself cannot be read now)."""
    import secrets

    from observer_portal.models import Role, User

    person = User(role=Role(role), active=True, session_token=secrets.token_hex(32), preferred_locale=preferred_locale)
    client = dead.test_client()
    sign_in_directly(client, person)
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


def test_a_signed_in_volunteer_gets_the_503_not_a_bare_server_error(dead):
    """In their own language (remembered in the session at sign-in: the account cannot be
    read), for every page that needs data; what needs none still works for them."""
    client = _signed_in(dead, "volunteer", preferred_locale="ru")
    for path in ("/requests/queue", "/visits/desk", "/account", "/"):
        _assert_unavailable(client.get(path), "Портал временно недоступен")
    stylesheet = client.get("/static/css/portal.css")
    assert stylesheet.status_code == 200
    stylesheet.close()
    assert client.get("/healthz").status_code == 200
    assert client.get("/nowhere").status_code == 404


def test_a_form_sent_while_the_database_is_away_says_it_was_not_saved(dead):
    """A form filled in before the outage (its CSRF token valid) and sent during it."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    client = _signed_in(dead, "observer")
    with dead.test_request_context():
        token, raw = generate_csrf(), session["csrf_token"]
    with client.session_transaction() as stored:
        stored["csrf_token"] = raw
    form = {"csrf_token": token, "kind": "equipment", "details": "Une imprimante"}
    _assert_unavailable(client.post("/requests/new?lang=fr", data=form), "n’a pas été enregistré")


@pytest.mark.parametrize("accept", ["application/json", "application/problem+json"])
def test_json_clients_get_problem_details(dead, accept):
    client = _signed_in(dead, "volunteer")
    response = client.get("/requests/queue", headers={"Accept": accept, "Accept-Language": "ru"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "30"
    body = response.get_json()
    assert body["status"] == 503
    assert body["title"] == "Портал временно недоступен"
    assert "не была сохранена" in body["detail"]


def test_a_rate_limited_form_still_says_when_to_come_back(dead):
    """The sign-in form needs no data to be shown, but signing in does; the form is
    rate-limited, and the limiter's own Retry-After must not replace the outage's."""
    client = dead.test_client()
    form = client.get("/login?lang=de")
    assert form.status_code == 200
    data = {"csrf_token": csrf_from(form.get_data(as_text=True)), "email": "x@example.org", "password": "whatever"}
    response = client.post("/login", data=data)
    _assert_unavailable(response, "Das Portal ist kurz nicht erreichbar")


def test_readiness_reports_each_part(dead):
    response = dead.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "unreachable"
    assert body["status"] == "unavailable"
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
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


@pytest.mark.parametrize(
    ("cause", "away"),
    [
        (sqlite3.OperationalError("unable to open database file"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: visits"), False),  # a bug: a 500 with its traceback logged
        (sqlite3.OperationalError('near "SELCT": syntax error'), False),
        (psycopg.OperationalError("connection refused"), True),
    ],
)
def test_only_a_database_that_is_away_is_called_away(cause, away):
    from sqlalchemy.exc import OperationalError

    from observer_portal.errors import database_unreachable

    assert database_unreachable(OperationalError("SELECT 1", {}, cause)) is away


@pytest.mark.commits  # it invalidates a connection: not the one the rolled-back tests share
def test_a_database_that_goes_away_in_the_middle_of_a_page_never_gives_a_500(app, login_as, monkeypatch):
    """The person was loaded, then the database went away while the page was drawn (the
    header's election is the last thing read): the page is drawn without it, and nothing
    of the dead transaction is committed — no 500 after the page was made."""
    from sqlalchemy.exc import OperationalError

    from observer_portal.services import elections

    client, _ = login_as("volunteer")

    def away(session):  # as psycopg's disconnect does: the connection is invalidated, then the error
        session.connection().invalidate()
        raise OperationalError("SELECT", {}, psycopg.OperationalError("terminating connection"))

    monkeypatch.setattr(elections, "active_election", away)
    for path in ("/requests/queue", "/account", "/"):
        assert client.get(path).status_code == 200, path
