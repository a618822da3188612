"""What a report covers: one election, a span of days, one centre or every centre. A day is
the centre's own calendar day (its time zone), as in the visit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from observer_portal.models import Centre, Election, ElectionState
from observer_portal.services.reports.sql import in_any


@dataclass(frozen=True)
class Scope:
    election_id: int
    date_from: date
    date_to: date
    centre_id: int | None = None  # None: every centre (administrators)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


def default_span(election: Election) -> tuple[date, date]:
    """An election's reports cover the days its centres serve it."""
    return election.serves_from, election.serves_to


def centre_zones(session: Session, scope: Scope) -> list[tuple[int, str]]:
    query = select(Centre.id, Centre.timezone).order_by(Centre.id)
    if scope.centre_id is not None:
        query = query.where(Centre.id == scope.centre_id)
    return [(centre_id, zone) for centre_id, zone in session.execute(query)]


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def in_days(zones: list[tuple[int, str]], scope: Scope, centre: ColumnElement, moment: ColumnElement) -> ColumnElement:
    """`moment` falls on one of the scope's days at the row's centre, in that centre's time
    zone: one range per centre, each served by an index on (centre, time)."""
    return in_any(
        *(
            and_(
                centre == centre_id,
                moment >= _midnight(scope.date_from, zone),
                moment < _midnight(scope.date_to + timedelta(days=1), zone),
            )
            for centre_id, zone in zones
        )
    )


def election_for(elections: list[Election], day: date) -> Election | None:
    """The election a day belongs to: the one served that day, else the active one, else the newest."""
    serving = [e for e in elections if e.serves_from <= day <= e.serves_to]
    active = [e for e in elections if e.state == ElectionState.ACTIVE]
    return (serving or active or elections or [None])[0]
