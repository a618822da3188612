"""Equal treatment: for an election and a span of days, the service each mission and outlet,
and each kind of visitor, received — visits, requests by kind, how many were done, how long
people waited for a first response and for the result, declines and hand-overs, language
work nobody could take and why, equipment loans, briefings read in which language — beside the whole scope's figures, with the
differences that stand out flagged (`flags_for`). Counted by the database; no person named."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from observer_portal.models import (
    BriefingRead,
    EquipmentItem,
    EventAction,
    Loan,
    Organisation,
    RequestEvent,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    VisitorKind,
    VisitorProfile,
)
from observer_portal.models.visit_count import ALL_PURPOSES, NONE, VisitCount
from observer_portal.services.reports.scope import Scope, centre_zones, in_days
from observer_portal.services.reports.sql import Spread, minutes_between, spreads

Key = tuple[int | None, VisitorKind | None]  # (mission or outlet, kind of visitor)

LANGUAGE_KINDS = (RequestKind.TRANSLATION, RequestKind.INTERPRETATION)

# The flag rule, in one place: a group is flagged where it fared more than TWICE as badly
# as the whole scope, once it has at least MIN_TO_COMPARE cases of that measure.
TWICE = 2
MIN_TO_COMPARE = 3


@dataclass
class Figures:
    visits: int = 0
    requests: int = 0
    by_kind: dict[RequestKind, int] = field(default_factory=dict)
    done: int = 0
    cancelled: int = 0
    waiting: int = 0  # open, and nobody has taken it on yet
    first_response: Spread | None = None  # seconds from filing to the first response
    to_done: Spread | None = None  # seconds from filing to done
    declines: int = 0
    reassignments: int = 0
    unroutable: int = 0  # language requests nobody could take, at least once
    unroutable_reasons: dict[str, int] = field(default_factory=dict)
    loans: int = 0
    reads: dict[str, int] = field(default_factory=dict)  # briefings read, by the language shown
    reads_in_own_language: int = 0  # shown in the reader's own language

    @property
    def briefing_reads(self) -> int:
        return sum(self.reads.values())

    @property
    def share_read_in_own_language(self) -> float | None:
        return self.reads_in_own_language / self.briefing_reads if self.briefing_reads else None

    @property
    def language_requests(self) -> int:
        return sum(self.by_kind.get(kind, 0) for kind in LANGUAGE_KINDS)

    @property
    def share_done(self) -> float | None:
        """Done among the requests not withdrawn."""
        asked = self.requests - self.cancelled
        return self.done / asked if asked else None

    def add(self, other: Figures) -> None:
        """Add another group's counts (not its spreads: a median is not a sum)."""
        for name in ("visits", "requests", "done", "cancelled", "waiting", "declines", "reassignments"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.unroutable += other.unroutable
        self.loans += other.loans
        self.reads_in_own_language += other.reads_in_own_language
        for locale, count in other.reads.items():
            self.reads[locale] = self.reads.get(locale, 0) + count
        for kind, count in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + count
        for reason, count in other.unroutable_reasons.items():
            self.unroutable_reasons[reason] = self.unroutable_reasons.get(reason, 0) + count


@dataclass(frozen=True)
class Flag:
    measure: str  # a key of labels.FLAG_TEXTS
    value: float  # the group's
    whole: float  # the whole scope's


@dataclass(frozen=True)
class Row:
    organisation_id: int | None  # None: no mission or outlet given
    organisation: Organisation | None
    visitor_kind: VisitorKind | None  # None on a row for every kind
    figures: Figures
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class Report:
    scope: Scope
    whole: Figures
    kinds: list[Row]  # one per kind of visitor
    organisations: list[Row]  # one per mission or outlet and kind of visitor

    @property
    def flagged(self) -> list[Row]:
        return [row for row in self.kinds + self.organisations if row.flags]


def _measures(group: Figures, whole: Figures) -> list[tuple[str, float | None, float | None, int]]:
    """(measure, the group's value, the whole's value, how many cases the group has)."""

    def rate(count: int, of: int) -> float | None:
        return count / of if of else None

    def not_done(figures: Figures) -> float | None:
        return None if figures.share_done is None else 1 - figures.share_done

    def median(spread: Spread | None) -> float | None:
        return spread.median if spread else None

    def other_language(figures: Figures) -> float | None:
        own = figures.share_read_in_own_language
        return None if own is None else 1 - own

    return [
        ("first_response", median(group.first_response), median(whole.first_response), _count(group.first_response)),
        ("to_done", median(group.to_done), median(whole.to_done), _count(group.to_done)),
        ("not_done", not_done(group), not_done(whole), group.requests - group.cancelled),
        ("declines", rate(group.declines, group.requests), rate(whole.declines, whole.requests), group.requests),
        (
            "unroutable",
            rate(group.unroutable, group.language_requests),
            rate(whole.unroutable, whole.language_requests),
            group.language_requests,
        ),
        ("other_language", other_language(group), other_language(whole), group.briefing_reads),
    ]


def _count(spread: Spread | None) -> int:
    return spread.count if spread else 0


def flags_for(group: Figures, whole: Figures) -> tuple[Flag, ...]:
    """What stands out: a measure more than twice the whole scope's, on enough cases."""
    return tuple(
        Flag(measure, value, of_whole)
        for measure, value, of_whole, cases in _measures(group, whole)
        if value is not None and of_whole is not None and cases >= MIN_TO_COMPARE and value > TWICE * of_whole
    )


def _key(organisation_id, kind) -> Key:
    return (organisation_id or None, VisitorKind(kind) if kind else None)


def build(session: Session, scope: Scope) -> Report:
    zones = centre_zones(session, scope)
    groups: dict[Key, Figures] = defaultdict(Figures)
    requests = (
        ServiceRequest.election_id == scope.election_id,
        in_days(zones, scope, ServiceRequest.centre_id, ServiceRequest.created_at),
    )
    group_columns = (ServiceRequest.organisation_id, ServiceRequest.visitor_kind)

    _count_visits(session, scope, groups)
    _count_requests(session, requests, group_columns, groups)
    _count_unroutable(session, requests, group_columns, groups)
    _count_loans(session, scope, zones, groups)
    _count_briefing_reads(session, scope, zones, groups)

    first_response = minutes_between(ServiceRequest.created_at, ServiceRequest.first_response_at)
    to_done = minutes_between(ServiceRequest.created_at, ServiceRequest.completed_at)
    done = (*requests, ServiceRequest.status == RequestStatus.DONE)
    whole, kinds = Figures(), defaultdict(Figures)
    for key, figures in groups.items():
        whole.add(figures)
        kinds[key[1]].add(figures)
    for name, duration, where in (("first_response", first_response, requests), ("to_done", to_done, done)):
        per_group, per_kind, overall = spreads(session, duration, group_columns, ((0, 1), (1,), ()), where)
        for key, spread in per_group.items():
            setattr(groups[_key(*key)], name, spread)
        for (kind,), spread in per_kind.items():
            setattr(kinds[_key(None, kind)[1]], name, spread)
        setattr(whole, name, overall.get(()))

    organisations = _organisations(session, {key[0] for key in groups if key[0]})
    return Report(
        scope,
        whole,
        [Row(None, None, kind, figures, flags_for(figures, whole)) for kind, figures in _in_kind_order(kinds)],
        [
            Row(key[0], organisations.get(key[0]), key[1], figures, flags_for(figures, whole))
            for key, figures in groups.items()
        ],
    )


def _in_kind_order(kinds: dict[VisitorKind | None, Figures]) -> list[tuple[VisitorKind | None, Figures]]:
    order = [*VisitorKind, None]
    return sorted(kinds.items(), key=lambda item: order.index(item[0]))


def _organisations(session: Session, ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def _count_visits(session: Session, scope: Scope, groups: dict[Key, Figures]) -> None:
    """From the visit counts (a few hundred rows whatever the number of visits)."""
    conditions = [
        VisitCount.purpose == ALL_PURPOSES,
        VisitCount.election_id == scope.election_id,
        VisitCount.day >= scope.date_from,
        VisitCount.day <= scope.date_to,
    ]
    if scope.centre_id is not None:
        conditions.append(VisitCount.centre_id == scope.centre_id)
    rows = session.execute(
        select(VisitCount.organisation_id, VisitCount.visitor_kind, func.sum(VisitCount.visits))
        .where(*conditions)
        .group_by(VisitCount.organisation_id, VisitCount.visitor_kind)
    )
    for organisation_id, kind, visits in rows:
        if visits:
            groups[_key(None if organisation_id == NONE else organisation_id, kind)].visits += int(visits)


def _count_requests(session: Session, requests, group_columns, groups: dict[Key, Figures]) -> None:
    """Requests by kind and outcome, with the declines and hand-overs each keeps: one pass
    over the reports' index."""
    untaken = ServiceRequest.first_response_at.is_(None)
    changed_hands = func.sum(case((ServiceRequest.handovers > 1, ServiceRequest.handovers - 1), else_=0))
    rows = session.execute(
        select(
            *group_columns,
            ServiceRequest.kind,
            ServiceRequest.status,
            untaken,
            func.count(),
            func.sum(ServiceRequest.declines),
            changed_hands,
        )
        .where(*requests)
        .group_by(*group_columns, ServiceRequest.kind, ServiceRequest.status, untaken)
    )
    for organisation_id, visitor_kind, kind, status, not_taken, count, declines, handovers in rows:
        figures = groups[_key(organisation_id, visitor_kind)]
        figures.requests += count
        figures.by_kind[kind] = figures.by_kind.get(kind, 0) + count
        figures.declines += int(declines or 0)
        figures.reassignments += int(handovers or 0)
        if status == RequestStatus.DONE:
            figures.done += count
        elif status == RequestStatus.CANCELLED:
            figures.cancelled += count
        elif not_taken:
            figures.waiting += count


def _count_unroutable(session: Session, requests, group_columns, groups: dict[Key, Figures]) -> None:
    """Language work nobody could take, and why, from the few UNROUTABLE events (read through
    the index on the event's action)."""
    unroutable = select(RequestEvent.request_id).where(RequestEvent.action == EventAction.UNROUTABLE)
    for organisation_id, kind, count in session.execute(
        select(*group_columns, func.count())
        .where(*requests, ServiceRequest.id.in_(unroutable))
        .group_by(*group_columns)
    ):
        groups[_key(organisation_id, kind)].unroutable = count
    reasons = (
        select(RequestEvent.request_id, RequestEvent.reason)
        .where(RequestEvent.action == EventAction.UNROUTABLE)
        .distinct()
        .subquery()
    )
    for organisation_id, kind, reason, count in session.execute(
        select(*group_columns, reasons.c.reason, func.count())
        .join(reasons, reasons.c.request_id == ServiceRequest.id)
        .where(*requests)
        .group_by(*group_columns, reasons.c.reason)
    ):
        groups[_key(organisation_id, kind)].unroutable_reasons[reason or ""] = count


def _count_loans(session: Session, scope: Scope, zones, groups: dict[Key, Figures]) -> None:
    """Loans to the scope's borrowers, by the borrower's mission and kind."""
    rows = session.execute(
        select(VisitorProfile.organisation_id, VisitorProfile.kind, func.count())
        .select_from(Loan)
        .join(EquipmentItem, EquipmentItem.id == Loan.item_id)
        .join(VisitorProfile, VisitorProfile.id == Loan.borrower_id)
        .where(Loan.election_id == scope.election_id, in_days(zones, scope, EquipmentItem.centre_id, Loan.out_at))
        .group_by(VisitorProfile.organisation_id, VisitorProfile.kind)
    )
    for organisation_id, kind, count in rows:
        groups[_key(organisation_id, kind)].loans += count


def _count_briefing_reads(session: Session, scope: Scope, zones, groups: dict[Key, Figures]) -> None:
    """Briefings of the scope's centres read by signed-in observers and journalists, by the
    language shown and whether it was the reader's own: one pass over the reads' index."""
    own = BriefingRead.shown_locale == BriefingRead.wanted_locale
    columns = (BriefingRead.organisation_id, BriefingRead.visitor_kind, BriefingRead.shown_locale, own)
    rows = session.execute(
        select(*columns, func.count())
        .where(
            BriefingRead.election_id == scope.election_id,
            in_days(zones, scope, BriefingRead.centre_id, BriefingRead.read_at),
        )
        .group_by(*columns)
    )
    for organisation_id, kind, shown, in_own_language, count in rows:
        figures = groups[_key(organisation_id, kind)]
        figures.reads[shown] = figures.reads.get(shown, 0) + count
        if in_own_language:
            figures.reads_in_own_language += count
