"""The reports at scale: fill a fresh database with N visits (bench/visit_log.py's filler) and
M requests with their history (claims, declines, hand-overs, language work nobody could
take, loans), then time, median of 5, the equal-treatment report of the centre over the whole
span and the daily report of one day and of the whole span.

    .venv/bin/python bench/reports.py [--visits 1000000] [--requests 200000] [--database-url URL]

Target (issue 19): the equal-treatment report over 1,000,000 visits and 200,000 requests in
under 2 s, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

KINDS = ["equipment", "internet", "translation", "interpretation", "other"]


def median_s(call, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fill_requests(db, count: int, centre_id: int, election_id: int, start: datetime) -> None:
    from sqlalchemy import insert, select

    from observer_portal.models import RequestEvent, ServiceRequest, User, VisitorProfile

    rng = random.Random(2)  # noqa: S311 - benchmark data
    visitors = db.session.execute(select(VisitorProfile.id, VisitorProfile.organisation_id, VisitorProfile.kind)).all()
    staff = list(db.session.scalars(select(User.id).where(User.centre_id == centre_id)))
    next_id = (db.session.scalar(select(ServiceRequest.id).order_by(ServiceRequest.id.desc()).limit(1)) or 0) + 1
    batch = 10_000
    for offset in range(0, count, batch):
        requests, events = [], []
        for _ in range(min(batch, count - offset)):
            visitor_id, organisation_id, kind = rng.choice(visitors)
            created = start + timedelta(seconds=rng.randrange(0, 60 * 86400))
            request_kind = rng.choice(KINDS)
            roll = rng.random()
            status = "done" if roll < 0.6 else "cancelled" if roll < 0.65 else "new" if roll < 0.75 else "assigned"
            responded = created + timedelta(minutes=rng.randrange(1, 240)) if status in ("done", "assigned") else None
            done = responded + timedelta(minutes=rng.randrange(5, 600)) if status == "done" else None
            requests.append(
                {
                    "id": next_id,
                    "centre_id": centre_id,
                    "election_id": election_id,
                    "kind": request_kind,
                    "status": status,
                    "priority": 2,
                    "details": "",
                    "location_kind": "centre",
                    "location": "",
                    "needed_by": created + timedelta(days=1),
                    "visitor_id": visitor_id,
                    "organisation_id": organisation_id,
                    "visitor_kind": kind.value,
                    "created_at": created,
                    "updated_at": created,
                    "first_response_at": responded,
                    "completed_at": done,
                }
            )
            events.append({"request_id": next_id, "action": "created", "note": "", "created_at": created})
            if responded is not None:
                actor = rng.choice(staff)
                events.append(
                    {"request_id": next_id, "action": "claim", "actor_id": actor, "note": "", "created_at": responded}
                )
                if rng.random() < 0.05:
                    events.append({"request_id": next_id, "action": "decline", "note": "", "created_at": responded})
                    events.append({"request_id": next_id, "action": "claim", "note": "", "created_at": responded})
            if request_kind == "translation" and rng.random() < 0.03:
                reason = rng.choice(["nobody_on_duty", "nobody_speaks", "all_busy"])
                events.append(
                    {"request_id": next_id, "action": "unroutable", "reason": reason, "note": "", "created_at": created}
                )
            next_id += 1
        db.session.execute(insert(ServiceRequest.__table__), requests)
        db.session.execute(insert(RequestEvent.__table__), events)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="portal-reports-")
    os.environ.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        PORTAL_BASE_URL="http://127.0.0.1",
        DATABASE_URL=args.database_url or f"sqlite:///{tmp}/reports.sqlite3",
    )
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text
    from visit_log import fill

    from observer_portal import create_app
    from observer_portal.extensions import db
    from observer_portal.models import Election, ElectionState, Visit
    from observer_portal.services.reports import daily, equal_treatment
    from observer_portal.services.reports.scope import Scope

    app = create_app()
    with app.test_request_context():
        upgrade()
        if existing := db.session.scalar(select(func.count(Visit.id))):
            sys.exit(f"The database already holds {existing:,} visits; give the benchmark an empty database.")
        started = time.perf_counter()
        centre_id, _org = fill(db, args.visits)
        election_id = db.session.scalar(select(Election.id).where(Election.state == ElectionState.ACTIVE))
        start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=60)
        fill_requests(db, args.requests, centre_id, election_id, start)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        fill_seconds = time.perf_counter() - started
        first, last = start.date(), datetime.now(UTC).date()
        scope = Scope(election_id, first, last, centre_id=centre_id)
        report = equal_treatment.build(db.session, scope)
        if report.whole.requests < args.requests * 0.95 or report.whole.visits < args.visits * 0.95:
            sys.exit(f"the report missed rows: {report.whole.requests:,} requests, {report.whole.visits:,} visits")
        fairness = median_s(lambda: equal_treatment.build(db.session, scope))
        one_day = Scope(election_id, last - timedelta(days=1), last - timedelta(days=1), centre_id=centre_id)
        day = median_s(lambda: daily.build(db.session, one_day))
        whole = median_s(lambda: daily.build(db.session, scope))
    backend = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"{args.visits:,} visits and {args.requests:,} requests on {backend} (filled in {fill_seconds:.0f} s)")
    print(f"  equal-treatment report, 60 days  {fairness:6.2f} s  ({len(report.organisations)} groups)")
    print(f"  daily report, one day            {day:6.2f} s")
    print(f"  daily report, 60 days            {whole:6.2f} s")


if __name__ == "__main__":
    main()
