"""What the daily centre report keeps besides its figures: the coordinator's words for a day,
the addresses it is sent to, and which days were sent (so each goes out once)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.election import election_column


class DailyNote(Base):
    """A coordinator's notes on one day at their centre, printed in that day's report (and
    so published: the page asks for no names). Kept in the language it was written in."""

    __tablename__ = "daily_notes"
    __table_args__ = (UniqueConstraint("centre_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    election_id: Mapped[int | None] = election_column()
    day: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReportSubscription(Base):
    """An address that receives a centre's daily report, in the language chosen for it."""

    __tablename__ = "report_subscriptions"
    __table_args__ = (UniqueConstraint("centre_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportDelivery(Base):
    """A centre's report for a day went out (claimed before sending: one worker sends it)."""

    __tablename__ = "report_deliveries"

    centre_id: Mapped[int] = mapped_column(Integer, ForeignKey("centres.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
