"""A home page per role (issue 17): an observer asks for help in one click and follows what
they asked; a volunteer sees their duty, their jobs and what waits; a coordinator sees today
at the centre, each figure a link to the list behind it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import Loan, RequestKind, ServiceRequest, TranslationJob, User
from observer_portal.models.assistance import open_requests
from observer_portal.models.base import utcnow
from tests.assistance_helpers import make_request
from tests.conftest import sign_in_directly


def home_of(app, email: str) -> str:
    client = app.test_client()
    with app.app_context():
        sign_in_directly(client, db.session.scalar(select(User).where(User.email == email)))
    return client.get("/?lang=en").get_data(as_text=True)


def demo(app) -> None:
    from observer_portal.demo import load_demo

    with app.app_context():
        load_demo(db.session)
        db.session.commit()


def test_an_observer_asks_in_one_click_and_sees_what_they_asked(app, login_as):
    client, observer = login_as("observer")
    with app.app_context():
        asked = make_request(db.session.get(User, observer.id)).id
    html = client.get("/?lang=en").get_data(as_text=True)
    for href in (
        "/requests/new?kind=equipment",
        "/requests/new?kind=internet",
        "/language-help/new?mode=written",
        "/language-help/new?mode=interpretation",
    ):
        assert f'href="{href}"' in html, href
    assert f'href="/requests/{asked}"' in html
    interpreter = client.get("/language-help/new?mode=interpretation").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="mode"[^>]*value="interpretation"', interpreter)
    assert 'name="starts_at"' in interpreter
    assert 'name="text"' not in interpreter
    equipment = client.get("/requests/new?kind=equipment").get_data(as_text=True)
    assert re.search(
        r'<option[^>]*selected[^>]*value="equipment"|<option[^>]*value="equipment"[^>]*selected', equipment
    )


def test_a_volunteer_sees_duty_and_what_waits_per_kind(app):
    demo(app)
    html = home_of(app, "dana@atyrau.example.org")
    assert 'action="/account/duty"' in html
    with app.app_context():
        dana = db.session.scalar(select(User).where(User.email == "dana@atyrau.example.org"))
        waiting = dict(
            db.session.execute(
                select(ServiceRequest.kind, func.count())
                .where(
                    ServiceRequest.centre_id == dana.centre_id, ServiceRequest.assignee_id.is_(None), open_requests()
                )
                .group_by(ServiceRequest.kind)
            ).all()
        )
    assert waiting
    for kind, count in waiting.items():
        assert re.search(
            rf'href="/requests/queue\?kind={RequestKind(kind).value}&amp;unassigned=y">[^<]*: {count}<', html
        )


def test_a_coordinator_sees_today_at_the_centre_with_links_to_the_lists(app):
    demo(app)
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.email == "coordinator@atyrau.example.org"))
        loan = db.session.scalar(select(Loan).where(Loan.returned_at.is_(None)))
        loan.due_at = utcnow() - timedelta(hours=3)
        db.session.commit()
        now = utcnow()
        overdue_loans = db.session.scalar(
            select(func.count(Loan.id)).where(Loan.returned_at.is_(None), Loan.due_at < now)
        )
        open_count = db.session.scalar(
            select(func.count()).where(ServiceRequest.centre_id == coordinator.centre_id, open_requests())
        )
        overdue = db.session.scalar(
            select(func.count()).where(
                ServiceRequest.centre_id == coordinator.centre_id, open_requests(), ServiceRequest.needed_by < now
            )
        )
        unroutable = db.session.scalar(
            select(ServiceRequest.id)
            .join(TranslationJob, TranslationJob.request_id == ServiceRequest.id)
            .where(ServiceRequest.status == "unroutable")
        )
    html = home_of(app, "coordinator@atyrau.example.org")
    tiles = re.search(r'<ul class="figure-tiles">.*?</ul>', html, re.S).group(0)
    assert re.search(rf'href="/requests/queue"><span class="figure-value">{open_count}</span>', tiles)
    assert re.search(rf'href="/requests/queue\?overdue=y"><span class="figure-value">{overdue}</span>', tiles)
    assert re.search(
        r'href="/visits/\?date_from=\d{4}-\d\d-\d\d&amp;date_to=\d{4}-\d\d-\d\d"><span class="figure-value">\d+</span>',
        tiles,
    )
    assert overdue_loans >= 1
    loans = "overdue loan<" if overdue_loans == 1 else "overdue loans<"
    assert re.search(rf'href="/inventory/"><span class="figure-value">{overdue_loans}</span> {loans}', tiles)
    assert unroutable is not None
    assert f'href="/requests/{unroutable}"' in html  # the job nobody can take, with its reason
    assert "Not covered by anyone on duty right now:" in html


def test_the_overdue_loans_figure_counts_them_all_not_the_ones_listed(app, login_as):
    from observer_portal.models import EquipmentItem, EquipmentKind
    from observer_portal.services.dashboards import LISTED
    from tests.assistance_helpers import make_overdue_loan
    from tests.helpers import make_user

    client, coordinator = login_as("coordinator")
    with app.app_context():
        lender = db.session.get(User, coordinator.id)
        borrower = make_user("media", name="James Smith")
        for n in range(LISTED + 2):
            item = EquipmentItem(centre_id=lender.centre_id, kind=EquipmentKind.LAPTOP, asset_tag=f"ATR-LAP-{n:02d}")
            db.session.add(item)
            db.session.flush()
            make_overdue_loan(item, lender, borrower)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert re.search(rf'<span class="figure-value">{LISTED + 2}</span> overdue loans<', html)
    assert html.count("ATR-LAP-") == LISTED  # the list shows the first ones
