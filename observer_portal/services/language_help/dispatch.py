"""Routing translation and interpreting work to volunteers by language: the candidates
from the database, the pure choice of `services.routing.choose` applied with the same
conditional UPDATE as every workflow move (a job is never given to two people),
interpreters' bookings, unroutable work, and duty changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from observer_portal.models import (
    OPEN_STATUSES,
    EventAction,
    InterpretationBooking,
    Notification,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Role,
    RoutingAttempt,
    ServiceRequest,
    TranslationJob,
    User,
)
from observer_portal.models.base import utcnow
from observer_portal.services.notifications import REQUEST_ASSIGNED, REQUEST_UNROUTABLE, notify
from observer_portal.services.routing import Candidate, choose, why_unroutable

ROUTED_KINDS = (RequestKind.TRANSLATION, RequestKind.INTERPRETATION)


def job_of(session: Session, request: ServiceRequest) -> TranslationJob:
    return session.get(TranslationJob, request.id)


def _excluded(session: Session, request_id: int) -> set[int]:
    return set(session.scalars(select(RoutingAttempt.volunteer_id).where(RoutingAttempt.request_id == request_id)))


def candidates(session: Session, centre_id: int, job: TranslationJob | None = None) -> list[Candidate]:
    """Every active volunteer of the centre as a routing candidate (four queries)."""
    volunteers = list(
        session.scalars(
            select(User)
            .where(User.centre_id == centre_id, User.role == Role.VOLUNTEER, User.active.is_(True))
            .options(selectinload(User.languages))
        )
    )
    ids = [v.id for v in volunteers]
    if not ids:
        return []
    open_counts = dict(
        session.execute(
            select(ServiceRequest.assignee_id, func.count())
            .where(ServiceRequest.assignee_id.in_(ids), ServiceRequest.status.in_(OPEN_STATUSES))
            .group_by(ServiceRequest.assignee_id)
        ).all()
    )
    last_assigned = _last_assignments(session, ids)
    busy: set[int] = set()
    if job is not None and job.starts_at is not None and job.ends_at is not None:
        busy = set(
            session.scalars(
                select(InterpretationBooking.volunteer_id).where(
                    InterpretationBooking.volunteer_id.in_(ids),
                    InterpretationBooking.request_id != job.request_id,
                    InterpretationBooking.starts_at < job.ends_at,
                    InterpretationBooking.ends_at > job.starts_at,
                )
            )
        )
    return [
        Candidate(
            id=v.id,
            languages=frozenset(v.language_codes),
            open_assignments=open_counts.get(v.id, 0),
            last_assigned_at=last_assigned.get(v.id),
            active=v.active,
            on_duty=v.on_duty,
            busy=v.id in busy,
        )
        for v in volunteers
    ]


def _last_assignments(session: Session, ids: list[int]) -> dict[int, datetime]:
    return dict(
        session.execute(
            select(ServiceRequest.assignee_id, func.max(ServiceRequest.assigned_at))
            .where(ServiceRequest.assignee_id.in_(ids))
            .group_by(ServiceRequest.assignee_id)
        ).all()
    )


def _book(session: Session, request: ServiceRequest, job: TranslationJob, volunteer_id: int) -> bool:
    """Reserve the interpreter's time; False if it overlaps another booking. Serialised per volunteer."""
    if job.starts_at is None or job.ends_at is None:
        return True
    # PostgreSQL: lock the volunteer's row so two bookings for them cannot interleave.
    # FOR NO KEY UPDATE, because the request UPDATE already holds a KEY SHARE lock on this
    # row (its foreign key); a plain FOR UPDATE would deadlock two concurrent bookers.
    # SQLite: the request UPDATE before this already holds the database's write lock.
    session.execute(select(User.id).where(User.id == volunteer_id).with_for_update(key_share=True))
    if clashes(session, request, job, volunteer_id):
        return False
    session.execute(delete(InterpretationBooking).where(InterpretationBooking.request_id == request.id))
    session.add(
        InterpretationBooking(
            request_id=request.id, volunteer_id=volunteer_id, starts_at=job.starts_at, ends_at=job.ends_at
        )
    )
    session.flush()
    return True


def clashes(session: Session, request: ServiceRequest, job: TranslationJob, volunteer_id: int) -> bool:
    """Would this job's meeting overlap another booking of the volunteer?"""
    if job.starts_at is None or job.ends_at is None:
        return False
    return (
        session.scalar(
            select(InterpretationBooking.id)
            .where(
                InterpretationBooking.volunteer_id == volunteer_id,
                InterpretationBooking.request_id != request.id,
                InterpretationBooking.starts_at < job.ends_at,
                InterpretationBooking.ends_at > job.starts_at,
            )
            .limit(1)
        )
        is not None
    )


def _unbook(session: Session, request_id: int) -> None:
    session.execute(delete(InterpretationBooking).where(InterpretationBooking.request_id == request_id))


