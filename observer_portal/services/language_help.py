"""Translation and interpretation requests: filing, routing to volunteers by language,
declines, duty changes, interpreters' bookings, delivery, and the coordinator's view.

The choice of volunteer is the pure function `routing.choose`; this module gathers the
candidates from the database and applies the choice with the same conditional UPDATE
as every other workflow move, so a job is never given to two people.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from observer_portal.lazy_text import _l
from observer_portal.models import (
    OPEN_STATUSES,
    Briefing,
    EventAction,
    HelpMode,
    InterpretationBooking,
    Notification,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Role,
    RoutingAttempt,
    ServiceRequest,
    TranslationJob,
    TranslationOrigin,
    User,
    VolunteerLanguage,
)
from observer_portal.models.base import utcnow
from observer_portal.services import ServiceError, assistance
from observer_portal.services import briefings as briefing_service
from observer_portal.services.documents import read_document
from observer_portal.services.machine_translation import MachineTranslator
from observer_portal.services.notifications import REQUEST_ASSIGNED, REQUEST_UNROUTABLE, notify
from observer_portal.services.routing import Candidate, choose, why_unroutable
from observer_portal.services.translation_memory import remember, translate_cached
from observer_portal.services.workflow import Action, Relation

ROUTED_KINDS = (RequestKind.TRANSLATION, RequestKind.INTERPRETATION)
MAX_TEXT = 20_000
MAX_INTERPRETATION = timedelta(hours=12)


@dataclass
class JobInput:
    source: str
    target: str
    mode: HelpMode
    needed_by: datetime
    text: str = ""
    document_name: str = ""
    document_data: bytes | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str = ""
    notes: str = ""


# ---------------------------------------------------------------- filing


def _validate(data: JobInput, languages: tuple[str, ...], now: datetime) -> None:
    if data.source not in languages:
        raise ServiceError(_l("Choose a language from the list."), field="source")
    if data.target not in languages:
        raise ServiceError(_l("Choose a language from the list."), field="target")
    if data.source == data.target:
        raise ServiceError(_l("Choose two different languages."), field="target")
    if data.mode == HelpMode.WRITTEN:
        if not data.text.strip():
            raise ServiceError(_l("Paste the text to translate."), field="text")
        if len(data.text) > MAX_TEXT:
            raise ServiceError(_l("The text is longer than %(n)d characters.", n=MAX_TEXT), field="text")
    if data.mode == HelpMode.DOCUMENT and data.document_data is None:
        raise ServiceError(_l("Attach the document to translate."), field="document")
    if data.mode == HelpMode.INTERPRETATION:
        if data.starts_at is None or data.ends_at is None:
            raise ServiceError(_l("Give the start and end of the meeting."), field="starts_at")
        if data.starts_at < now:
            raise ServiceError(_l("The time must be in the future."), field="starts_at")
        if data.ends_at <= data.starts_at:
            raise ServiceError(_l("The meeting must end after it starts."), field="ends_at")
        if data.ends_at - data.starts_at > MAX_INTERPRETATION:
            raise ServiceError(_l("A booking can last at most 12 hours."), field="ends_at")
        if not data.place.strip():
            raise ServiceError(_l("Say where the meeting takes place."), field="place")


def file_job(
    session: Session, actor: User, data: JobInput, languages: tuple[str, ...]
) -> tuple[ServiceRequest, list[Notification]]:
    """Create the request and its language details, then route it at once."""
    now = utcnow()
    _validate(data, languages, now)
    kind_type, text = "", data.text
    if data.mode == HelpMode.DOCUMENT:
        kind_type, text = read_document(data.document_name, data.document_data or b"", max_chars=MAX_TEXT)
    if data.mode == HelpMode.INTERPRETATION:
        data.needed_by = data.starts_at
    kind = RequestKind.TRANSLATION if data.mode.is_written else RequestKind.INTERPRETATION
    request = assistance.create_request(
        session,
        actor,
        assistance.RequestInput(
            kind=kind, details=data.notes.strip(), needed_by=data.needed_by, location=data.place.strip()
        ),
    )
    session.add(
        TranslationJob(
            request_id=request.id,
            source_lang=data.source,
            target_lang=data.target,
            mode=data.mode,
            source_text=text,
            document_name=(data.document_name or "")[:200] if data.mode == HelpMode.DOCUMENT else "",
            document_type=kind_type,
            document_data=data.document_data if data.mode == HelpMode.DOCUMENT else None,
            starts_at=data.starts_at if data.mode == HelpMode.INTERPRETATION else None,
            ends_at=data.ends_at if data.mode == HelpMode.INTERPRETATION else None,
            place=data.place.strip(),
        )
    )
    session.flush()
    return request, route(session, request)


def file_briefing_job(
    session: Session, reader: User, briefing: Briefing, locale: str
) -> tuple[ServiceRequest | None, list[Notification]]:
    """A reader asked for a briefing in their language: give the work to a volunteer of the
    briefing's centre who speaks it — once per briefing and language, however many ask."""
    waiting = session.scalar(
        select(ServiceRequest.id)
        .join(TranslationJob, TranslationJob.request_id == ServiceRequest.id)
        .where(
            TranslationJob.briefing_id == briefing.id,
            TranslationJob.target_lang == locale,
            ServiceRequest.status.in_(OPEN_STATUSES),
        )
    )
    if waiting:
        return None, []
    original = briefing.original
    request = assistance.create_request(
        session,
        reader,
        assistance.RequestInput(
            kind=RequestKind.TRANSLATION,
            details=f"{original.title} ({briefing.original_locale} → {locale})",
            needed_by=utcnow() + timedelta(hours=24),
        ),
        centre_id=briefing.centre_id,
    )
    session.add(
        TranslationJob(
            request_id=request.id,
            source_lang=briefing.original_locale,
            target_lang=locale,
            mode=HelpMode.WRITTEN,
            source_text=f"{original.title}\n\n{original.body}",
            briefing_id=briefing.id,
        )
    )
    session.flush()
    return request, route(session, request)


