"""What the reports keep besides the centres' records: the coordinator's words for a day,
the addresses the daily report is sent to, which days were sent (so each goes out once),
and who read briefings in which language (without the person)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.election import election_column
from observer_portal.models.user import _enum
from observer_portal.models.visitor import VisitorKind


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


class BriefingRead(Base):
    """A signed-in observer or journalist read one of a centre's briefings, in a language, in
    an election: once per reader, briefing, language shown and election. The report counts
    the rows by mission or outlet, kind, the language shown and the reader's own language;
    the reader is kept only to count them once, and is forgotten (NULL) when their election
    or their account is erased — the row, and the figures, stay."""

    __tablename__ = "briefing_reads"
    __table_args__ = (
        UniqueConstraint("user_id", "briefing_id", "shown_locale", "election_id", name="uq_briefing_reads_reader"),
        # every column the report counts, in its order: the report never reads the table
        Index(
            "ix_briefing_reads_report",
            "election_id",
            "centre_id",
            "read_at",
            "organisation_id",
            "visitor_kind",
            "shown_locale",
            "wanted_locale",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    election_id: Mapped[int | None] = election_column(index=False)  # first in the report's index
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefings.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    visitor_kind: Mapped[VisitorKind | None] = mapped_column(_enum(VisitorKind, "visitor_kind"))
    shown_locale: Mapped[str] = mapped_column(String(5))
    wanted_locale: Mapped[str] = mapped_column(String(5))
