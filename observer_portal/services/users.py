"""Listing accounts for coordinators: filters and keyset pagination."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from observer_portal.models import Role, User
from observer_portal.paging import Keyset


@dataclass(frozen=True)
class UserFilter:
    centre_id: int | None  # None: every centre (admins)
    q: str = ""
    role: Role | None = None
    active: bool | None = None


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: int | None


NEWEST_FIRST = Keyset((User.id,), descending=True)


def list_users(session: Session, flt: UserFilter, before_id: int | None, size: int) -> Page:
    """Newest accounts first; `before_id` is the keyset cursor (never OFFSET)."""
    stmt = select(User).options(selectinload(User.languages))
    if flt.centre_id is not None:
        stmt = stmt.where(User.centre_id == flt.centre_id)
    if flt.role is not None:
        stmt = stmt.where(User.role == flt.role)
    if flt.active is not None:
        stmt = stmt.where(User.active.is_(flt.active))
    if flt.q:
        stmt = stmt.where(
            or_(User.display_name.icontains(flt.q, autoescape=True), User.email.icontains(flt.q, autoescape=True))
        )  # % and _ match themselves
    return Page(*NEWEST_FIRST.page(session, stmt, before_id, size))
