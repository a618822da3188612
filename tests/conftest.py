"""Shared fixtures: a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL),
the schema built by the Alembic migrations, a real test client with CSRF switched on,
and helpers to make users and sign in through the real login form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from pytest_httpserver import HTTPServer
from sqlalchemy import text

from observer_portal import create_app
from observer_portal.extensions import db, limiter
from observer_portal.models import User
from observer_portal.models.base import Base
from tests.helpers import PASSWORD, database_url, login, make_config, make_user, running_smtp


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    return database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(db_url) -> Iterator[Flask]:
    app = create_app(make_config(db_url))
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()  # the schema the tests use is the one the migrations build
    yield app
    with app.app_context():
        db.engine.dispose()


def wipe(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - names come from our metadata


# fixtures through which a test reaches the shared database (directly or via the app)
DATABASE_FIXTURES = {"app", "app_ctx", "client", "make_client", "login_as", "live_server", "make_app"}


@pytest.fixture(autouse=True)
def _clean_state(request) -> Iterator[None]:
    """Every test that uses the database starts with empty tables and fresh rate-limit
    counters; a pure test (the workflow rules, routing, parsing) costs no wipe at all."""
    if not DATABASE_FIXTURES & set(request.fixturenames):
        yield
        return
    app = request.getfixturevalue("app")
    wipe(app)
    limiter.reset()
    yield
    with app.app_context():
        db.session.remove()


@pytest.fixture
def make_app(db_url):
    """Another app on the same database with different settings; its engine is closed afterwards."""
    apps: list[Flask] = []

    def factory(**overrides) -> Flask:
        url = overrides.pop("url", db_url)
        created = create_app(make_config(url, **overrides))
        apps.append(created)
        return created

    yield factory
    for created in apps:
        with created.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app_ctx(app) -> Iterator[Flask]:
    with app.app_context():
        yield app


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_client(app):
    return app.test_client


@pytest.fixture
def login_as(app):
    """`client, user = login_as("coordinator")` — a fresh client signed in through the form."""

    def _login_as(role: str, **user_kwargs):
        client = app.test_client()
        if role == "anonymous":
            return client, None
        with app.app_context():
            user = make_user(role, **user_kwargs)
            email, user_id = user.email, user.id
        response = login(client, email, user_kwargs.get("password", PASSWORD))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.expunge(user)
        return client, user

    return _login_as


# Modules whose tests do not depend on the database engine (routes × roles, the workflow
# rules, document parsing, messages and forms): PostgreSQL does not run them again
# (scripts/run-tests.sh: -m "not engine_independent"); SQLite runs everything.
ENGINE_INDEPENDENT = {
    "test_access_matrix.py",  # which role reaches which route: permissions.py, no SQL of its own
    "test_workflow.py", "test_routing.py",  # pure functions
    "test_uploads.py",  # .docx and .txt parsing
    "test_form_text.py", "test_messages_markup.py", "test_i18n.py", "test_config.py", "test_http.py",
    "test_machine_translation.py", "test_absolute_links.py",
}  # fmt: skip


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in ENGINE_INDEPENDENT:
            item.add_marker(pytest.mark.engine_independent)


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """The LibreTranslate stand-in: threaded, so a deliberately slow answer never delays the next test."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""
    with running_smtp(_Collector()) as handler:
        yield handler
