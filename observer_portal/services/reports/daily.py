"""The centre's daily report — and its week and whole-election variants: the span's figures
(visits by kind of visitor and purpose, requests by kind, done, first-response times, loans,
language pairs asked for, language help nobody could take), the volunteers and languages on
duty, what stood out (the busiest hour, unroutable work), the coordinator's notes, and one
line per day when the span is longer than a day. Counts only: nobody is named."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from observer_portal.models import (
    AuditAction,
    AuditEvent,
    DailyNote,
    EquipmentItem,
    EventAction,
    Loan,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Role,
    ServiceRequest,
    TranslationJob,
    User,
    Visit,
    VisitorKind,
    VisitPurpose,
    VolunteerLanguage,
)
from observer_portal.models.base import utcnow
from observer_portal.models.visit_count import ALL_PURPOSES, VisitCount
from observer_portal.services.reports.scope import Scope, centre_zones, in_days
from observer_portal.services.reports.sql import Spread, in_any, local_date, local_hour, minutes_between, spreads

PERIODS = ("day", "week", "election")


@dataclass(frozen=True)
class DayLine:
    day: date
    visits: int
    requests: int
    done: int


@dataclass
class DailyReport:
    scope: Scope
    visits: int = 0
    by_visitor_kind: dict[VisitorKind, int] = field(default_factory=dict)
    purposes: dict[VisitPurpose, int] = field(default_factory=dict)
    requests: dict[RequestKind, int] = field(default_factory=dict)
    done: int = 0  # done within the span (whenever filed)
    not_done: int = 0  # filed within the span, not done by its end (withdrawn ones aside)
    withdrawn: int = 0  # filed within the span and withdrawn (cancelled)
    first_response: Spread | None = None
    loans_out: int = 0
    loans_back: int = 0
    language_pairs: list[tuple[str, str, int]] = field(default_factory=list)
    unroutable: int = 0
    unroutable_reasons: dict[str, int] = field(default_factory=dict)
    volunteers_on_duty: int = 0
    languages_on_duty: dict[str, int] = field(default_factory=dict)
    busiest_hour: tuple[int, int] | None = None  # (local hour, visits) on a one-day report of one centre
    days: list[DayLine] = field(default_factory=list)  # one per day on a longer span
    notes: list[DailyNote] = field(default_factory=list)

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


def span(period: str, day: date, serves_from: date, serves_to: date) -> tuple[date, date]:
    """The days a report covers: the day, the seven days ending on it, or the election's."""
    if period == "week":
        return day - timedelta(days=6), day
    if period == "election":
        return serves_from, serves_to
    return day, day


def build(session: Session, scope: Scope, now: datetime | None = None) -> DailyReport:
    zones = centre_zones(session, scope)
    report = DailyReport(scope)
    _visits(session, scope, report)
    filed = (
        ServiceRequest.election_id == scope.election_id,
        in_days(zones, scope, ServiceRequest.centre_id, ServiceRequest.created_at),
    )
    _requests(session, scope, zones, filed, report)
    _loans(session, scope, zones, report)
    _duty(session, scope, zones, now or utcnow(), report)
    if scope.centre_id is not None and scope.days == 1:
        report.busiest_hour = _busiest_hour(session, scope, zones[0][1])
    if scope.days > 1:
        report.days = _per_day(session, scope, zones, now or utcnow())
    notes = select(DailyNote).where(DailyNote.day >= scope.date_from, DailyNote.day <= scope.date_to)
    if scope.centre_id is not None:
        notes = notes.where(DailyNote.centre_id == scope.centre_id)
    report.notes = [n for n in session.scalars(notes.order_by(DailyNote.day, DailyNote.centre_id)) if n.text]
    return report


def _counts_where(scope: Scope) -> list:
    conditions = [
        VisitCount.election_id == scope.election_id,
        VisitCount.day >= scope.date_from,
        VisitCount.day <= scope.date_to,
    ]
    if scope.centre_id is not None:
        conditions.append(VisitCount.centre_id == scope.centre_id)
    return conditions


