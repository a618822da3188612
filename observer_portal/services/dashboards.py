"""What each person sees first when signed in: their own picture of the centre.

Each function reads a fixed number of statements whatever the data (counts are grouped,
lists are limited), so a home page costs the same in week one and on election day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from observer_portal.models import (
    Briefing,
    Loan,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    TranslationJob,
    User,
    Visit,
)
from observer_portal.models.assistance import open_requests
from observer_portal.services.language_help.overview import my_jobs, upcoming_bookings

LISTED = 10


@dataclass
class VisitorHome:
    requests: list[ServiceRequest]  # their open requests, most recent first
    briefings: list[Briefing]  # published briefings of their centre


@dataclass
class VolunteerHome:
    jobs: list[ServiceRequest]
    bookings: list
    queue: dict[RequestKind, int]  # open requests nobody has taken, per kind, at their centre


@dataclass
class CoordinatorHome:
    visits_today: int
    open_requests: int
    overdue: int
    unroutable: list[tuple[ServiceRequest, TranslationJob]] = field(default_factory=list)
    overdue_loans: list[Loan] = field(default_factory=list)  # the first LISTED of them
    overdue_loan_count: int = 0
    uncovered: list[tuple[str, str]] = field(default_factory=list)  # pairs asked for, nobody on duty speaks both


def visitor_home(session: Session, user: User) -> VisitorHome:
    profile = user.visitor_profile
    requests = []
    if profile is not None:
        requests = list(
            session.scalars(
                select(ServiceRequest)
                .where(ServiceRequest.requester_id == user.id, open_requests())
                .order_by(ServiceRequest.id.desc())
                .limit(LISTED)
            )
        )
    centre_id = user.centre_id
    briefings = []
    if centre_id is not None:
        briefings = list(
            session.scalars(
                select(Briefing)
                .where(Briefing.centre_id == centre_id, Briefing.published.is_(True))
                .options(selectinload(Briefing.translations), selectinload(Briefing.centre))
                .order_by(Briefing.updated_at.desc())
                .limit(LISTED)
            )
        )
    return VisitorHome(requests=requests, briefings=briefings)


def volunteer_home(session: Session, user: User, now: datetime) -> VolunteerHome:
    queue: dict[RequestKind, int] = {}
    if user.centre_id is not None:
        rows = session.execute(
            select(ServiceRequest.kind, func.count())
            .where(
                ServiceRequest.centre_id == user.centre_id,
                ServiceRequest.assignee_id.is_(None),
                open_requests(),
            )
            .group_by(ServiceRequest.kind)
        ).all()
        queue = {RequestKind(kind): count for kind, count in rows}
    return VolunteerHome(
        jobs=my_jobs(session, user)[:LISTED],
        bookings=upcoming_bookings(session, user.id, since=now - timedelta(hours=2))[:LISTED],
        queue=queue,
    )


def coordinator_home(session: Session, user: User, day_began: datetime, now: datetime) -> CoordinatorHome:
    """Today at the coordinator's centre; `day_began` is the centre's local midnight."""
    centre_id = user.centre_id
    visits = session.scalar(
        select(func.count(Visit.id)).where(Visit.centre_id == centre_id, Visit.arrived_at >= day_began)
    )
    open_count, overdue = session.execute(
        select(
            func.count(ServiceRequest.id), func.count(ServiceRequest.id).filter(ServiceRequest.needed_by < now)
        ).where(ServiceRequest.centre_id == centre_id, open_requests())
    ).one()
    unroutable = session.execute(
        select(ServiceRequest, TranslationJob)
        .join(TranslationJob, TranslationJob.request_id == ServiceRequest.id)
        .where(ServiceRequest.centre_id == centre_id, ServiceRequest.status == RequestStatus.UNROUTABLE)
        .order_by(ServiceRequest.needed_by)
        .limit(LISTED)
    ).all()
    late = (Loan.returned_at.is_(None), Loan.due_at < now, Loan.item.has(centre_id=centre_id))
    late_count = session.scalar(select(func.count(Loan.id)).where(*late))
    loans = list(
        session.scalars(
            select(Loan)
            .where(*late)
            .options(selectinload(Loan.item), selectinload(Loan.borrower))
            .order_by(Loan.due_at)
            .limit(LISTED)
        )
    )
    uncovered = sorted({(job.source_lang, job.target_lang) for _, job in unroutable})
    return CoordinatorHome(
        visits_today=visits or 0,
        open_requests=open_count or 0,
        overdue=overdue or 0,
        unroutable=[(request, job) for request, job in unroutable],
        overdue_loans=loans,
        overdue_loan_count=late_count or 0,
        uncovered=uncovered,
    )
