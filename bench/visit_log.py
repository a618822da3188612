"""Visit log at scale: fill a database with N visits, then time the first page, a filtered
page, page 1000 through the keyset links, the unfiltered page's totals, per-day chart and
per-organisation summary, and a full CSV export (with its peak memory).

    .venv/bin/python bench/visit_log.py [--rows 1000000] [--database-url URL]

Targets: page 1000 within 2x of the first page (keyset, not OFFSET); export memory flat
in N (compare --rows 100000 with --rows 1000000).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_ms(call, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def fill(db, rows: int) -> tuple[int, int]:
    from sqlalchemy import insert, select

    from observer_portal.demo import load_demo
    from observer_portal.models import Centre, Organisation, Visit, VisitorProfile, VisitPurposeRow
    from observer_portal.models.visit import local_day

    load_demo(db.session)
    db.session.commit()
    centre_id = db.session.scalar(select(Centre.id).where(Centre.slug == "atyrau"))
    visitors = db.session.execute(select(VisitorProfile.id, VisitorProfile.organisation_id, VisitorProfile.kind)).all()
    org_id = db.session.scalar(select(Organisation.id).where(Organisation.name.like("OSCE%")))
    rng = random.Random(1)  # noqa: S311 - benchmark data
    # the 60 days before today: the serving days of the demo's active election, which the log opens on
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=60)
    purposes = ["briefing", "equipment", "internet", "translation", "other"]
    batch = 10_000
    next_id = (db.session.scalar(select(Visit.id).order_by(Visit.id.desc()).limit(1)) or 0) + 1
    for offset in range(0, rows, batch):
        visits, rows_purposes = [], []
        for _ in range(min(batch, rows - offset)):
            visitor_id, organisation_id, kind = rng.choice(visitors)
            arrived = start + timedelta(seconds=rng.randrange(0, 60 * 86400))
            visits.append(
                {
                    "id": next_id,
                    "centre_id": centre_id,
                    "visitor_id": visitor_id,
                    "organisation_id": organisation_id,
                    "visitor_kind": kind.value,
                    "arrived_at": arrived,
                    "local_day": local_day(arrived, "Asia/Atyrau"),
                    "notes": "",
                    "created_at": arrived,
                }
            )
            rows_purposes.append({"visit_id": next_id, "purpose": rng.choice(purposes)})
            next_id += 1
        db.session.execute(insert(Visit.__table__), visits)
        db.session.execute(insert(VisitPurposeRow.__table__), rows_purposes)
        db.session.commit()
    from sqlalchemy import text

    db.session.execute(text("ANALYZE"))  # fresh planner statistics, as autovacuum/analyze would keep them
    db.session.commit()
    return centre_id, org_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        return export_only()
    tmp = tempfile.mkdtemp(prefix="portal-visits-")
    os.environ.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        PORTAL_BASE_URL="http://127.0.0.1",
        DATABASE_URL=args.database_url or f"sqlite:///{tmp}/visits.sqlite3",
    )
    from flask_migrate import upgrade

    from observer_portal import create_app
    from observer_portal.extensions import db
    from observer_portal.models import VisitorKind, VisitPurpose
    from observer_portal.services import visit_log

    app = create_app()
    with app.test_request_context():
        upgrade()
        from sqlalchemy import func, select

        from observer_portal.models import Visit

        if existing := db.session.scalar(select(func.count(Visit.id))):
            sys.exit(f"The database already holds {existing:,} visits; give the benchmark an empty database.")
        started = time.perf_counter()
        centre_id, org_id = fill(db, args.rows)
        fill_seconds = time.perf_counter() - started
        everything = visit_log.VisitFilter(centre_id=centre_id, timezone="Asia/Atyrau")
        narrow = visit_log.VisitFilter(
            centre_id=centre_id,
            timezone="Asia/Atyrau",
            kind=VisitorKind.OBSERVER,
            purpose=VisitPurpose.TRANSLATION,
            organisation_id=org_id,
        )
        size = 25
        first = median_ms(lambda: visit_log.page(db.session, everything, None, size))
        filtered = median_ms(lambda: visit_log.page(db.session, narrow, None, size))
        cursor = None
        for _ in range(999):  # follow the "older visits" links to page 1000
            _rows, cursor = visit_log.page(db.session, everything, cursor, size)
        page_1000 = median_ms(lambda: visit_log.page(db.session, everything, cursor, size))
        # what the unfiltered log page computes besides its rows: totals, per-day chart, per-organisation summary
        chart = median_ms(lambda: visit_log.per_day(db.session, everything))
        summaries = median_ms(
            lambda: (
                visit_log.total(db.session, everything),
                visit_log.per_day(db.session, everything),
                visit_log.per_organisation(db.session, everything),
            )
        )
        db.session.remove()
        db.engine.dispose()
    # the export runs in a fresh process, so its peak memory is the export's alone
    child = subprocess.run(
        [sys.executable, __file__, "--export-only"], env=dict(os.environ), capture_output=True, text=True, check=True
    )
    export_seconds, lines, peak_mb = child.stdout.split()
    backend = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"{args.rows:,} visits on {backend} (filled in {fill_seconds:.0f} s)")
    print(f"  first page          {first:8.1f} ms")
    print(f"  filtered page       {filtered:8.1f} ms")
    print(f"  page 1000 (keyset)  {page_1000:8.1f} ms  ({page_1000 / first:.2f}x the first page)")
    print(f"  per-day chart       {chart:8.1f} ms  (every row of the log, no filter)")
    print(f"  totals, chart, orgs {summaries:8.1f} ms  (the same, all three summaries of the page)")
    print(
        f"  CSV export          {float(export_seconds):8.1f} s, {int(lines):,} rows, peak process memory {peak_mb} MB"
    )


def export_only() -> None:
    from observer_portal import create_app
    from observer_portal.extensions import db
    from observer_portal.services import visit_log

    app = create_app()
    with app.test_request_context():
        everything = visit_log.VisitFilter(centre_id=1, timezone="Asia/Atyrau")
        started = time.perf_counter()
        lines = sum(chunk.count("\n") for chunk in visit_log.csv_rows(db.session, everything, ["h"] * 9)) - 1
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {lines} {peak_mb:.0f}")


if __name__ == "__main__":
    main()
