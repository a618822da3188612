"""Regional briefings: one original text per briefing, translations per locale, key
figures as numbers (formatted per locale), and the full history of every save."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.centre import Centre
from observer_portal.models.user import User, _enum


class BriefingTopic(enum.StrEnum):
    OVERVIEW = "overview"
    POLLING_STATIONS = "polling_stations"
    ACCESSIBILITY = "accessibility"
    CONTACTS = "contacts"
    LOGISTICS = "logistics"
    TRAINING = "training"


class TranslationOrigin(enum.StrEnum):
    ORIGINAL = "original"
    MACHINE = "machine"
    HUMAN = "human"


class ReviewState(enum.StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"


class Briefing(Base):
    __tablename__ = "briefings"
    __table_args__ = (
        UniqueConstraint("centre_id", "slug", name="uq_briefings_centre_slug"),
        Index("ix_briefings_published_topic", "published", "topic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    topic: Mapped[BriefingTopic] = mapped_column(_enum(BriefingTopic, "briefing_topic"), index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    original_locale: Mapped[str] = mapped_column(String(5))
    # Incremented on every save of the original; translations remember the version they follow.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    centre: Mapped[Centre] = relationship(lazy="joined")
    figures: Mapped[list[BriefingFigure]] = relationship(
        back_populates="briefing", cascade="all, delete-orphan", order_by="BriefingFigure.position"
    )
    translations: Mapped[list[BriefingTranslation]] = relationship(
        back_populates="briefing", cascade="all, delete-orphan"
    )

    def translation(self, locale: str) -> BriefingTranslation | None:
        return next((t for t in self.translations if t.locale == locale), None)

    @property
    def original(self) -> BriefingTranslation:
        original = self.translation(self.original_locale)
        if original is None:
            raise LookupError(f"briefing {self.id} has no original text")
        return original


class BriefingFigure(Base):
    """A key figure: a number with a label (and optional unit) in the original language.

    `key` names the figure within its briefing for as long as the briefing lives: the
    translations' labels and every saved version refer to it, so a figure removed and later
    restored (or moved to another row) keeps its translated labels. Database ids are not
    reused for that: a restored figure is a new row."""

    __tablename__ = "briefing_figures"
    __table_args__ = (UniqueConstraint("briefing_id", "figure_key", name="uq_briefing_figures_briefing_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column("figure_key", String(16), default=lambda: secrets.token_hex(4))
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(160))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    unit: Mapped[str] = mapped_column(String(40), default="")

    briefing: Mapped[Briefing] = relationship(back_populates="figures")


class BriefingTranslation(Base):
    """The text of a briefing in one locale (the original is one of these too)."""

    __tablename__ = "briefing_translations"
    __table_args__ = (UniqueConstraint("briefing_id", "locale", name="uq_briefing_translations_briefing_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # {figure key: {"label": ..., "unit": ..., "source": original label, "source_unit": original unit}}
    figure_labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin: Mapped[TranslationOrigin] = mapped_column(_enum(TranslationOrigin, "translation_origin"))
    state: Mapped[ReviewState] = mapped_column(_enum(ReviewState, "review_state"), default=ReviewState.DRAFT)
    source_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    briefing: Mapped[Briefing] = relationship(back_populates="translations")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def is_original(self) -> bool:
        return self.origin == TranslationOrigin.ORIGINAL

    @property
    def is_outdated(self) -> bool:
        return not self.is_original and self.source_version < self.briefing.version

    def figure_label(self, figure: BriefingFigure) -> tuple[str, str]:
        """(label, unit) of a figure in this locale, falling back to the original wording: also
        when the original's label or unit changed since it was translated (each entry keeps the
        wording it translated, `source` and `source_unit`), so "Polling stations" translated
        never labels a row since rewritten as "Hotels for observers"."""
        entry = (self.figure_labels or {}).get(figure.key) or {}
        label_current = entry.get("source", figure.label) == figure.label
        unit_current = entry.get("source_unit", figure.unit) == figure.unit
        label = entry.get("label") if label_current else ""
        unit = entry.get("unit") if unit_current else ""
        return label or figure.label, unit or figure.unit


class BriefingVersion(Base):
    """A snapshot taken at every save, so any earlier wording can be seen and restored."""

    __tablename__ = "briefing_versions"
    __table_args__ = (Index("ix_briefing_versions_briefing_locale", "briefing_id", "locale", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(5))
    source_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    origin: Mapped[TranslationOrigin] = mapped_column(_enum(TranslationOrigin, "translation_origin"))
    state: Mapped[ReviewState] = mapped_column(_enum(ReviewState, "review_state"))
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    saved_by: Mapped[User | None] = relationship(lazy="joined")


class TranslationWish(Base):
    """Someone asked for a briefing in their language; coordinators see who is waiting."""

    __tablename__ = "translation_wishes"
    __table_args__ = (
        UniqueConstraint("briefing_id", "locale", "requested_by_id", name="uq_translation_wishes_briefing_locale_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(5))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TranslationMemory(Base):
    """(source language, target language, hash of source text) → target text: never translate twice."""

    __tablename__ = "translation_memory"
    __table_args__ = (
        UniqueConstraint("source_lang", "target_lang", "source_hash", name="uq_translation_memory_pair_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source_hash: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    origin: Mapped[TranslationOrigin] = mapped_column(_enum(TranslationOrigin, "translation_origin"))
    provider: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
