"""What volunteers and coordinators see of language work: a volunteer's jobs and
bookings, and the coverage page (who speaks what, load, times, unroutable work)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observer_portal.models import (
    OPEN_STATUSES,
    InterpretationBooking,
    RequestStatus,
    Role,
    ServiceRequest,
    TranslationJob,
    User,
    VolunteerLanguage,
)
from observer_portal.models.base import utcnow
from observer_portal.services.language_help.dispatch import ROUTED_KINDS


def my_jobs(session: Session, user: User) -> list[ServiceRequest]:
    return list(
        session.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.assignee_id == user.id,
                ServiceRequest.kind.in_(ROUTED_KINDS),
                ServiceRequest.status.in_(OPEN_STATUSES),
            )
            .order_by(ServiceRequest.priority, ServiceRequest.needed_by)
        )
    )


def jobs_by_request(session: Session, requests: list[ServiceRequest]) -> dict[int, TranslationJob]:
    ids = [r.id for r in requests]
    if not ids:
        return {}
    return {
        job.request_id: job for job in session.scalars(select(TranslationJob).where(TranslationJob.request_id.in_(ids)))
    }


def upcoming_bookings(session: Session, user_id: int, since: datetime | None = None) -> list[InterpretationBooking]:
    return list(
        session.scalars(
            select(InterpretationBooking)
            .where(
                InterpretationBooking.volunteer_id == user_id,
                InterpretationBooking.ends_at >= (since or utcnow() - timedelta(days=1)),
            )
            .order_by(InterpretationBooking.starts_at)
            .limit(500)
        )
    )


@dataclass
class Coverage:
    languages: tuple[str, ...]
    matrix: dict[tuple[str, str], int]  # on-duty volunteers speaking both
    load: list[tuple[User, int]]  # volunteers and their open assignments
    medians: dict[tuple[str, str], tuple[float | None, float | None, int]]  # minutes to assign, to finish, count
    unroutable: list[tuple[ServiceRequest, TranslationJob]]


def coverage(session: Session, centre_id: int, languages: tuple[str, ...]) -> Coverage:
    on_duty = session.execute(
        select(VolunteerLanguage.user_id, VolunteerLanguage.language)
        .join(User, VolunteerLanguage.user_id == User.id)
        .where(User.centre_id == centre_id, User.role == Role.VOLUNTEER, User.active.is_(True), User.on_duty.is_(True))
    ).all()
    speaks: dict[int, set[str]] = defaultdict(set)
    for user_id, language in on_duty:
        speaks[user_id].add(language)
    matrix = {
        (a, b): sum(1 for langs in speaks.values() if a in langs and b in langs)
        for a in languages
        for b in languages
        if a != b
    }
    volunteers = session.scalars(
        select(User)
        .where(User.centre_id == centre_id, User.role == Role.VOLUNTEER, User.active.is_(True))
        .order_by(User.display_name)
    ).all()
    counts = dict(
        session.execute(
            select(ServiceRequest.assignee_id, func.count())
            .where(
                ServiceRequest.centre_id == centre_id,
                ServiceRequest.status.in_(OPEN_STATUSES),
                ServiceRequest.assignee_id.is_not(None),
            )
            .group_by(ServiceRequest.assignee_id)
        ).all()
    )
    rows = session.execute(
        select(
            TranslationJob.source_lang,
            TranslationJob.target_lang,
            ServiceRequest.created_at,
            ServiceRequest.assigned_at,
            ServiceRequest.completed_at,
        )
        .join(ServiceRequest, ServiceRequest.id == TranslationJob.request_id)
        .where(ServiceRequest.centre_id == centre_id)
        .order_by(ServiceRequest.id.desc())
        .limit(5000)
    ).all()
    to_assign: dict[tuple[str, str], list[float]] = defaultdict(list)
    to_finish: dict[tuple[str, str], list[float]] = defaultdict(list)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for source, target, created, assigned, completed in rows:
        pair = (source, target)
        totals[pair] += 1
        if assigned:
            to_assign[pair].append((assigned - created).total_seconds() / 60)
        if completed:
            to_finish[pair].append((completed - created).total_seconds() / 60)
    medians = {
        pair: (
            statistics.median(to_assign[pair]) if to_assign[pair] else None,
            statistics.median(to_finish[pair]) if to_finish[pair] else None,
            totals[pair],
        )
        for pair in totals
    }
    unroutable_requests = session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.centre_id == centre_id, ServiceRequest.status == RequestStatus.UNROUTABLE)
        .order_by(ServiceRequest.needed_by)
    ).all()
    jobs = jobs_by_request(session, list(unroutable_requests))
    return Coverage(
        languages=languages,
        matrix=matrix,
        load=[(v, counts.get(v.id, 0)) for v in volunteers],
        medians=medians,
        unroutable=[(r, jobs[r.id]) for r in unroutable_requests if r.id in jobs],
    )
