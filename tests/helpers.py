"""Helpers shared by the tests: users, centres, CSRF-aware form posts."""

from __future__ import annotations

import contextlib
import os
import re
import socket
from collections.abc import Iterator

from flask.testing import FlaskClient
from sqlalchemy import event

from observer_portal.extensions import db
from observer_portal.models import Centre, Proficiency, Role, User, VisitorKind, VisitorProfile, VolunteerLanguage
from observer_portal.security import hash_password

PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-0123456789"
ROLES = ("anonymous", "observer", "media", "volunteer", "coordinator", "admin")


def database_url(tmp_path_factory) -> str:
    """SQLite in the worker's temporary folder, or a PostgreSQL database of its own per
    pytest-xdist worker (the server's TEST_DATABASE_URL database with the worker's name)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.sqlite3")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def make_config(url: str, **overrides) -> dict:
    config = {
        "PORTAL_ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": url,
        "SQLALCHEMY_DATABASE_URI": url,
        # argon2id with small costs keeps the suite fast; production costs are tested separately.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "SERVER_NAME": None,
        "PORTAL_BASE_URL": "https://portal.test",
        # The page cache reads the committed page version; most tests never commit (their
        # transaction is rolled back), so it would not see their changes. tests/test_page_cache.py
        # runs it on apps that commit for real.
        "PAGE_CACHE": "off",
        "CONTENT_CACHE": False,  # the same: it keeps what it read per committed page version
    }
    config.update(overrides)
    return config


CSRF_RE = re.compile(r'<input[^>]*name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, *, page: str | None = None, **kwargs):
    """POST like a browser: fetch the form page first and send its CSRF token along."""
    html = client.get(page or url).get_data(as_text=True)
    payload = {"csrf_token": csrf_from(html), **data}
    if kwargs.get("content_type") != "multipart/form-data":
        return client.post(url, data=payload, **kwargs)
    return post_multipart(client, url, payload)


def post_multipart(client: FlaskClient, url: str, payload: dict):
    """POST files; the test client spools big bodies to temporary files, closed here."""
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(path=url, method="POST", data=payload)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def make_centre(slug: str = "atyrau", **kwargs) -> Centre:
    centre = db.session.query(Centre).filter_by(slug=slug).one_or_none()
    if centre:
        return centre
    name, region = kwargs.pop("name", f"Centre {slug.title()}"), kwargs.pop("region", slug.title())
    defaults = {"names": {"en": name}, "regions": {"en": region}, "timezone": "Asia/Atyrau"}
    defaults.update(kwargs)
    centre = Centre(slug=slug, **defaults)
    db.session.add(centre)
    db.session.commit()
    return centre


def make_user(
    role: Role | str,
    email: str | None = None,
    *,
    password: str = PASSWORD,
    centre: str | None = "atyrau",
    languages: dict[str, Proficiency] | None = None,
    on_duty: bool = False,
    active: bool = True,
    name: str | None = None,
    preferred_locale: str | None = None,
) -> User:
    role = Role(role)
    centre_obj = make_centre(centre) if centre else None
    count = db.session.query(User).count()
    user = User(
        email=email or f"{role.value}{count + 1}@example.org",
        display_name=name or f"{role.value.title()} {count + 1}",
        role=role,
        password_hash=hash_password(password),
        centre=centre_obj,
        on_duty=on_duty,
        active=active,
        preferred_locale=preferred_locale,
    )
    for code, level in (languages or {}).items():
        user.languages.append(VolunteerLanguage(language=code, proficiency=level))
    if role.is_visitor:
        db.session.add(VisitorProfile(user=user, kind=VisitorKind(role.value), full_name=user.display_name))
    db.session.add(user)
    db.session.commit()
    return user


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


def sign_in_directly(client: FlaskClient, user: User) -> None:
    """The session the sign-in form gives (`start_session`), without the form: for tests
    about what a signed-in person may do, not about signing in (tests/test_auth.py covers
    the form). The session is built for the client's own address and browser, as Flask-
    Login's strong session protection expects; every request still loads the user from it."""
    from flask import session

    from observer_portal.auth.sessions import start_session

    with client.application.test_request_context(environ_base=client.environ_base):
        start_session(user)
        values = dict(session)
    with client.session_transaction() as stored:
        stored.clear()
        stored.update(values)


#: the only script tag the portal writes (base.html), exactly as the HTML parser reads it
SITE_SCRIPT = [("src", "/static/js/offline.js"), ("defer", None)]


def dangerous_markup(html: str) -> list[str]:
    """Real tags or attributes in `html` that could run script (escaped text is harmless)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "script" and attrs == SITE_SCRIPT:
                return  # the site's own, from base.html: the one script it has (offline copies)
            if tag in {"script", "iframe", "object", "embed", "base"}:
                found.append(f"<{tag}>")
            if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):  # e.g. a refresh to elsewhere
                found.append("<meta http-equiv>")
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(f"{tag} {name}=")
                if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                    ("javascript:", "data:text/html", "vbscript:")
                ):
                    found.append(f"{tag} {name}={value}")

    Finder().feed(html)
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_smtp(handler) -> Iterator:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 with this handler; `handler.port` is set."""
    from aiosmtpd.controller import Controller

    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def production_env(port: int, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-profile gunicorn on 127.0.0.1:`port` under test:
    real Redis limits, plain HTTP (no secure cookies), cheap password hashing."""
    import os
    import secrets

    env = dict(os.environ)
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        SESSION_COOKIE_SECURE="0",
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=database_url,
        RATELIMIT_STORAGE_URI=redis_url,
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST="1024",
        ARGON2_PARALLELISM="1",
        BIND=f"127.0.0.1:{port}",
        WORKERS="2",
        **extra,
    )
    return env


class QueryCounter:
    """The SQL statements an engine runs inside the `with` block (the test's own savepoints aside)."""

    def __init__(self, engine):
        self.engine, self.count, self.statements = engine, 0, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *args, **kwargs):
        # the savepoints of the test's rolled-back transaction (tests/conftest.py) are not the page's
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            self.count += 1
            self.statements.append(" ".join(statement.split())[:160])