def _deliver_to_briefing(session: Session, actor: User, job: TranslationJob) -> None:
    """A delivered briefing translation becomes the briefing's text in that language (a
    draft, marked as not yet reviewed, until a reviewer confirms it): first line = title."""
    briefing = session.get(Briefing, job.briefing_id)
    if briefing is None:
        return
    title, _, body = job.final_text.strip().partition("\n")
    if not briefing_service.can_translate(actor, briefing, job.target_lang):
        raise ServiceError(_l("You cannot translate this briefing into that language."))
    briefing_service.save_translation(
        session, actor, briefing, job.target_lang, title=title.strip()[:200] or briefing.original.title,
        body=body.strip() + "\n", figure_labels={}, reviewed=False,
    )  # fmt: skip


def job_of(session: Session, request: ServiceRequest) -> TranslationJob:
    return session.get(TranslationJob, request.id)


# ---------------------------------------------------------------- routing


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
    clash = session.scalar(
        select(InterpretationBooking.id).where(
            InterpretationBooking.volunteer_id == volunteer_id,
            InterpretationBooking.request_id != request.id,
            InterpretationBooking.starts_at < job.ends_at,
            InterpretationBooking.ends_at > job.starts_at,
        )
    )
    if clash:
        return False
    session.execute(delete(InterpretationBooking).where(InterpretationBooking.request_id == request.id))
    session.add(
        InterpretationBooking(
            request_id=request.id, volunteer_id=volunteer_id, starts_at=job.starts_at, ends_at=job.ends_at
        )
    )
    session.flush()
    return True


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
            .values(status=RequestStatus.ASSIGNED, assignee_id=chosen.id, assigned_at=now, updated_at=now),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount != 1:
            return []  # someone else took or cancelled it meanwhile
        if not _book(session, request, job, chosen.id):
            session.execute(
                update(ServiceRequest)
                .where(ServiceRequest.id == request.id)
                .values(status=RequestStatus.NEW, assignee_id=None, assigned_at=None),
                execution_options={"synchronize_session": False},
            )
            excluded.add(chosen.id)
            continue
        old = request.status
        session.expire(request)
        job.unroutable_reason = None
        session.add(
            RequestEvent(request_id=request.id, actor_id=None, action=EventAction.ROUTED, from_status=old.value,
                         to_status=RequestStatus.ASSIGNED.value, subject_id=chosen.id)
        )  # fmt: skip
        return [
            n
            for n in (
                notify(session, chosen.id, REQUEST_ASSIGNED, link=f"/requests/{request.id}",
                       params={"id": request.id, "kind": request.kind.value}),
            )
            if n is not None
        ]  # fmt: skip
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
        RequestEvent(request_id=request.id, actor_id=None, action=EventAction.UNROUTABLE, from_status=old.value,
                     to_status=RequestStatus.UNROUTABLE.value, reason=code)
    )  # fmt: skip
    coordinators = session.scalars(
        select(User.id).where(User.centre_id == request.centre_id, User.role == Role.COORDINATOR, User.active.is_(True))
    )
    return [
        n
        for n in (
            notify(session, uid, REQUEST_UNROUTABLE, link="/language-help/coverage", params={"id": request.id})
            for uid in coordinators
        )
        if n is not None
    ]


# ---------------------------------------------------------------- workflow


