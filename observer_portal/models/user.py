"""Accounts of every role, and the languages volunteers (and staff) speak."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.centre import Centre

if TYPE_CHECKING:
    from observer_portal.models.visitor import VisitorProfile


class Role(enum.StrEnum):
    OBSERVER = "observer"
    MEDIA = "media"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def is_visitor(self) -> bool:
        return self in (Role.OBSERVER, Role.MEDIA)

    @property
    def is_staff(self) -> bool:
        return self in (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)


class Proficiency(enum.StrEnum):
    NATIVE = "native"
    FLUENT = "fluent"
    WORKING = "working"
    BASIC = "basic"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    """Portable enum column: VARCHAR plus a CHECK constraint, identical on SQLite and PostgreSQL."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        # Volunteers and coordinators work at one centre; only admins (every centre) and
        # visitors have none. Without it a centre-less coordinator would read as "all centres".
        CheckConstraint("role NOT IN ('volunteer', 'coordinator') OR centre_id IS NOT NULL", name="staff_centre"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    preferred_locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rotated on logout, password change and deactivation: the user loader only
    # accepts the current token, so older session cookies stop working at once.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # Secret part of the interpreter's calendar feed URL (calendar apps cannot sign in); rotatable.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by triggers on notifications (migration 0028): the header reads it with the user
    # every page loads anyway, instead of counting the notifications on every page.
    unread_notifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    centre: Mapped[Centre | None] = relationship(lazy="joined")
    languages: Mapped[list[VolunteerLanguage]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        order_by="VolunteerLanguage.language",
    )
    visitor_profile: Mapped[VisitorProfile | None] = relationship(back_populates="user")

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    # Flask-Login: the id in the session is the rotating token, not the primary key.
    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def language_codes(self) -> list[str]:
        return [lang.language for lang in self.languages]

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class VolunteerLanguage(Base):
    """A language a staff member works in, with how well they speak it."""

    __tablename__ = "volunteer_languages"
    __table_args__ = (UniqueConstraint("user_id", "language", name="uq_volunteer_languages_user_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    proficiency: Mapped[Proficiency] = mapped_column(_enum(Proficiency, "proficiency"), default=Proficiency.FLUENT)

    user: Mapped[User] = relationship(back_populates="languages")
