"""A bounded, loopback-only load test with a realistic mix, against gunicorn.

Observers read briefings and file requests; volunteers poll the queue, claim, and register
visits at the front desk; coordinators page the visit log and the audit log. Afterwards the
database is checked: every request and visit the load test saw accepted exists exactly
once, and every accepted claim is exactly one claim event.

    .venv/bin/python bench/load_test.py [--seconds 20] [--users 12] [--workers 2] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "load-test passphrase"  # noqa: S105 - throwaway accounts in a throwaway database


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.created = 0
        self.claims = 0
        self.visits = 0

    def timed(self, name: str, call):
        started = time.perf_counter()
        try:
            response = call()
        except requests.RequestException:
            with self.lock:
                self.errors[name] += 1
            return None
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[name].append(elapsed)
            if response.status_code >= 500:
                self.errors[name] += 1
        return response


def sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/login", timeout=10).text
    session.post(
        base + "/login",
        data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD},
        timeout=10,
    )
    return session


def observer_loop(base, email, stop, rec: Recorder):
    session = sign_in(base, email)
    while not stop.is_set():
        rec.timed("GET briefing", lambda: session.get(base + "/briefings/atyrau/atyrau-overview?lang=de", timeout=10))
        rec.timed("GET briefings", lambda: session.get(base + "/briefings/?lang=fr", timeout=10))
        if random.random() < 0.3:  # noqa: S311 - load mix, not security
            page = session.get(base + "/requests/new", timeout=10).text
            due = (datetime.now() + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M")
            data = {
                "csrf_token": CSRF.search(page).group(1),
                "kind": "equipment",
                "details": "Load test printer",
                "location_kind": "centre",
                "location": "",
                "needed_by": due,
                "priority": "2",
            }
            response = rec.timed(
                "POST request",
                lambda d=data: session.post(base + "/requests/new", data=d, allow_redirects=False, timeout=10),
            )
            if response is not None and response.status_code == 302:
                with rec.lock:
                    rec.created += 1


def volunteer_loop(base, email, stop, rec: Recorder):
    session = sign_in(base, email)
    while not stop.is_set():
        response = rec.timed("GET queue", lambda: session.get(base + "/requests/queue?unassigned=y", timeout=10))
        if response is None:
            continue
        ids = re.findall(r'action="/requests/(\d+)/claim"', response.text)
        token = CSRF.search(response.text)
        if ids and token:
            target, csrf = random.choice(ids), token.group(1)  # noqa: S311
            claim = rec.timed(
                "POST claim",
                lambda t=target, c=csrf: session.post(
                    f"{base}/requests/{t}/claim",
                    data={"csrf_token": c, "next": "queue"},
                    allow_redirects=False,
                    timeout=10,
                ),
            )
            if claim is not None and claim.status_code == 302:
                follow = session.get(base + "/requests/queue", timeout=10).text
                if 'class="flash flash-success">Done.</p>' in follow:  # the one success message
                    with rec.lock:
                        rec.claims += 1
        if random.random() < 0.3:  # noqa: S311 - a walk-in at the front desk
            desk = session.get(base + "/visits/desk?q=osce", timeout=10).text
            chosen = re.search(r'name="visitor_id"[^>]*value="(\d+)"', desk)
            token = CSRF.search(desk)
            if chosen and token:
                now = (datetime.now(ZoneInfo("Asia/Atyrau")) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
                data = {
                    "csrf_token": token.group(1),
                    "visitor_id": chosen.group(1),
                    "purposes": ["briefing"],
                    "arrived_at": now,
                    "notes": "Load test visit",
                }
                visit = rec.timed(
                    "POST visit",
                    lambda d=data: session.post(
                        base + "/visits/desk?q=osce", data=d, allow_redirects=False, timeout=10
                    ),
                )
                if visit is not None and visit.status_code == 302:
                    with rec.lock:
                        rec.visits += 1
        time.sleep(0.2)


def coordinator_loop(base, email, stop, rec: Recorder):
    session = sign_in(base, email)
    while not stop.is_set():
        log = rec.timed("GET visit log", lambda: session.get(base + "/visits/", timeout=10))
        older = re.search(r'href="([^"]+)" rel="next"', log.text) if log is not None else None
        if older:
            second = base + older.group(1).replace("&amp;", "&")
            rec.timed("GET log page 2", lambda u=second: session.get(u, timeout=10))
        rec.timed("GET audit", lambda: session.get(base + "/staff/audit", timeout=10))
        time.sleep(0.5)


def seed(env) -> dict[str, list[str]]:
    os.environ.update(env)
    from observer_portal import create_app
    from observer_portal.demo import load_demo
    from observer_portal.extensions import db

    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_demo(db.session, PASSWORD)
        db.session.commit()
        db.engine.dispose()
    return {
        "observers": [
            "h.mueller@osce.example.org",
            "c.dubois@osce.example.org",
            "a.petrov@cis.example.org",
            "j.smith@dw.example.org",
        ],
        "volunteers": [
            "aruzhan@atyrau.example.org",
            "timur@atyrau.example.org",
            "dana@atyrau.example.org",
            "madina@atyrau.example.org",
        ],
        "coordinators": ["coordinator@atyrau.example.org"],
    }


def counts(env) -> tuple[int, int, int]:
    """Load-test requests and visits in the database, and claim events of any request."""
    from sqlalchemy import create_engine, text

    from observer_portal.config import normalise_database_url

    engine = create_engine(normalise_database_url(env["DATABASE_URL"]))
    with engine.connect() as conn:
        created = conn.execute(
            text("SELECT count(*) FROM service_requests WHERE details = 'Load test printer'")
        ).scalar()
        claims = conn.execute(text("SELECT count(*) FROM request_events WHERE action = 'claim'")).scalar()
        visits = conn.execute(text("SELECT count(*) FROM visits WHERE notes = 'Load test visit'")).scalar()
    engine.dispose()
    return created, claims, visits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=12, help="simulated people (observers, volunteers, coordinators)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="portal-load-")
    port = free_port()
    env = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SESSION_COOKIE_SECURE": "0",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/load.sqlite3",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "ARGON2_MEMORY_COST": "19456",
        "ARGON2_TIME_COST": "2",
        "ARGON2_PARALLELISM": "1",
        "BIND": f"127.0.0.1:{port}",
        "WORKERS": str(args.workers),
    }
    people = seed(env)
    _, claims_before, _ = counts(env)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        rec, stop, threads = Recorder(), threading.Event(), []
        roles = [("observers", observer_loop), ("volunteers", volunteer_loop), ("coordinators", coordinator_loop)]
        for index in range(args.users):
            kind, loop = roles[0] if index % 2 == 0 else roles[1] if index % 4 != 3 else roles[2]
            email = people[kind][index % len(people[kind])]
            threads.append(threading.Thread(target=loop, args=(base, email, stop, rec), daemon=True))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    created, claims_after, visits = counts(env)
    claims = claims_after - claims_before
    shutil.rmtree(tmp, ignore_errors=True)
    total = sum(len(v) for v in rec.latencies.values())
    backend = env["DATABASE_URL"].split(":", 1)[0]
    print(f"{args.users} simulated people, {args.seconds}s, gunicorn {args.workers} workers, database {backend}")
    print(f"  throughput: {total / elapsed:.0f} requests/s, errors: {sum(rec.errors.values())}")
    for name, values in sorted(rec.latencies.items()):
        p99 = statistics.quantiles(values, n=100)[98] if len(values) >= 100 else max(values)
        print(f"  {name:<14} n={len(values):>5}  median {statistics.median(values):6.1f} ms  p99 {p99:6.1f} ms")
    print(
        f"  requests accepted {rec.created}, in the database {created}; claims accepted {rec.claims}, "
        f"claim events {claims}; visits accepted {rec.visits}, in the database {visits}"
    )
    if created != rec.created or claims != rec.claims or visits != rec.visits or sum(rec.errors.values()):
        sys.exit("MISMATCH or errors: something was lost, duplicated or failed")


if __name__ == "__main__":
    main()
