"""An election the centres serve: its name in each language, its voting day, the days the
centres are open for it, and how long personal data is kept after it.

One election is active at a time (a partial unique index); the portal's header and footer
name it, and closed elections stay readable.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, select, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.selectable import ScalarSelect

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.user import _enum
from observer_portal.multilingual import localized


class ElectionState(enum.StrEnum):
    PREPARING = "preparing"
    ACTIVE = "active"
    CLOSED = "closed"


ACTIVE_ONLY = text("state = 'active'")
DEFAULT_RETENTION_DAYS = 90


class Election(Base):
    __tablename__ = "elections"
    __table_args__ = (
        CheckConstraint("serves_from <= serves_to", name="serves_in_order"),
        CheckConstraint("retention_days >= 0", name="retention_not_negative"),
        Index("uq_elections_one_active", "state", unique=True, sqlite_where=ACTIVE_ONLY, postgresql_where=ACTIVE_ONLY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    voting_day: Mapped[date] = mapped_column(Date)
    serves_from: Mapped[date] = mapped_column(Date)
    serves_to: Mapped[date] = mapped_column(Date)
    retention_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_RETENTION_DAYS)
    state: Mapped[ElectionState] = mapped_column(
        _enum(ElectionState, "election_state"), default=ElectionState.PREPARING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # when `elections enforce-retention` removed its visitors' personal data
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def name(self, locale: str) -> str:
        return localized(self.names, locale)

    @property
    def retention_ends(self) -> date:
        """The day from which its visitors' personal data is removed."""
        return self.voting_day + timedelta(days=self.retention_days)

    def __repr__(self) -> str:
        return f"<Election {self.id} {self.state}>"


def active_election_id() -> ScalarSelect:
    """SQL for the active election's id (NULL when there is none), evaluated in the INSERT
    itself: the default election of a visit, a request or a loan is the one being served
    when it is written, in the same transaction — no request hook, no stale cache."""
    return select(Election.id).where(Election.state == ElectionState.ACTIVE).scalar_subquery()


def election_column(*, index: bool = True) -> Mapped[int | None]:
    """What happens at the centres belongs to an election (closed ones stay readable)."""
    return mapped_column(ForeignKey("elections.id"), default=active_election_id(), index=index)
