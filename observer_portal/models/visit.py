"""Visits of observers and journalists to a centre, registered at the front desk."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
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
