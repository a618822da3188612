"""One unit of work per HTTP request (issue 14): views never commit or roll back; the
request is committed once when it succeeded, and side effects follow the commit."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest
from flask import redirect
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import Centre
from observer_portal.permissions import public
from observer_portal.services import ServiceError
from observer_portal.unit_of_work import after_commit, flash_refusal

ROOT = pathlib.Path(__file__).resolve().parent.parent / "observer_portal"
BLUEPRINTS = sorted(p for p in ROOT.iterdir() if (p / "__init__.py").exists() and (p / "routes.py").exists())


def _calls(tree: ast.AST, names: set[str]) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names
    ]


def test_no_blueprint_commits_or_rolls_back():
    assert len(BLUEPRINTS) >= 8
    offenders = {
        f"{path.relative_to(ROOT)}:{line}"
        for package in BLUEPRINTS
        for path in package.glob("*.py")
        for line in _calls(ast.parse(path.read_text()), {"commit", "rollback", "begin_nested", "flush"})
    }
    assert offenders == set()


def test_every_refusal_a_view_catches_is_shown_and_discarded():
    """`except ServiceError` in a view must go through show_form_error or flash_refusal,
    which undo the request's writes; anything else would commit half a change."""
    missing = []
    for package in BLUEPRINTS:
        for path in package.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ExceptHandler) and "ServiceError" in ast.unparse(node.type or ast.Pass()):
                    called = {
                        n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                    }
                    if not called & {"show_form_error", "flash_refusal"}:
                        missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


def _centres() -> int:
    return db.session.scalar(select(func.count(Centre.id)))


