"""Office equipment the centre lends, and the loans (never two open loans for one item)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.assistance import ServiceRequest
from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.election import election_column
from observer_portal.models.user import User, _enum
from observer_portal.models.visitor import VisitorProfile


class EquipmentKind(enum.StrEnum):
    LAPTOP = "laptop"
    PRINTER = "printer"
    SCANNER = "scanner"
    PROJECTOR = "projector"
    ROUTER = "router"
    SIM_CARD = "sim_card"
    MODEM = "modem"
    OTHER = "other"


class Condition(enum.StrEnum):
    GOOD = "good"
    WORN = "worn"
    DAMAGED = "damaged"
    OUT_OF_SERVICE = "out_of_service"


class EquipmentItem(Base):
    __tablename__ = "equipment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[EquipmentKind] = mapped_column(_enum(EquipmentKind, "equipment_kind"), index=True)
    asset_tag: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    condition: Mapped[Condition] = mapped_column(_enum(Condition, "condition"), default=Condition.GOOD)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    loans: Mapped[list[Loan]] = relationship(back_populates="item", order_by="Loan.id.desc()")


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (
        # The database itself refuses a second open loan for the same item.
        Index(
            "uq_loans_one_open_per_item",
            "item_id",
            unique=True,
            sqlite_where=text("returned_at IS NULL"),
            postgresql_where=text("returned_at IS NULL"),
        ),
        Index("ix_loans_open_due", "returned_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id"), index=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("visitor_profiles.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    election_id: Mapped[int | None] = election_column()
    out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    out_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[EquipmentItem] = relationship(back_populates="loans")
    borrower: Mapped[VisitorProfile] = relationship(lazy="joined")
    request: Mapped[ServiceRequest | None] = relationship()
    out_by: Mapped[User | None] = relationship(foreign_keys=[out_by_id])

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def is_overdue(self) -> bool:
        return self.returned_at is None and self.due_at < utcnow()
