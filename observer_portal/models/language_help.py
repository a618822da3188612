"""Translation and interpretation: the language details of a service request, who was
offered it (so nobody is asked twice), and interpreters' bookings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.assistance import ServiceRequest
from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.user import User, _enum


class HelpMode(enum.StrEnum):
    WRITTEN = "written"  # a text typed or pasted into the form
    DOCUMENT = "document"  # an uploaded .txt or .docx
    INTERPRETATION = "interpretation"  # a meeting, at a date, time and place
    PHONE = "phone"  # a phone call made or interpreted for the observer

    @property
    def is_written(self) -> bool:
        return self in (HelpMode.WRITTEN, HelpMode.DOCUMENT)


class TranslationJob(Base):
    """The language part of a translation or interpretation request (one per request)."""

    __tablename__ = "translation_jobs"
    __table_args__ = (
        Index("ix_translation_jobs_pair", "source_lang", "target_lang"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="meeting_ends_after_start"),
    )

    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    mode: Mapped[HelpMode] = mapped_column(_enum(HelpMode, "help_mode"))
    source_text: Mapped[str] = mapped_column(Text, default="")
    document_name: Mapped[str] = mapped_column(String(200), default="")
    document_type: Mapped[str] = mapped_column(String(10), default="")
    document_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    machine_draft: Mapped[str] = mapped_column(Text, default="")
    machine_provider: Mapped[str] = mapped_column(String(20), default="")
    final_text: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    # set when the job is the translation of a briefing a reader asked for
    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefings.id", ondelete="SET NULL"), index=True)
    # why nobody could take it: {"code": ..., "params": {...}}, worded in the reader's language
    unroutable_reason: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    request: Mapped[ServiceRequest] = relationship(backref="translation_job")


class RoutingAttempt(Base):
    """A volunteer was offered a job and declined it, or was released from it."""

    __tablename__ = "routing_attempts"
    __table_args__ = (Index("ix_routing_attempts_request", "request_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(20))  # declined | released
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InterpretationBooking(Base):
    """An interpreter's time, reserved for one request; never two overlapping ones — checked
    under a row lock when booking, and refused by the database itself (migration 0012: an
    exclusion constraint on PostgreSQL, triggers on SQLite)."""

    __tablename__ = "interpretation_bookings"
    __table_args__ = (
        Index("ix_interpretation_bookings_volunteer_time", "volunteer_id", "starts_at", "ends_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    request: Mapped[ServiceRequest] = relationship()
    volunteer: Mapped[User] = relationship()
