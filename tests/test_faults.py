"""The fault drill: the portal as deployed, with its own services, while they fail.

Started here, each a real process: a PostgreSQL server, a Redis server, an SMTP stand-in
(aiosmtpd) that can hang or refuse, gunicorn in the production profile with two workers,
and the job worker. An observer files requests for help all along, as a browser does:
an answer that does not come, or comes as an error, is sent again with the same form
(its one-time key). Then, one after another:

1. PostgreSQL stops: every page answers a translated 503 with Retry-After (visitors,
   signed-in people, JSON clients), never a bare error; it starts again and pages answer
   within a second.
2. A gunicorn worker is killed with SIGKILL in the middle of the load.
3. Redis stops: people can still sign in (limits count in memory); readiness says
   "degraded"; Redis returns and readiness says "ok".
4. The SMTP server hangs, then refuses: pages that send e-mail answer as fast as ever;
   once the server accepts again every e-mail arrives, once.

At the end: every filing the observer saw accepted is stored, exactly once, and nothing
else is; no response was a 500.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.helpers import PASSWORD, free_port, make_config, production_env, running_smtp

pytestmark = pytest.mark.engine_independent  # it runs its own PostgreSQL
ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    """A throwaway PostgreSQL server that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parts[-2]))[-1]
        # in /tmp itself: the server's own user must reach it (pytest's folders are the tester's only)
        self.data, self.port = Path(tempfile.mkdtemp(prefix="portal-faults-pg.")), free_port()
        if os.geteuid() == 0:
            subprocess.run(["chown", "postgres:postgres", str(self.data)], check=True)  # noqa: S607
        self._ctl(
            "initdb",
            "--no-sync",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        self._ctl("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/portal"

    def _ctl(self, tool: str, *args: str) -> None:
        subprocess.run(_as_postgres([str(self.bin / tool), *args]), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k /tmp -c fsync=off -c max_connections=50"
        self._ctl("pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        self._ctl("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
        )  # noqa: S603
        shutil.rmtree(self.data, ignore_errors=True)


class Redis:
    def __init__(self, folder: Path) -> None:
        self.port, self.folder, self.process = free_port(), folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--dir", str(self.folder)],  # noqa: S607
            stdout=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Mail:
    """An SMTP server that accepts, hangs (holds each message at RCPT) or refuses (451)."""

    def __init__(self) -> None:
        self.mode, self.messages = "accept", []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        import asyncio

        while self.mode == "hang":
            await asyncio.sleep(0.05)
        if self.mode == "refuse":
            return "451 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        self.messages.append(envelope)
        return "250 Message accepted"


def _wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def _first_success(condition, seconds: float) -> float | None:
    """Seconds from now to the start of the first attempt for which `condition` held: how
    long the portal went on failing, not how long a busy machine took to answer."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        attempt = time.monotonic()
        if condition():
            return attempt - started
        time.sleep(0.05)
    return None


def _wait_until(condition, seconds: float) -> float | None:
    """Seconds it took for `condition` to hold, or None if it did not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


@contextmanager
def _process(
    command: list[str],
    env: dict[str, str],
    stop: int = signal.SIGTERM,
    log: Path | None = None,
    errors: Path | None = None,
):
    with (
        log.open("w") if log else open(os.devnull, "w") as output,  # noqa: SIM115 - closed with the process
        errors.open("w") if errors else open(os.devnull, "w") as error_output,  # noqa: SIM115
    ):
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=error_output)  # noqa: S603
        try:
            yield process
        finally:
            process.send_signal(stop)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def _seed(url: str) -> dict[str, str]:
    from flask_migrate import upgrade

    from observer_portal import create_app
    from observer_portal.extensions import db
    from tests.helpers import make_user

    app = create_app(make_config(url))
    with app.app_context():
        upgrade()
        accounts = {role: make_user(role).email for role in ("observer", "volunteer", "coordinator")}
        db.session.commit()
        db.engine.dispose()
    return accounts


def _sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=10).text
    response = session.post(
        f"{base}/login",
        data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.status_code
    return session


class Filer(threading.Thread):
    """An observer filing requests for help, resending a form whose answer failed."""

    def __init__(self, base: str, email: str) -> None:
        super().__init__(daemon=True)
        self.base, self.session = base, _sign_in(base, email)
        self.accepted: list[str] = []
        self.statuses: list[int] = []
        self.halt = threading.Event()

    def _send(self, method: str, path: str, **kwargs):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                response = self.session.request(method, self.base + path, allow_redirects=False, timeout=10, **kwargs)
            except requests.ConnectionError:  # a killed worker: the connection was reset
                time.sleep(0.1)
                continue
            self.statuses.append(response.status_code)
            if response.status_code < 500:
                return response
            time.sleep(0.2)  # 503: the database is away; try again, as the page says
        raise AssertionError(f"{method} {path} never answered")

    def run(self) -> None:
        number = 0
        while not self.halt.is_set():
            page = self._send("GET", "/requests/new").text
            number += 1
            form = {
                "csrf_token": CSRF.search(page).group(1),
                "submission_key": KEY.search(page).group(1),
                "kind": "equipment",
                "details": f"Printer, filing {number}",
                "location_kind": "hotel",
                "location": "Hotel Renaissance",
                "needed_by": (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                "priority": "1",
            }
            response = self._send("POST", "/requests/new", data=form)
            assert response.status_code in (302, 303), response.status_code
            self.accepted.append(form["details"])
            time.sleep(0.05)


@pytest.fixture
def stack(tmp_path):
    postgres = Postgres()
    try:
        yield from _running(postgres, tmp_path)
    finally:
        postgres.remove()


def _running(postgres: Postgres, tmp_path: Path):
    redis_server = Redis(tmp_path)
    port = free_port()
    env = production_env(
        port,
        postgres.url,
        redis_server.url,
        JOB_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        JOB_RETRY_DELAY="1",
        JOB_CLAIM_TIMEOUT="5",
        MAIL_TIMEOUT="3",  # a page that waited for the mail server would take 3 s
    )
    mail = Mail()
    with running_smtp(mail):
        env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail.port))
        gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "app:app"]
        worker = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", "2"]
        # gunicorn loads the app while the schema is built (ready once it is: /readyz);
        # the drill over, gunicorn quits at once (SIGQUIT), the worker has nothing left to finish
        access_log = tmp_path / "access.log"  # gunicorn writes one JSON line per request to stdout
        error_log = tmp_path / "error.log"  # and its error log (with the portal's own log lines) to stderr
        with _process(gunicorn, env, signal.SIGQUIT, access_log, error_log) as server:
            accounts = _seed(postgres.url)
            with _process(worker, env, signal.SIGKILL):
                base = f"http://127.0.0.1:{port}"
                assert _wait_until(lambda: _status(base + "/readyz") == 200, 30) is not None
                yield {
                    "base": base,
                    "server": server,
                    "postgres": postgres,
                    "redis": redis_server,
                    "mail": mail,
                    "accounts": accounts,
                    "access_log": access_log,
                    "error_log": error_log,
                }
    redis_server.stop()