def route(session: Session, request: ServiceRequest) -> list[Notification]:
    """Give an unassigned job to the best eligible volunteer, or mark it unroutable."""
    job = job_of(session, request)
    excluded = _excluded(session, request.id)
    for _attempt in range(5):  # a booking lost to a concurrent one: try the next person
        pool = candidates(session, request.centre_id, job)
        chosen = choose(pool, job.source_lang, job.target_lang, excluded)
        if chosen is None:
            return _mark_unroutable(session, request, job, pool, excluded)
        now = utcnow()
        result = session.execute(
            update(ServiceRequest)
            .where(
                ServiceRequest.id == request.id,
                ServiceRequest.status.in_([RequestStatus.NEW, RequestStatus.UNROUTABLE]),
                ServiceRequest.assignee_id.is_(None),
            )
            .values(
                status=RequestStatus.ASSIGNED,
                assignee_id=chosen.id,
                assigned_at=now,
                updated_at=now,
                handovers=ServiceRequest.handovers + 1,  # kept with the ROUTED event below
            ),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount != 1:
            return []  # someone else took or cancelled it meanwhile
        if not _book(session, request, job, chosen.id):
            session.execute(
                update(ServiceRequest)
                .where(ServiceRequest.id == request.id)
                .values(
                    status=RequestStatus.NEW,
                    assignee_id=None,
                    assigned_at=None,
                    handovers=ServiceRequest.handovers - 1,  # not routed after all: no event either
                ),
                execution_options={"synchronize_session": False},
            )
            excluded.add(chosen.id)
            continue
        old = request.status
        session.expire(request)
        job.unroutable_reason = None
        session.add(
            RequestEvent(
                request_id=request.id,
                actor_id=None,
                action=EventAction.ROUTED,
                from_status=old.value,
                to_status=RequestStatus.ASSIGNED.value,
                subject_id=chosen.id,
            )
        )
        return [
            n
            for n in (
                notify(session, chosen.id, REQUEST_ASSIGNED, params={"id": request.id, "kind": request.kind.value}),
            )
            if n is not None
        ]
    return _mark_unroutable(session, request, job, candidates(session, request.centre_id, job), excluded)


def _mark_unroutable(session, request, job, pool, excluded) -> list[Notification]:
    code, params = why_unroutable(pool, job.source_lang, job.target_lang, excluded)
    job.unroutable_reason = {"code": code, "params": params}
    if request.status == RequestStatus.UNROUTABLE:
        return []
    old = request.status
    result = session.execute(
        update(ServiceRequest)
        .where(ServiceRequest.id == request.id, ServiceRequest.status == old, ServiceRequest.assignee_id.is_(None))
        .values(status=RequestStatus.UNROUTABLE, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        return []
    session.expire(request)
    session.add(
        RequestEvent(
            request_id=request.id,
            actor_id=None,
            action=EventAction.UNROUTABLE,
            from_status=old.value,
            to_status=RequestStatus.UNROUTABLE.value,
            reason=code,
        )
    )
    coordinators = session.scalars(
        select(User.id).where(User.centre_id == request.centre_id, User.role == Role.COORDINATOR, User.active.is_(True))
    )
    return [
        n
        for n in (notify(session, uid, REQUEST_UNROUTABLE, params={"id": request.id}) for uid in coordinators)
        if n is not None
    ]


def on_duty_changed(session: Session, user: User) -> list[Notification]:
    """Coming on duty: retry unroutable jobs. Going off duty: release jobs not yet started."""
    notifications: list[Notification] = []
    if user.on_duty:
        waiting = session.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.centre_id == user.centre_id,
                ServiceRequest.kind.in_(ROUTED_KINDS),
                ServiceRequest.status.in_([RequestStatus.UNROUTABLE, RequestStatus.NEW]),
                ServiceRequest.assignee_id.is_(None),
            )
            .order_by(ServiceRequest.needed_by, ServiceRequest.id)
        ).all()
        for request in waiting:
            notifications += route(session, request)
        return notifications
    return release(session, user)


def release(session: Session, user: User, *, all_work: bool = False) -> list[Notification]:
    """Hand back `user`'s language work not yet started (going off duty) — or, when their
    account is closed (`all_work`), every open request assigned to them, started or not, of
    any kind. Language work is routed to someone else at once; the rest goes back to the
    centre's queue. Each move is a conditional UPDATE, like every workflow move."""
    statuses = [RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS] if all_work else [RequestStatus.ASSIGNED]
    stmt = select(ServiceRequest).where(ServiceRequest.assignee_id == user.id, ServiceRequest.status.in_(statuses))
    if not all_work:
        stmt = stmt.where(ServiceRequest.kind.in_(ROUTED_KINDS))
    notifications: list[Notification] = []
    for request in session.scalars(stmt.order_by(ServiceRequest.needed_by, ServiceRequest.id)).all():
        old = request.status
        result = session.execute(
            update(ServiceRequest)
            .where(ServiceRequest.id == request.id, ServiceRequest.status == old, ServiceRequest.assignee_id == user.id)
            .values(status=RequestStatus.NEW, assignee_id=None, assigned_at=None, updated_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount != 1:
            continue
        session.expire(request)
        session.add(
            RequestEvent(
                request_id=request.id,
                actor_id=user.id,
                action=EventAction.RELEASED,
                from_status=old.value,
                to_status=RequestStatus.NEW.value,
            )
        )
        if request.kind in ROUTED_KINDS:
            session.add(
                RoutingAttempt(request_id=request.id, volunteer_id=user.id, outcome="released", reason="off duty")
            )
            _unbook(session, request.id)
            session.flush()
            notifications += route(session, request)
    return notifications
