"""The job queue (observer_portal/jobs.py) with a real worker process: an e-mail job whose
worker is killed mid-send is done once, by the next worker; a refused message is retried.

The worker is `flask jobs worker` in a subprocess on a SQLite queue file, against the
suite's database (SQLite or PostgreSQL) and a local SMTP server (aiosmtpd) that holds the
first message at RCPT until the test has killed the worker holding it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import Notification
from observer_portal.services.notifications import REQUEST_STATUS, notify
from tests.helpers import TEST_SECRET, free_port, make_user, running_smtp

ROOT = Path(__file__).resolve().parent.parent


class _HoldFirst:
    """Holds the first message at RCPT until released; keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list = []
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 try again later"  # the connection of the killed worker is gone anyway
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def holding_smtp():
    with running_smtp(_HoldFirst()) as handler:
        try:
            yield handler
        finally:
            handler.release.set()


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_send_loses_nothing_and_sends_once(make_app, db_url, tmp_path, holding_smtp):
    queue = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    settings = {
        "JOB_QUEUE_URL": queue,
        "JOB_CLAIM_TIMEOUT": 1,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": holding_smtp.port,
    }
    app = make_app(**settings)
    env = {
        **os.environ,
        "PORTAL_ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": db_url,
        "PORTAL_BASE_URL": "https://portal.test",
        "JOB_QUEUE_URL": queue,
        "JOB_CLAIM_TIMEOUT": "1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(holding_smtp.port),
    }
    with app.app_context():
        observer = make_user("observer")
        notification = notify(db.session, observer.id, REQUEST_STATUS, params={"id": 1, "status": "done"})
        db.session.commit()
        notification_id = notification.id
        app.extensions["jobs"].email([notification])  # queued in the SQLite file, nothing sent yet
    first = _worker(env)
    try:
        assert holding_smtp.holding.wait(30), "the worker never reached the SMTP server"
        first.send_signal(signal.SIGKILL)  # killed while the message is held at RCPT
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    holding_smtp.release.set()
    with app.app_context():
        row = db.session.get(Notification, notification_id)
        assert (row.emailed_at, row.email_attempts) == (None, 1)  # claimed, never sent
    time.sleep(1.2)  # the claim of the dead worker is now stale (JOB_CLAIM_TIMEOUT)
    second = _worker(env)
    try:
        assert _wait(lambda: len(holding_smtp.messages) >= 1, 30), "the next worker did not send it"
        time.sleep(1.5)  # a second copy would arrive now
    finally:
        second.kill()  # what it did is checked below; nothing is left for it to finish
        second.wait(15)
    assert len(holding_smtp.messages) == 1
    with app.app_context():
        row = db.session.scalar(select(Notification).where(Notification.id == notification_id))
        assert row.emailed_at is not None
        assert row.email_attempts == 2


def test_a_refused_message_is_retried_and_a_sent_one_never_again(make_app, smtp_server):
    """Immediate mode runs the job in-process through Huey: a dead server leaves the copy
    unsent (tried once, claim released) for the retry; a sent copy is not sent twice."""
    from datetime import timedelta

    from observer_portal.services.notifications import MailNotSent, email_copy

    dead_port = free_port()
    dead = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=dead_port, MAIL_TIMEOUT=1)
    with dead.app_context():
        observer = make_user("observer")
        notification = notify(db.session, observer.id, REQUEST_STATUS, params={"id": 1, "status": "done"})
        db.session.commit()
        with pytest.raises(MailNotSent):
            email_copy(db.session, notification.id, timedelta(minutes=5))
        row = db.session.get(Notification, notification.id)
        assert (row.emailed_at, row.email_attempts, row.email_claimed_at) == (None, 1, None)
        notification_id = notification.id
    live = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    with live.app_context():
        assert email_copy(db.session, notification_id, timedelta(minutes=5)) is True
        assert email_copy(db.session, notification_id, timedelta(minutes=5)) is False
    assert len(smtp_server.messages) == 1
