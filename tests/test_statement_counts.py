"""How many SQL statements a request costs: the claim in at most 8, and every page the same
with 10 rows as with 1,000 (no query per row, whatever the page)."""

from __future__ import annotations

from observer_portal.extensions import db
from observer_portal.models import User
from tests.assistance_helpers import make_request
from tests.helpers import QueryCounter, csrf_from


def test_claiming_a_request_costs_at_most_eight_statements(app, login_as):
    _, observer = login_as("observer")
    volunteer, _ = login_as("volunteer")
    with app.app_context():
        request_id = make_request(db.session.get(User, observer.id)).id
    token = csrf_from(volunteer.get(f"/requests/{request_id}").get_data(as_text=True))
    with app.app_context(), QueryCounter(db.engine) as counter:
        response = volunteer.post(f"/requests/{request_id}/claim", data={"csrf_token": token})
    assert response.status_code == 302
    assert counter.count <= 8, "\n".join(counter.statements)


# ---------------------------------------------------------------- every page, 10 rows and 1,000

ROLES = ("observer", "volunteer", "coordinator", "admin")
#: Pages that are not lists: files and feeds whose length is the data (streamed, counted elsewhere).
# files, not pages (the reports' files run their page's queries, counted with the page)
NOT_PAGES = {
    # the JSON API: its lists are counted with tokens in tests/test_api.py
    "api-docs.openapi_json",
    "api_public.centres",
    "api_public.briefings",
    "api_public.briefing",
    "api_public.organisations",
    "api_requests.mine",
    "api_requests.one",
    "api_queue.queue",
    "api_queue.one",
    "api_visits.visits",
    "api_visits.visits_summary",
    "api_visits.coverage",
    "api_language.jobs",
    "api_visits.my_visits",
    "api_language.bookings",
    "assistance.export_csv",
    "assistance.export_xlsx",
    "visits.export",
    "visits.export_xlsx",
    "reports.equal_treatment_xlsx",
    "reports.equal_treatment_pdf",
    "reports.daily_xlsx",
    "reports.daily_pdf",
    "main.health",
    "main.service_worker",
    "main.ready",
    "static",
}


def _seed(people: dict, count: int, start: int) -> None:
    """`count` more of everything the lists show, for the centre of `people`."""
    from datetime import timedelta
    from decimal import Decimal

    from observer_portal.models import (
        EquipmentItem,
        EquipmentKind,
        Notification,
        Organisation,
        OrganisationKind,
        RequestKind,
        Visit,
        VisitorKind,
        VisitorProfile,
        VisitPurpose,
        VisitPurposeRow,
    )
    from observer_portal.models.base import utcnow
    from observer_portal.services.assistance import RequestInput, create_request
    from observer_portal.services.audit import record
    from observer_portal.services.briefings import BriefingInput, FigureInput, create_briefing

    centre_id = people["coordinator"].centre_id
    observer = people["observer"]
    numbers = range(start, start + count)
    # rows of one kind are added together and flushed once: the services below then find
    # nothing pending to autoflush (one flush per row made this seeding several times slower)
    organisations = [
        Organisation(name=f"Outlet {n}", kind=OrganisationKind.MEDIA_OUTLET, confirmed=n % 2 == 0) for n in numbers
    ]
    db.session.add_all(organisations)
    db.session.flush()
    visitors = [
        VisitorProfile(full_name=f"Visitor {n}", kind=VisitorKind.MEDIA, organisation_id=o.id, centre_id=centre_id)
        for n, o in zip(numbers, organisations, strict=True)
    ]
    db.session.add_all(visitors)
    db.session.flush()
    for n, organisation, visitor in zip(numbers, organisations, visitors, strict=True):
        db.session.add(
            Visit(
                centre_id=centre_id,
                visitor_id=visitor.id,
                organisation_id=organisation.id,
                visitor_kind=VisitorKind.MEDIA,
                registered_by_id=people["volunteer"].id,
                arrived_at=utcnow() - timedelta(minutes=n),
                purposes=[VisitPurposeRow(purpose=VisitPurpose.INTERNET), VisitPurposeRow(purpose=VisitPurpose.OTHER)],
            )
        )
        db.session.add(EquipmentItem(centre_id=centre_id, kind=EquipmentKind.LAPTOP, asset_tag=f"ATR-{n:05d}"))
        for role in ROLES:
            db.session.add(
                Notification(user_id=people[role].id, kind="request.status", params={"id": 1, "status": "new"})
            )
    db.session.flush()
    for n in numbers:  # the audit trail interleaves events of several kinds, as in real life
        record(db.session, people["admin"], "account.updated", people["observer"], note=str(n))
        create_request(
            db.session,
            observer,
            RequestInput(kind=RequestKind.EQUIPMENT, details=f"Printer {n}", needed_by=utcnow() + timedelta(hours=4)),
        )
        briefing = create_briefing(
            db.session,
            None,
            centre_id,
            BriefingInput(
                slug=f"b-{n}",
                topic="overview",
                title=f"Briefing {n}",
                body="Text.",
                original_locale="en",
                figures=[FigureInput("One", Decimal(1), "")],
            ),
        )
        briefing.published = True
    db.session.commit()


def _pages(app, role_name: str) -> list[str]:
    from observer_portal.models import Role
    from observer_portal.permissions import PUBLIC, SIGNED_IN, view_access

    role = Role(role_name)
    pages = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        access = view_access(app)[rule.endpoint]
        if access in (PUBLIC, SIGNED_IN) or role in access:
            pages.append(rule.rule)
    return sorted(pages)


def _statements(app, client, page: str) -> int:
    with app.app_context(), QueryCounter(db.engine) as counter:
        response = client.get(page)
    assert response.status_code in (200, 302), (page, response.status_code)
    return counter.count


def test_every_page_costs_as_many_statements_with_1000_rows_as_with_10(app, login_as):
    people, clients = {}, {}
    for role in ROLES:
        clients[role], people[role] = login_as(role)
    with app.app_context():
        people = {role: db.session.get(User, user.id) for role, user in people.items()}
        _seed(people, 10, 0)
        small = {(role, page): _statements(app, clients[role], page) for role in ROLES for page in _pages(app, role)}
        _seed(people, 990, 10)
        large = {(role, page): _statements(app, clients[role], page) for role in ROLES for page in _pages(app, role)}
    grew = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert not grew, grew
    assert len(small) > 40