def _visits(session: Session, scope: Scope, report: DailyReport) -> None:
    """From the visit counts: every visit once (purpose "*"), and once per purpose given."""
    rows = session.execute(
        select(VisitCount.purpose, VisitCount.visitor_kind, func.sum(VisitCount.visits))
        .where(*_counts_where(scope))
        .group_by(VisitCount.purpose, VisitCount.visitor_kind)
    )
    for purpose, kind, count in rows:
        count = int(count or 0)
        if purpose == ALL_PURPOSES:
            report.visits += count
            report.by_visitor_kind[VisitorKind(kind)] = report.by_visitor_kind.get(VisitorKind(kind), 0) + count
        elif count:
            report.purposes[VisitPurpose(purpose)] = report.purposes.get(VisitPurpose(purpose), 0) + count


def _ends(scope: Scope, zones) -> list:
    """Per centre: the span's end (local midnight after its last day) as a condition maker."""
    return [
        (centre_id, datetime.combine(scope.date_to + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone)))
        for centre_id, zone in zones
    ]


def _requests(session: Session, scope: Scope, zones, filed, report: DailyReport) -> None:
    for kind, count in session.execute(
        select(ServiceRequest.kind, func.count()).where(*filed).group_by(ServiceRequest.kind)
    ):
        report.requests[kind] = count
    ends = _ends(scope, zones)
    late = in_any(
        *(
            and_(
                ServiceRequest.centre_id == centre_id,
                (ServiceRequest.completed_at.is_(None)) | (ServiceRequest.completed_at >= end),
            )
            for centre_id, end in ends
        )
    )
    report.not_done = session.scalar(
        select(func.count()).where(*filed, ServiceRequest.status != RequestStatus.CANCELLED, late)
    )
    report.withdrawn = session.scalar(
        select(func.count()).where(*filed, ServiceRequest.status == RequestStatus.CANCELLED)
    )
    report.done = session.scalar(
        select(func.count()).where(
            ServiceRequest.election_id == scope.election_id,
            ServiceRequest.status == RequestStatus.DONE,
            in_days(zones, scope, ServiceRequest.centre_id, ServiceRequest.completed_at),
        )
    )
    first = minutes_between(ServiceRequest.created_at, ServiceRequest.first_response_at)
    report.first_response = spreads(session, first, (), ((),), filed)[0].get(())
    pairs = session.execute(
        select(TranslationJob.source_lang, TranslationJob.target_lang, func.count())
        .join(ServiceRequest, ServiceRequest.id == TranslationJob.request_id)
        .where(*filed)
        .group_by(TranslationJob.source_lang, TranslationJob.target_lang)
        .order_by(func.count().desc(), TranslationJob.source_lang, TranslationJob.target_lang)
    )
    report.language_pairs = [(source, target, count) for source, target, count in pairs]
    unroutable = select(RequestEvent.request_id).where(RequestEvent.action == EventAction.UNROUTABLE)
    report.unroutable = session.scalar(select(func.count()).where(*filed, ServiceRequest.id.in_(unroutable)))
    reasons = (
        select(RequestEvent.request_id, RequestEvent.reason)
        .where(RequestEvent.action == EventAction.UNROUTABLE)
        .distinct()
        .subquery()
    )
    report.unroutable_reasons = {
        reason or "": count
        for reason, count in session.execute(
            select(reasons.c.reason, func.count())
            .select_from(ServiceRequest)
            .join(reasons, reasons.c.request_id == ServiceRequest.id)
            .where(*filed)
            .group_by(reasons.c.reason)
        )
    }


def _loans(session: Session, scope: Scope, zones, report: DailyReport) -> None:
    base = select(func.count()).select_from(Loan).join(EquipmentItem, EquipmentItem.id == Loan.item_id)
    base = base.where(Loan.election_id == scope.election_id)
    report.loans_out = session.scalar(base.where(in_days(zones, scope, EquipmentItem.centre_id, Loan.out_at)))
    report.loans_back = session.scalar(base.where(in_days(zones, scope, EquipmentItem.centre_id, Loan.returned_at)))


