"""Append-only audit trail of who changed what (logins, roles, exports, deletions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.models import AuditEvent, User


def record(session: Session, actor: User | None, action: str, obj: Any = None, **details: Any) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details={key: value for key, value in details.items() if value is not None},
    )
    session.add(event)
    return event


def recent_events_query(centre_id: int | None, before_id: int | None, limit: int):
    """Newest first, keyset-paginated; limited to actors of one centre unless `centre_id` is None."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    if centre_id is not None:
        stmt = stmt.join(User, AuditEvent.actor_id == User.id).where(User.centre_id == centre_id)
    return stmt
