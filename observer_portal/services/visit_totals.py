"""The visit log's totals, per-day chart and per-organisation summary, read from the visit
counts (`VisitCount`) when they can answer the filter exactly: a few hundred rows whatever
the number of visits. They cannot for a text search (it looks inside each visit) nor when
the reader's days are not the centres' own (an administrator in another time zone than a
centre in scope): those are counted from the visits themselves (`visit_log`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observer_portal.models import Centre
from observer_portal.models.visit_count import ALL_PURPOSES, NONE, VisitCount


def answers(session: Session, flt) -> bool:
    """Whether the counts answer this filter exactly."""
    if flt.text:
        return False
    zones = select(Centre.timezone).distinct()
    if flt.centre_id is not None:
        zones = zones.where(Centre.id == flt.centre_id)
    return set(session.scalars(zones)) <= {flt.timezone}


def _where(flt) -> list:
    conditions = [VisitCount.purpose == (flt.purpose.value if flt.purpose else ALL_PURPOSES)]
    if flt.centre_id is not None:
        conditions.append(VisitCount.centre_id == flt.centre_id)
    if flt.election_id is not None:
        conditions.append(VisitCount.election_id == flt.election_id)
    if flt.date_from:
        conditions.append(VisitCount.day >= flt.date_from)
    if flt.date_to:
        conditions.append(VisitCount.day <= flt.date_to)
    if flt.organisation_id:
        conditions.append(VisitCount.organisation_id == flt.organisation_id)
    if flt.kind:
        conditions.append(VisitCount.visitor_kind == flt.kind.value)
    if flt.volunteer_id:
        conditions.append(VisitCount.registered_by_id == flt.volunteer_id)
    return conditions


def total(session: Session, flt) -> int:
    return session.scalar(select(func.coalesce(func.sum(VisitCount.visits), 0)).where(*_where(flt))) or 0


def per_day(session: Session, flt) -> dict[date, int]:
    rows = session.execute(
        select(VisitCount.day, func.sum(VisitCount.visits)).where(*_where(flt)).group_by(VisitCount.day)
    )
    return {day: int(count) for day, count in rows if count}


def per_organisation(session: Session, flt) -> dict[int | None, int]:
    rows = session.execute(
        select(VisitCount.organisation_id, func.sum(VisitCount.visits))
        .where(*_where(flt))
        .group_by(VisitCount.organisation_id)
    )
    return {(None if org == NONE else org): int(count) for org, count in rows if count}