def _status(url: str, **kwargs) -> int | None:
    try:
        return requests.get(url, timeout=5, **kwargs).status_code
    except requests.RequestException:
        return None


def _stored_filings(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        return [row[0] for row in connection.execute("SELECT details FROM service_requests ORDER BY id")]


def test_the_portal_stays_honest_and_loses_nothing_while_its_services_fail(stack):
    base, accounts = stack["base"], stack["accounts"]
    filer = Filer(base, accounts["observer"])
    volunteer = _sign_in(base, accounts["volunteer"])
    filer.start()
    time.sleep(0.5)

    # 1. the database goes away
    stack["postgres"].stop()
    visitor = requests.get(f"{base}/briefings/?lang=de", timeout=10)
    assert visitor.status_code == 503
    assert visitor.headers["Retry-After"] == "30"
    assert "Das Portal ist kurz nicht erreichbar" in visitor.text
    assert "default-src" in visitor.headers["Content-Security-Policy"]
    staff = volunteer.get(f"{base}/requests/queue?lang=ru", timeout=10)
    assert staff.status_code == 503
    assert "Портал временно недоступен" in staff.text
    api = volunteer.get(f"{base}/requests/queue", headers={"Accept": "application/json"}, timeout=10)
    assert (api.status_code, api.headers["Content-Type"]) == (503, "application/problem+json")
    assert _status(f"{base}/readyz") == 503
    assert _status(f"{base}/healthz") == 200
    time.sleep(0.5)
    stack["postgres"].start()
    recovered = _first_success(lambda: _status(f"{base}/briefings/") == 200, 10)
    assert recovered is not None
    assert recovered < 1.0, f"pages answered {recovered:.2f} s after the database was back"

    # 2. a gunicorn worker is killed in the middle of the load
    workers = subprocess.run(  # noqa: S603
        ["pgrep", "-P", str(stack["server"].pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    os.kill(int(workers[0]), signal.SIGKILL)
    time.sleep(0.5)
    assert _status(f"{base}/briefings/") == 200

    # 3. Redis goes away: signing in still works, readiness says degraded
    stack["redis"].stop()
    _sign_in(base, accounts["coordinator"])
    ready = requests.get(f"{base}/readyz", timeout=10).json()
    assert (ready["status"], ready["rate_limits"]) == ("degraded", "memory")
    stack["redis"].start()
    back = _first_success(lambda: requests.get(f"{base}/readyz", timeout=10).json()["status"] == "ok", 5)
    assert back is not None
    assert back < 1.0

    # 4. the mail server hangs, then refuses; pages do not wait for it and no e-mail is lost
    filer.halt.set()
    filer.join(60)
    mail = stack["mail"]
    mail.mode = "hang"
    queue = volunteer.get(f"{base}/requests/queue", timeout=10).text
    claims = []
    for request_id in re.findall(r"/requests/(\d+)/claim", queue)[:3]:
        token = CSRF.search(volunteer.get(f"{base}/requests/{request_id}", timeout=10).text).group(1)
        started = time.monotonic()
        response = volunteer.post(
            f"{base}/requests/{request_id}/claim", data={"csrf_token": token}, allow_redirects=False, timeout=10
        )
        claims.append((response.status_code, time.monotonic() - started))
    assert len(claims) == 3
    assert all(status == 302 for status, _ in claims), claims
    assert max(seconds for _, seconds in claims) < 2.0, claims  # the page never waits for the mail server
    time.sleep(1.2)  # the worker's first tries hang at the server
    mail.mode = "refuse"
    time.sleep(1.2)
    mail.mode = "accept"
    delivered = _wait_until(lambda: len(mail.messages) >= 3, 40)
    assert delivered is not None, f"{len(mail.messages)} of 3 e-mails arrived"
    time.sleep(1.5)  # a copy sent twice would arrive now
    assert len(mail.messages) == 3  # one e-mail per claim (the observer is told), none twice

    # the access log kept the real path of every answer given during the outage
    lines = [json.loads(line) for line in stack["access_log"].read_text().splitlines() if line.startswith("{")]
    unavailable = [line for line in lines if line["status"] == "503"]
    assert unavailable
    assert all(line["path"].startswith("/") for line in unavailable), unavailable[:3]

    # every filing the observer saw accepted is stored once, and nothing else
    errors = stack["error_log"].read_text()
    assert 500 not in filer.statuses, errors[-4000:]
    assert 503 in filer.statuses  # the load really ran through the outage
    stored = _stored_filings(stack["postgres"].url)
    assert sorted(stored) == sorted(filer.accepted)
    assert len(stored) == len(set(stored))
