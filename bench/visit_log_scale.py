"""The whole visit-log page at two sizes, and against Flask-Admin on the same table.

For each size (default 10,000 and 1,000,000 visits) a fresh database is filled
(`bench/visit_log.py`'s fill: the demo, then the visits in bulk, their counts kept by the
triggers), and then, in alternating rounds in this one process over real HTTP requests
(Flask's test client, a signed-in coordinator):

  * the portal's visit log, page 1: rows, totals, per-day chart and per-organisation summary;
  * the portal's visit log, page 1000 (or the last page, for fewer than 25,000 visits),
    reached through its "older visits" links;
  * a Flask-Admin `ModelView` list of the same table, the same page (`?page=999`), as an
    admin list page is usually built (COUNT and OFFSET).

Each figure is the median of --repeat runs. Printed: the times, page 1 and page 1000 at the
largest size against the smallest (target: within 2x), and the portal against Flask-Admin at
each size (target: 10x faster).

    .venv/bin/python bench/visit_log_scale.py [--sizes 10000,1000000] [--repeat 5] [--database-url URL]

Needs Flask-Admin (`make bench-deps`; bench/requirements.txt, not the portal's). With
--database-url (an empty PostgreSQL database) each size empties the tables first.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from html import unescape as html_unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def with_flask_admin(app, db, size: int) -> None:
    """Mount Flask-Admin's list of visits; the portal's access rules let the benchmark in."""
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView

    from observer_portal.models import Visit

    class VisitList(ModelView):
        page_size = size
        column_list = ("arrived_at", "visitor_kind", "notes")
        column_default_sort = ("arrived_at", True)

    Admin(app, url="/flask-admin", endpoint="flask_admin_index").add_view(VisitList(Visit, db, endpoint="visit_admin"))
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(("visit_admin.", "flask_admin_index.")):
            app.view_functions[endpoint] = public_view(view)


def public_view(view):
    def open_to_the_benchmark(*args, **kwargs):
        return view(*args, **kwargs)

    open_to_the_benchmark.access = "public"
    return open_to_the_benchmark


def signed_in_coordinator(app, db, centre_id: int):
    from flask import session

    from observer_portal.auth.sessions import start_session
    from observer_portal.models import User

    client = app.test_client()
    with app.app_context():
        coordinator = db.session.scalar(
            db.select(User).where(User.role == "coordinator", User.centre_id == centre_id).order_by(User.id).limit(1)
        )
        with app.test_request_context(environ_base=client.environ_base):
            start_session(coordinator)
            values = dict(session)
    with client.session_transaction() as stored:
        stored.update(values)
    return client


def measure(size: int, repeat: int, database_url: str | None) -> dict[str, float]:
    from flask_migrate import upgrade
    from sqlalchemy import text
    from visit_log import fill, median_ms

    from observer_portal import create_app
    from observer_portal.extensions import db
    from observer_portal.models.base import Base

    tmp = tempfile.mkdtemp(prefix="portal-visit-scale-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/visits.sqlite3"
    app = create_app({"DATABASE_URL": os.environ["DATABASE_URL"], "RATELIMIT_ENABLED": False})
    page_size = app.config["PAGE_SIZE"]
    with_flask_admin(app, db, page_size)
    with app.app_context():
        if database_url:
            Base.metadata.drop_all(db.engine)
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
                conn.execute(text("DROP FUNCTION IF EXISTS bump_page_version() CASCADE"))
                conn.execute(text("DROP FUNCTION IF EXISTS visit_counts_on_visit() CASCADE"))
                conn.execute(text("DROP FUNCTION IF EXISTS visit_counts_on_purpose() CASCADE"))
        upgrade()
        started = time.perf_counter()
        centre_id, _organisation_id = fill(db, size)  # the visits are the demo's Atyrau centre's
        print(f"  {size:,} visits filled in {time.perf_counter() - started:.0f} s", flush=True)
        db.session.remove()
    client = signed_in_coordinator(app, db, centre_id)

    def log_page(url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    url, deep = "/visits/", 1
    older = re.compile(r'<a href="([^"]+)" rel="next">')  # the pager's link (not the language switcher's)
    while deep < 1000:  # the "older visits" links, as a person follows them (10,000 visits are 400 pages)
        match = older.search(log_page(url).get_data(as_text=True))
        if match is None:
            break
        url, deep = html_unescape(match.group(1)), deep + 1
    if deep < min(1000, size // page_size):
        raise RuntimeError(f"the log ended at page {deep}: the coordinator does not see the visits filled")
    deep_url = url
    admin_url = f"/flask-admin/visit_admin/?page={deep - 1}"
    log_page(admin_url)
    results = {"page 1": [], "deep page": [], "Flask-Admin deep page": []}
    for _ in range(repeat):  # alternating rounds
        results["page 1"].append(median_ms(lambda: log_page("/visits/"), 1))
        results["deep page"].append(median_ms(lambda: log_page(deep_url), 1))
        results["Flask-Admin deep page"].append(median_ms(lambda: log_page(admin_url), 1))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"deep": deep} | {name: statistics.median(values) for name, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    os.environ.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        PORTAL_BASE_URL="http://127.0.0.1",
        SESSION_COOKIE_SECURE="0",
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    figures = {}
    for size in sizes:
        figures[size] = measure(size, args.repeat, args.database_url)
    backend = (args.database_url or "sqlite").split(":", 1)[0]
    print(f"visit log over HTTP (test client), median of {args.repeat}, database {backend}")
    for size, times in figures.items():
        print(
            f"  {size:>9,} visits: page 1 {times['page 1']:7.1f} ms, page {times['deep']} {times['deep page']:7.1f} ms, "
            f"Flask-Admin page {times['deep']} {times['Flask-Admin deep page']:8.1f} ms "
            f"(the portal {times['Flask-Admin deep page'] / times['deep page']:.1f}x faster)"
        )
    small, large = figures[sizes[0]], figures[sizes[-1]]
    print(f"  page 1 at {sizes[-1]:,} / at {sizes[0]:,}: {large['page 1'] / small['page 1']:.2f}x (target <= 2)")
    print(
        f"  page {large['deep']} at {sizes[-1]:,} / page {small['deep']} at {sizes[0]:,}: "
        f"{large['deep page'] / small['deep page']:.2f}x (target <= 2)"
    )


if __name__ == "__main__":
    main()
