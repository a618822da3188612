"""Observer missions and media outlets, and the people who visit the centre."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from observer_portal import search_text
from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.centre import Centre
from observer_portal.models.election import election_column
from observer_portal.models.user import User, _enum


class OrganisationKind(enum.StrEnum):
    OBSERVER_MISSION = "observer_mission"  # an international observer mission (OSCE/ODIHR, CIS)
    FOREIGN_DELEGATION = "foreign_delegation"  # a foreign state's or body's observer delegation
    MEDIA_OUTLET = "media_outlet"
    OTHER = "other"


class VisitorKind(enum.StrEnum):
    OBSERVER = "observer"
    MEDIA = "media"


def organisation_key(name: str) -> str:
    """What makes two organisation names the same: case (Unicode case folding, so "ОБСЕ" and
    "обсе" too, which SQL's lower() misses on SQLite) and spacing aside."""
    return " ".join(name.split()).casefold()


def organisation_label(name: str, names: dict[str, str] | None) -> str:
    """An organisation's name in the reader's language, else as registered (never another
    language's translation: the registered name is the one its people use abroad)."""
    from observer_portal.i18n import reader_locale

    return " ".join((names or {}).get(reader_locale(), "").split()) or name


class Organisation(Base):
    """A mission, delegation or outlet of the registry: its name as registered (`name`, unique
    whatever the case and spacing) and, per language, the name a reader of it sees."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # unique: "OSCE/ODIHR" and "osce/odihr " are one organisation (set from `name`, below)
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # names of duplicates merged into it: a list or a sign-up that uses one finds it again
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind, "organisation_kind"), index=True)
    # False: typed in at sign-up or at the desk, waiting for a coordinator to confirm or merge it
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def label(self) -> str:
        return organisation_label(self.name, self.names)

    @validates("name")
    def _keep_key(self, _attribute: str, name: str) -> str:
        self.name_key = organisation_key(name)
        return name

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class VisitorProfile(Base):
    """An observer or journalist, with or without a login of their own."""

    __tablename__ = "visitor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    kind: Mapped[VisitorKind] = mapped_column(_enum(VisitorKind, "visitor_kind"), index=True)
    full_name: Mapped[str] = mapped_column(String(120), index=True)
    # the name's search forms (search_text.py): kept with the name, "" for an erased person
    search_name: Mapped[str] = mapped_column(String(search_text.MAX_KEY), default="", server_default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Accreditation number for observers, press card number for media; unique when given.
    accreditation_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    nationality: Mapped[str] = mapped_column(String(2), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # the centre that registered or imported them (they are its visitors before any visit)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    # the election they were registered or imported for (retention erases by election)
    election_id: Mapped[int | None] = election_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(back_populates="visitor_profile")
    centre: Mapped[Centre | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    languages: Mapped[list[VisitorLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="VisitorLanguage.language"
    )

    @property
    def language_codes(self) -> list[str]:
        return [lang.language for lang in self.languages]

    @validates("full_name")
    def _keep_search_name(self, _attribute: str, full_name: str) -> str:
        self.search_name = search_text.search_key(full_name or "")
        return full_name


class VisitorLanguage(Base):
    __tablename__ = "visitor_languages"
    __table_args__ = (UniqueConstraint("visitor_id", "language", name="uq_visitor_languages_visitor_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor_profiles.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