def _app_with_views(make_app):
    # no form in these test views; errors handled as in production instead of raised into the test
    app = make_app(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    sent: list[str] = []

    def add_centre(slug: str) -> None:
        db.session.add(Centre(slug=slug, names={"en": slug}, regions={"en": slug}, timezone="Asia/Atyrau"))
        db.session.flush()

    @public
    def succeeds():
        add_centre("ok")
        after_commit(lambda: sent.append("mail"))
        return redirect("/")  # Post/Redirect/Get, as every view after a change

    @public
    def crashes():
        add_centre("crash")
        after_commit(lambda: sent.append("never"))
        raise RuntimeError("boom")

    @public
    def refused():
        add_centre("refused")
        after_commit(lambda: sent.append("never"))
        flash_refusal(ServiceError("No."))
        return redirect("/")

    @public
    def fails_on_commit():
        add_centre("dup")
        db.session.add(
            Centre(slug="dup", names={"en": "dup"}, regions={"en": "dup"}, timezone="Asia/Atyrau")
        )  # unique slug
        after_commit(lambda: sent.append("never"))
        return "saved?"

    @public
    def form_again():
        add_centre("kept")  # e.g. the audit entry of a failed sign-in: kept on purpose
        return "<form>the form again, with its errors</form>"

    for view in (succeeds, crashes, refused, fails_on_commit, form_again):
        app.add_url_rule(f"/uow/{view.__name__}", view.__name__, view, methods=["POST"])
    return app, sent


def test_a_successful_request_is_committed_and_then_its_side_effects_run(make_app):
    app, sent = _app_with_views(make_app)
    assert app.test_client().post("/uow/succeeds").status_code == 302
    with app.app_context():
        assert _centres() == 1
    assert sent == ["mail"]


def test_a_form_answered_with_its_page_again_says_422_and_keeps_what_was_written_on_purpose(make_app):
    app, _sent = _app_with_views(make_app)
    assert app.test_client().post("/uow/form_again").status_code == 422
    with app.app_context():
        assert _centres() == 1


def test_an_error_a_refusal_or_a_failed_commit_writes_nothing_and_sends_nothing(make_app):
    app, sent = _app_with_views(make_app)
    client = app.test_client()
    assert client.post("/uow/crashes").status_code == 500
    assert client.post("/uow/refused").status_code == 302
    assert client.post("/uow/fails_on_commit").status_code == 500  # never a "saved" page
    with app.app_context():
        assert _centres() == 0
    assert sent == []


def test_the_database_itself_refuses_backwards_times_unknown_priorities_and_staff_without_a_centre(app_ctx):
    """Rules the forms check are also CHECK constraints, hit here with plain SQL."""
    from datetime import timedelta

    import pytest
    from sqlalchemy import text, update
    from sqlalchemy.exc import IntegrityError

    from observer_portal.models import InterpretationBooking, ServiceRequest
    from observer_portal.models.base import utcnow
    from tests.assistance_helpers import make_request
    from tests.helpers import make_user

    request = make_request(make_user("observer"))
    volunteer = make_user("volunteer")
    make_user("coordinator")
    start = utcnow() + timedelta(days=1)
    db.session.add(
        InterpretationBooking(
            request_id=request.id, volunteer_id=volunteer.id, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    )
    db.session.commit()
    bad = [
        update(InterpretationBooking).values(ends_at=InterpretationBooking.starts_at),
        update(ServiceRequest).values(priority=7),
        text("UPDATE service_requests SET priority = -1"),
        text("UPDATE users SET centre_id = NULL WHERE role = 'coordinator'"),  # would read as "every centre"
        text("UPDATE users SET centre_id = NULL WHERE role = 'volunteer'"),
    ]
    for statement in bad:
        with pytest.raises(IntegrityError):
            db.session.execute(statement)
        db.session.rollback()


def test_the_database_itself_refuses_overlapping_bookings_of_one_interpreter(app_ctx):
    """The routing checks overlaps under a row lock; the database refuses them too — an
    exclusion constraint on PostgreSQL, triggers on SQLite — hit here with plain SQL."""
    from datetime import timedelta

    import pytest
    from sqlalchemy import insert, update
    from sqlalchemy.exc import IntegrityError

    from observer_portal.models import InterpretationBooking
    from observer_portal.models.base import utcnow
    from tests.assistance_helpers import make_request
    from tests.helpers import make_user

    observer = make_user("observer")
    requests = [make_request(observer) for _ in range(4)]
    anna, boris = make_user("volunteer"), make_user("volunteer")
    start = utcnow().replace(microsecond=0) + timedelta(days=1)

    def booking(request, volunteer, hours_from: float, hours_to: float) -> dict:
        return {
            "request_id": request.id,
            "volunteer_id": volunteer.id,
            "starts_at": start + timedelta(hours=hours_from),
            "ends_at": start + timedelta(hours=hours_to),
        }

    db.session.execute(insert(InterpretationBooking).values(**booking(requests[0], anna, 0, 2)))
    db.session.commit()
    for overlapping in (
        booking(requests[1], anna, 1, 3),
        booking(requests[1], anna, -1, 0.5),
        booking(requests[1], anna, 0.5, 1),
    ):
        with pytest.raises(IntegrityError):
            db.session.execute(insert(InterpretationBooking).values(**overlapping))
        db.session.rollback()
    # back to back, another interpreter at the same time: both fine
    db.session.execute(insert(InterpretationBooking).values(**booking(requests[1], anna, 2, 3)))
    db.session.execute(insert(InterpretationBooking).values(**booking(requests[2], boris, 0, 2)))
    db.session.commit()
    with pytest.raises(IntegrityError):  # moving a booking onto another is refused too
        db.session.execute(
            update(InterpretationBooking)
            .where(InterpretationBooking.request_id == requests[2].id)
            .values(volunteer_id=anna.id)
        )
    db.session.rollback()


@pytest.mark.parametrize("page", ["first", "later"])
def test_the_queue_as_opened_is_read_in_index_order(app_ctx, page):
    """The README calls the queue index covering: EXPLAIN proves the query the queue page runs
    (a centre's open requests, urgency order, one page — the first, or one after a cursor)
    uses the partial index and sorts nothing."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from observer_portal.models import Role, User
    from observer_portal.services.request_list import Cursor, QueueFilter, queue_statement

    cursor = Cursor(2, datetime(2022, 11, 20, 9, tzinfo=UTC), 40) if page == "later" else None
    stmt = queue_statement(User(id=1, role=Role.VOLUNTEER, centre_id=1), QueueFilter(), cursor, 25)
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        plan = " / ".join(row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "ix_service_requests_open_queue" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table would be scanned anyway
        plan = " / ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
        assert "ix_service_requests_open_queue" in plan, plan
        assert "Sort" not in plan, plan


def test_the_queue_over_every_status_reads_one_centre(app_ctx):
    """ "Every status" (the queue's page and its files) reads only the centre's requests, through
    an index on the centre; they are sorted (request_list.URGENT_FIRST says why)."""
    from sqlalchemy import text

    from observer_portal.models import Role, User
    from observer_portal.services.request_list import QueueFilter, queue_statement

    stmt = queue_statement(User(id=1, role=Role.COORDINATOR, centre_id=1), QueueFilter(every_status=True), None, 25)
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        plan = " / ".join(row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert re.search(r"SEARCH service_requests USING INDEX ix_service_requests_\w+ \(centre_id=\?", plan), plan
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " / ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
        assert re.search(r"Index Cond: \(.*centre_id = 1", plan), plan
