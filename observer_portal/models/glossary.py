"""The electoral glossary of this installation: terms coordinators approve and volunteers
propose, each with its translation in every language of the portal (services/glossary_terms.py
keeps it; services/glossary.py reads and writes it as TBX and CSV)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.user import User, _enum


class GlossaryStatus(enum.StrEnum):
    APPROVED = "approved"  # translators must use it
    PROPOSED = "proposed"  # suggested, waiting for a coordinator


class GlossaryTerm(Base):
    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    # stable across edits and files (TBX's termEntry id), derived from the first English term
    key: Mapped[str] = mapped_column(String(80), unique=True)
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # locale → the term
    # locale → what every inflected form contains ("заявк|заявок"); empty: the term itself
    stems: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    definition: Mapped[str] = mapped_column(Text, default="")  # in English, as TBX keeps it
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[GlossaryStatus] = mapped_column(_enum(GlossaryStatus, "glossary_status"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def english(self) -> str:
        return self.texts.get("en", "")
