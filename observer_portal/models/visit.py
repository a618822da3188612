"""Visits of observers and journalists to a centre, registered at the front desk."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Index, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.assistance import ServiceRequest
from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.centre import Centre
from observer_portal.models.election import election_column
from observer_portal.models.user import User, _enum
from observer_portal.models.visitor import Organisation, VisitorKind, VisitorProfile


class VisitPurpose(enum.StrEnum):
    BRIEFING = "briefing"
    EQUIPMENT = "equipment"
    INTERNET = "internet"
    TRANSLATION = "translation"
    OTHER = "other"


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_centre_arrived", "centre_id", "arrived_at", "id"),
        Index("ix_visits_election_centre_arrived", "election_id", "centre_id", "arrived_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    election_id: Mapped[int | None] = election_column(index=False)  # indexed with the centre, above
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor_profiles.id"), index=True)
    # Copied from the visitor when registered: statistics stay right after anonymisation.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    visitor_kind: Mapped[VisitorKind] = mapped_column(_enum(VisitorKind, "visitor_kind"), index=True)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The arrival's date at the centre (its time zone): set on every insert and on a change of
    # arrival (below); the visit counts (`VisitCount`) are kept per local day.
    local_day: Mapped[date] = mapped_column(Date)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    centre: Mapped[Centre] = relationship()
    visitor: Mapped[VisitorProfile] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship()
    registered_by: Mapped[User | None] = relationship()
    purposes: Mapped[list[VisitPurposeRow]] = relationship(
        cascade="all, delete-orphan", order_by="VisitPurposeRow.purpose", lazy="selectin"
    )

    requests: Mapped[list[ServiceRequest]] = relationship(back_populates="visit", order_by="ServiceRequest.id")

    #: not stored: set when a registration at the desk continued this open stay (services.visits)
    stay_continued = False

    @property
    def purpose_codes(self) -> list[str]:
        return [row.purpose.value for row in self.purposes]


class VisitPurposeRow(Base):
    __tablename__ = "visit_purposes"
    __table_args__ = (
        UniqueConstraint("visit_id", "purpose", name="uq_visit_purposes_visit_purpose"),
        Index("ix_visit_purposes_purpose_visit", "purpose", "visit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    purpose: Mapped[VisitPurpose] = mapped_column(_enum(VisitPurpose, "visit_purpose"))


def local_day(arrived_at: datetime, timezone: str) -> date:
    aware = arrived_at if arrived_at.tzinfo else arrived_at.replace(tzinfo=UTC)  # stored times are UTC
    return aware.astimezone(ZoneInfo(timezone)).date()


@event.listens_for(Visit, "before_insert")
@event.listens_for(Visit, "before_update")
def _set_local_day(_mapper, connection, visit: Visit) -> None:
    """Every writer of a visit goes through here (the front desk, the demo, tests): its local
    day always follows its arrival and centre."""
    from sqlalchemy import inspect

    state = inspect(visit)
    if state.persistent and not (
        state.attrs.arrived_at.history.has_changes() or state.attrs.centre_id.history.has_changes()
    ):
        return
    if visit.arrived_at is None:
        visit.arrived_at = utcnow()
    timezone = connection.scalar(select(Centre.timezone).where(Centre.id == visit.centre_id))
    visit.local_day = local_day(visit.arrived_at, timezone or "UTC")
