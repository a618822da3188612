"""A centre for assistance to observers and media, in one region, serving some elections.

Its name, region, address and opening hours are kept in each language the centre has them
in (`{locale: text}`); a reader gets them by the rule of `multilingual.localized`, the
centre's own language being the first fallback.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.multilingual import LocalText, localized

if TYPE_CHECKING:
    from observer_portal.models.election import Election

centre_elections = Table(
    "centre_elections",
    Base.metadata,
    Column("centre_id", ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True),
    Column("election_id", ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Centre(Base):
    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    regions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    addresses: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    hours: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The language the centre writes in first: the fallback before any other.
    language: Mapped[str] = mapped_column(String(8), default="kk")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Almaty")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    elections: Mapped[list[Election]] = relationship(secondary=centre_elections, order_by="Election.voting_day.desc()")

    def _in_reader_language(self, texts: dict[str, str] | None) -> LocalText:
        from observer_portal.i18n import reader_locale

        return localized(texts, reader_locale(), self.language)

    @property
    def name(self) -> LocalText:
        return self._in_reader_language(self.names)

    @property
    def region(self) -> LocalText:
        return self._in_reader_language(self.regions)

    @property
    def address(self) -> LocalText:
        return self._in_reader_language(self.addresses)

    @property
    def opening_hours(self) -> LocalText:
        return self._in_reader_language(self.hours)

    def __repr__(self) -> str:
        return f"<Centre {self.slug}>"
