"""A machine draft someone asked for: made by the job queue, never while a page waits.

One row per click on "machine draft": for a briefing in one language, or for the text of a
translation request. While `outcome` is empty the draft is being prepared (the pages say
so); a worker claims the row (`claimed_at`) before calling the provider, with a token of its own,
renewed before each call to the provider and checked when the draft is written, so a
second worker never writes it too; the periodic sweep hands out again a row whose worker
died, and gives up on one nobody made within a day.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.user import _enum


class DraftOutcome(enum.StrEnum):
    """How a draft ended: made, or why not (each has a message for the person who asked)."""

    DONE = "done"
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"
    UNAUTHORISED = "unauthorised"
    NO_RESULT = "no_result"
    UNSUPPORTED = "unsupported"
    NOT_CONFIGURED = "not_configured"
    REVIEWED = "reviewed"
    NOT_ALLOWED = "not_allowed"
    CLOSED = "closed"  # the request was closed before the draft was made
    EDITED = "edited"  # a person changed the translation after the draft was asked for
    EXPIRED = "expired"  # no worker made it within a day


WAITING = text("outcome IS NULL")


class MachineDraft(Base):
    __tablename__ = "machine_drafts"
    __table_args__ = (
        CheckConstraint(
            "(briefing_id IS NOT NULL AND locale IS NOT NULL AND request_id IS NULL)"
            " OR (briefing_id IS NULL AND locale IS NULL AND request_id IS NOT NULL)",
            name="one_target",
        ),
        # One draft in preparation per briefing language and per request: a second click waits for it.
        Index(
            "uq_machine_drafts_waiting_briefing",
            "briefing_id",
            "locale",
            unique=True,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        ),
        Index(
            "uq_machine_drafts_waiting_request",
            "request_id",
            unique=True,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        ),
        Index("ix_machine_drafts_briefing", "briefing_id", "locale", "id"),
        Index("ix_machine_drafts_request", "request_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefings.id", ondelete="CASCADE"))
    locale: Mapped[str | None] = mapped_column(String(5))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[DraftOutcome | None] = mapped_column(_enum(DraftOutcome, "draft_outcome"))

    @property
    def waiting(self) -> bool:
        return self.outcome is None
