"""The portal as deployed: gunicorn with two workers (real processes), rate limits in a
real Redis, the suite's database (SQLite file or the throwaway PostgreSQL). A burst of
concurrent claims and sign-ins: no 5xx, one winner per claim, one rate limit for all workers."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import RequestEvent, ServiceRequest
from tests.assistance_helpers import make_request
from tests.helpers import PASSWORD, free_port, make_centre, make_user, production_env

pytestmark = pytest.mark.commits  # gunicorn's workers read what the tests write
ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


@pytest.fixture
def gunicorn_url(db_url, redis_url) -> Iterator[str]:
    port = free_port()
    env = production_env(port, db_url, redis_url)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/readyz")
        yield url
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
        assert "Traceback" not in errors, errors[-3000:]


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/login", timeout=10).text
    response = session.post(
        base + "/login",
        data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.status_code
    return session


def test_burst_of_claims_and_sign_ins_across_two_workers(app, gunicorn_url):
    with app.app_context():
        make_centre("atyrau")
        volunteers = [make_user("volunteer").email for _ in range(12)]
        owner = make_user("observer")
        make_user("observer", "target@example.org")
        request_ids = [make_request(owner).id for _ in range(3)]
    sessions = [signed_in(gunicorn_url, email) for email in volunteers]
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(sessions))

    def claim_all(session: requests.Session) -> None:
        tokens = {
            rid: CSRF.search(session.get(f"{gunicorn_url}/requests/{rid}", timeout=10).text).group(1)
            for rid in request_ids
        }
        barrier.wait()
        for rid in request_ids:
            response = session.post(
                f"{gunicorn_url}/requests/{rid}/claim",
                data={"csrf_token": tokens[rid]},
                allow_redirects=False,
                timeout=20,
            )
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=claim_all, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == len(sessions) * len(request_ids)
    assert all(status < 500 for status in statuses), statuses
    with app.app_context():
        for rid in request_ids:
            claims = db.session.scalar(
                select(func.count(RequestEvent.id)).where(
                    RequestEvent.request_id == rid, RequestEvent.action == "claim"
                )
            )
            assert claims == 1, f"request {rid}: {claims} claims"
            assert db.session.get(ServiceRequest, rid).assignee_id is not None

    # failed sign-ins from one address: the limit (5 per minute) holds across both workers
    attempts = []
    for i in range(8):
        session = requests.Session()  # a new connection each time: gunicorn spreads them over workers
        page = session.get(gunicorn_url + "/login", timeout=10).text
        response = session.post(
            gunicorn_url + "/login",
            data={"csrf_token": CSRF.search(page).group(1), "email": "target@example.org", "password": f"wrong-{i}"},
            allow_redirects=False,
            timeout=10,
        )
        attempts.append(response.status_code)
    assert attempts[:5] == [422] * 5
    assert attempts[5:] == [429, 429, 429]