def perform_any(
    session: Session,
    actor: User,
    request: ServiceRequest,
    action: Action,
    *,
    note: str = "",
    assignee: User | None = None,
) -> assistance.Outcome:
    """One entry point for every request: language jobs get routing, bookings and delivery."""
    if request.kind not in ROUTED_KINDS:
        return assistance.perform(session, actor, request, action, note=note, assignee=assignee)
    job = job_of(session, request)
    if action == Action.CLAIM and actor.role == Role.VOLUNTEER:
        if not {job.source_lang, job.target_lang} <= set(actor.language_codes):
            raise ServiceError(_l("You do not speak both languages of this request."))
    if action == Action.COMPLETE and job.mode.is_written and not job.final_text.strip():
        raise ServiceError(_l("Save the translation before marking the request as done."))
    outcome = assistance.perform(session, actor, request, action, note=note, assignee=assignee)
    request = outcome.request
    if action in (Action.CLAIM, Action.ASSIGN) and not _book(session, request, job, request.assignee_id):
        session.rollback()
        raise ServiceError(_l("That person already interprets at an overlapping time."))
    if action == Action.DECLINE:
        session.add(RoutingAttempt(request_id=request.id, volunteer_id=actor.id, outcome="declined", reason=note))
        _unbook(session, request.id)
        session.flush()
        outcome.notifications.extend(route(session, request))
    elif action == Action.CANCEL:
        _unbook(session, request.id)
    elif action == Action.COMPLETE and job.mode.is_written:
        remember(session, job.source_text, job.final_text, job.source_lang, job.target_lang, TranslationOrigin.HUMAN)
        if job.briefing_id is not None:
            _deliver_to_briefing(session, actor, job)
    return outcome


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
    started = session.scalars(
        select(ServiceRequest).where(
            ServiceRequest.assignee_id == user.id,
            ServiceRequest.kind.in_(ROUTED_KINDS),
            ServiceRequest.status == RequestStatus.ASSIGNED,
        )
    ).all()
    for request in started:
        result = session.execute(
            update(ServiceRequest)
            .where(ServiceRequest.id == request.id, ServiceRequest.status == RequestStatus.ASSIGNED,
                   ServiceRequest.assignee_id == user.id)
            .values(status=RequestStatus.NEW, assignee_id=None, assigned_at=None, updated_at=utcnow()),
            execution_options={"synchronize_session": False},
        )  # fmt: skip
        if result.rowcount != 1:
            continue
        session.expire(request)
        session.add(RoutingAttempt(request_id=request.id, volunteer_id=user.id, outcome="released", reason="off duty"))
        session.add(
            RequestEvent(
                request_id=request.id, actor_id=user.id, action=EventAction.RELEASED, from_status="assigned",
                to_status="new",
            )
        )
        _unbook(session, request.id)
        session.flush()
        notifications += route(session, request)
    return notifications


def save_final_text(session: Session, actor: User, request: ServiceRequest, text: str) -> None:
    job = job_of(session, request)
    if not (request.assignee_id == actor.id or Relation.MANAGER in assistance.relations(actor, request)):
        raise ServiceError(_l("You cannot do that with this request."))
    if not request.status.is_open:
        raise assistance.state_refusal(request, actor)
    if len(text) > MAX_TEXT:
        raise ServiceError(_l("The text is longer than %(n)d characters.", n=MAX_TEXT), field="final_text")
    job.final_text = text


def make_machine_draft(session: Session, actor: User, request: ServiceRequest, translator: MachineTranslator) -> None:
    """Attach a machine draft, paragraph by paragraph through the translation memory."""
    job = job_of(session, request)
    if not (request.assignee_id == actor.id or Relation.MANAGER in assistance.relations(actor, request)):
        raise ServiceError(_l("You cannot do that with this request."))
    lines = [
        translate_cached(session, translator, line, job.source_lang, job.target_lang) if line.strip() else line
        for line in job.source_text.splitlines()
    ]
    job.machine_draft, job.machine_provider = "\n".join(lines), translator.provider


# ---------------------------------------------------------------- lists and figures


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
            .where(InterpretationBooking.volunteer_id == user_id,
                   InterpretationBooking.ends_at >= (since or utcnow() - timedelta(days=1)))
            .order_by(InterpretationBooking.starts_at)
            .limit(500)
        )
    )  # fmt: skip


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
        select(User).where(User.centre_id == centre_id, User.role == Role.VOLUNTEER, User.active.is_(True))
        .order_by(User.display_name)
    ).all()  # fmt: skip
    counts = dict(
        session.execute(
            select(ServiceRequest.assignee_id, func.count())
            .where(ServiceRequest.centre_id == centre_id, ServiceRequest.status.in_(OPEN_STATUSES),
                   ServiceRequest.assignee_id.is_not(None))
            .group_by(ServiceRequest.assignee_id)
        ).all()
    )  # fmt: skip
    rows = session.execute(
        select(TranslationJob.source_lang, TranslationJob.target_lang, ServiceRequest.created_at,
               ServiceRequest.assigned_at, ServiceRequest.completed_at)
        .join(ServiceRequest, ServiceRequest.id == TranslationJob.request_id)
        .where(ServiceRequest.centre_id == centre_id)
        .order_by(ServiceRequest.id.desc())
        .limit(5000)
    ).all()  # fmt: skip
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