def _duty(session: Session, scope: Scope, zones, now: datetime, report: DailyReport) -> None:
    """Volunteers on duty at some time of the span, from the audit trail of going on and off
    duty: on duty when it began, went on duty during it, or on duty now if it is not over."""
    on, off = AuditAction.VOLUNTEER_ON_DUTY, AuditAction.VOLUNTEER_OFF_DUTY
    on_duty: set[int] = set()
    for centre_id, zone in zones:
        start = datetime.combine(scope.date_from, time.min, tzinfo=ZoneInfo(zone))
        end = datetime.combine(scope.date_to + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone))
        staff = select(User.id).where(User.centre_id == centre_id, User.role == Role.VOLUNTEER)
        duty = (AuditEvent.object_type == "User", AuditEvent.object_id.in_(staff))
        last = (
            select(func.max(AuditEvent.id))
            .where(*duty, AuditEvent.action.in_((on, off)), AuditEvent.created_at < start)
            .group_by(AuditEvent.object_id)
        )
        on_duty |= set(
            session.scalars(select(AuditEvent.object_id).where(AuditEvent.id.in_(last), AuditEvent.action == on))
        )
        on_duty |= set(
            session.scalars(
                select(AuditEvent.object_id).where(
                    *duty, AuditEvent.action == on, AuditEvent.created_at >= start, AuditEvent.created_at < end
                )
            )
        )
        if start <= now < end:
            on_duty |= set(session.scalars(staff.where(User.on_duty.is_(True))))
    report.volunteers_on_duty = len(on_duty)
    if on_duty:
        languages = session.scalars(
            select(VolunteerLanguage.language).where(VolunteerLanguage.user_id.in_(sorted(on_duty)))
        )
        report.languages_on_duty = dict(Counter(languages).most_common())


def _busiest_hour(session: Session, scope: Scope, zone: str) -> tuple[int, int] | None:
    noon = datetime.combine(scope.date_from, time(12), tzinfo=ZoneInfo(zone))
    offset = int(noon.utcoffset().total_seconds() // 60)
    hour = local_hour(Visit.arrived_at, offset)
    row = session.execute(
        select(hour, func.count())
        .where(  # the local day as a range of arrivals: read through the (election, centre, arrival) index
            Visit.election_id == scope.election_id,
            Visit.centre_id == scope.centre_id,
            Visit.arrived_at >= datetime.combine(scope.date_from, time.min, tzinfo=ZoneInfo(zone)),
            Visit.arrived_at < datetime.combine(scope.date_from + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone)),
        )
        .group_by(hour)
        .order_by(func.count().desc(), hour)
        .limit(1)
    ).first()
    return (int(row[0]), int(row[1])) if row else None


def _per_day(session: Session, scope: Scope, zones, now: datetime) -> list[DayLine]:
    """One line per day up to today: a day still to come has no figures, not zero visitors."""
    visits = dict(
        session.execute(
            select(VisitCount.day, func.sum(VisitCount.visits))
            .where(*_counts_where(scope), VisitCount.purpose == ALL_PURPOSES)
            .group_by(VisitCount.day)
        ).all()
    )
    requests: Counter = Counter()
    done: Counter = Counter()
    for centre_id, zone in zones:  # each centre's own calendar days
        requests.update(_local_days(session, scope, centre_id, zone, ServiceRequest.created_at))
        done.update(_local_days(session, scope, centre_id, zone, ServiceRequest.completed_at, done_only=True))
    today = max(now.astimezone(ZoneInfo(zone)).date() for _centre, zone in zones) if zones else scope.date_to
    day, lines = scope.date_from, []
    while day <= min(scope.date_to, today):
        lines.append(DayLine(day, int(visits.get(day) or 0), requests[day], done[day]))
        day += timedelta(days=1)
    return lines


def _local_days(session: Session, scope: Scope, centre_id: int, zone: str, moment, *, done_only=False) -> Counter:
    """How many requests of one centre fall on each of its calendar days, counted in SQL at
    the centre's offset from UTC on the span's first day (Kazakhstan keeps no summer time)."""
    start = datetime.combine(scope.date_from, time.min, tzinfo=ZoneInfo(zone))
    end = datetime.combine(scope.date_to + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone))
    offset = int(datetime.combine(scope.date_from, time(12), tzinfo=ZoneInfo(zone)).utcoffset().total_seconds() // 60)
    conditions = [
        ServiceRequest.centre_id == centre_id,
        ServiceRequest.election_id == scope.election_id,
        moment >= start,
        moment < end,
    ]
    if done_only:
        conditions.append(ServiceRequest.status == RequestStatus.DONE)
    day = local_date(moment, offset)
    rows = session.execute(select(day, func.count()).where(*conditions).group_by(day))
    return Counter({date.fromisoformat(text): count for text, count in rows})
