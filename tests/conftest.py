"""Shared fixtures: a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL),
the schema built by the Alembic migrations, a real test client with CSRF switched on,
and helpers to make users and sign in through the real login form."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from pytest_httpserver import HTTPServer
from sqlalchemy import text

from observer_portal import create_app
from observer_portal.extensions import db, limiter
from observer_portal.models.base import Base
from tests.helpers import database_url, free_port, make_config, make_user, running_smtp, sign_in_directly


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
        # the page version is kept: triggers bump it, nothing removes it (a cache keyed on it
        # must not meet an old version number again)
        tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "page_versions"]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - names come from our metadata


# fixtures through which a test reaches the shared database (directly or via the app)
DATABASE_FIXTURES = {"app", "app_ctx", "client", "make_client", "login_as", "live_server", "make_app"}
# fixtures whose work reaches the database through another connection (a server thread, a
# second app's engine): what the test writes must really be committed for them to see it
COMMITTING_FIXTURES = {"live_server", "make_app"}


class JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the app's engine before looking at `bind`; a test's
    sessions must use the test's connection instead."""

    def get_bind(self, *args, **kwargs):
        return self.bind if self.bind is not None else super().get_bind(*args, **kwargs)


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Everything the test and the app write happens inside one transaction that is rolled
    back afterwards (SQLAlchemy's "joining a session into an external transaction"): every
    `commit()` of the app releases a savepoint, every `rollback()` returns to one. pysqlite
    would start the transaction only at the first write and let a SAVEPOINT commit on its
    own, so on SQLite the connection is put in autocommit mode and BEGIN is sent by hand."""
    with app.app_context():
        db.session.remove()
        connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    factory = db.session.session_factory
    saved = factory.class_, dict(factory.kw)
    factory.class_ = JoinedSession
    factory.kw.update(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        factory.class_, factory.kw = saved
        outer.rollback()
        if sqlite:
            connection.connection.driver_connection.isolation_level = ""
        connection.close()


def commits_for_real(request) -> bool:
    return (
        bool(COMMITTING_FIXTURES & set(request.fixturenames)) or request.node.get_closest_marker("commits") is not None
    )


@pytest.fixture(autouse=True)
def _clean_state(request) -> Iterator[None]:
    """Every test that uses the database starts with empty tables and fresh rate-limit
    counters. Most run inside a transaction that is rolled back (fast, nothing to clean);
    a test whose writes another connection must see (a server thread, a second app, a
    worker process: `COMMITTING_FIXTURES`, `@pytest.mark.commits`) commits for real and
    empties the tables afterwards. A pure test (the workflow rules, routing, parsing)
    costs neither."""
    if not DATABASE_FIXTURES & set(request.fixturenames):
        yield
        return
    app = request.getfixturevalue("app")
    limiter.reset()
    if commits_for_real(request):
        try:
            yield
        finally:
            with app.app_context():
                db.session.remove()
            wipe(app)
        return
    before = _people_and_centres(app)
    with rolled_back(app):
        yield
    assert _people_and_centres(app) == before, "this test committed outside its transaction: mark it commits"


def _people_and_centres(app: Flask) -> int:
    """A test that committed through another connection without saying so would leave rows
    behind for the next test: this count names it instead of letting a later test fail."""
    with app.app_context():
        count = db.session.scalar(text("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM centres)"))
        db.session.remove()
    return count


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """A throwaway Redis server (rate limits and the page cache shared by several workers)."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: scripts/install-system-deps.sh installs it"
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


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
    """`client, user = login_as("coordinator")` — a fresh client with a signed-in session
    (built as the sign-in form builds it, without posting the form: `sign_in_directly`)."""

    def _login_as(role: str, **user_kwargs):
        client = app.test_client()
        if role == "anonymous":
            return client, None
        with app.app_context():
            user = make_user(role, **user_kwargs)
            sign_in_directly(client, user)
            db.session.expunge(user)
        return client, user

    return _login_as


# Modules whose tests do not depend on the database engine (routes × roles, the workflow
# rules, document parsing, messages and forms): PostgreSQL does not run them again
# (scripts/run-tests.sh: -m "not engine_independent"); SQLite runs everything.
ENGINE_INDEPENDENT = {
    "test_access_matrix.py",  # which role reaches which route: permissions.py, no SQL of its own
    "test_workflow.py",
    "test_routing.py",  # pure functions
    "test_uploads.py",  # .docx and .txt parsing
    "test_form_text.py",
    "test_messages_markup.py",
    "test_i18n.py",
    "test_config.py",
    "test_http.py",
    "test_machine_translation.py",
    "test_absolute_links.py",
    "test_page_ids.py",  # the markup of every page: templates, not SQL
    "test_catalog_terms.py",  # the catalogs' words
    "test_glossary.py",  # the glossary file and the catalogs
    "test_catalog_lint.py",  # pofilter over the catalogs
    "test_statement_counts.py",  # how many statements a page costs: the app's queries, the same on both
}


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


class StandIn:
    """The shared HTTP stand-in seen by one test: its paths are under a prefix of the test's
    own, so an answer a slow handler of an earlier test sends late (the server is threaded)
    is never counted here. Speaks the part of pytest-httpserver's API the tests use."""

    def __init__(self, server: HTTPServer) -> None:
        self.server, self.prefix = server, "/" + secrets.token_hex(4)

    def url_for(self, path: str) -> str:
        return self.server.url_for(self.prefix + path)

    def expect_request(self, path: str, **kwargs):
        return self.server.expect_request(self.prefix + path, **kwargs)

    def expect_oneshot_request(self, path: str, **kwargs):
        return self.server.expect_oneshot_request(self.prefix + path, **kwargs)

    @property
    def log(self) -> list:
        return [(request, response) for request, response in self.server.log if request.path.startswith(self.prefix)]

    def clear(self) -> None:
        """Forget the answers expected so far (the log of this test stays)."""
        self.server.clear_all_handlers()


@pytest.fixture
def stand_in(httpserver) -> StandIn:
    return StandIn(httpserver)


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
