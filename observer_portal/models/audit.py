"""Who changed what: an append-only trail of security-relevant actions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.user import User


class AuditAction(enum.StrEnum):
    """Every action the audit trail records; the database refuses any other value."""

    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    ACCOUNT_SIGNED_UP = "account.signed_up"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_UPDATED = "account.updated"
    ACCOUNT_ROLE_CHANGED = "account.role_changed"
    ACCOUNT_CENTRE_CHANGED = "account.centre_changed"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 - an action name, not a secret
    ACCOUNT_ACTIVATED = "account.activated"
    ACCOUNT_DEACTIVATED = "account.deactivated"
    VOLUNTEER_ON_DUTY = "volunteer.on_duty"
    VOLUNTEER_OFF_DUTY = "volunteer.off_duty"
    VISIT_REGISTERED = "visit.registered"
    VISITS_EXPORTED = "visits.exported"
    VISITS_ANONYMISED = "visits.anonymised"
    VISITOR_UPDATED = "visitor.updated"
    VISITOR_MERGED = "visitor.merged"
    EQUIPMENT_CREATED = "equipment.created"
    EQUIPMENT_UPDATED = "equipment.updated"
    EQUIPMENT_CHECKED_OUT = "equipment.checked_out"
    EQUIPMENT_CHECKED_IN = "equipment.checked_in"
    BRIEFING_CREATED = "briefing.created"
    BRIEFING_UPDATED = "briefing.updated"
    BRIEFING_PUBLISHED = "briefing.published"
    BRIEFING_UNPUBLISHED = "briefing.unpublished"
    BRIEFING_TRANSLATION_SAVED = "briefing.translation_saved"
    BRIEFING_MACHINE_DRAFT = "briefing.machine_draft"
    BRIEFING_RESTORED = "briefing.restored"
    ELECTION_CREATED = "election.created"
    ELECTION_UPDATED = "election.updated"
    ELECTION_ACTIVATED = "election.activated"
    ELECTION_CLOSED = "election.closed"
    CENTRE_CREATED = "centre.created"
    CENTRE_UPDATED = "centre.updated"
    CENTRE_DEACTIVATED = "centre.deactivated"
    CENTRE_REACTIVATED = "centre.reactivated"
    ELECTION_ERASED = "election.erased"
    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_UPDATED = "organisation.updated"
    ORGANISATION_CONFIRMED = "organisation.confirmed"
    ORGANISATION_MERGED = "organisation.merged"
    ACCREDITATIONS_IMPORTED = "accreditations.imported"
    INVITATION_SENT = "invitation.sent"
    INVITATION_ACCEPTED = "invitation.accepted"
    REPORT_NOTE_SAVED = "report.note_saved"
    REPORT_SUBSCRIBED = "report.subscribed"
    REPORT_UNSUBSCRIBED = "report.unsubscribed"
    REQUESTS_EXPORTED = "requests.exported"
    TOKEN_CREATED = "token.created"  # noqa: S105 - an action name, not a secret
    TOKEN_REVOKED = "token.revoked"  # noqa: S105 - an action name, not a secret
    GLOSSARY_TERM_PROPOSED = "glossary.proposed"
    GLOSSARY_TERM_UPDATED = "glossary.updated"
    GLOSSARY_TERM_APPROVED = "glossary.approved"
    GLOSSARY_TERM_DELETED = "glossary.deleted"
    GLOSSARY_IMPORTED = "glossary.imported"


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(
        Enum(
            AuditAction,
            name="audit_action",
            native_enum=False,
            create_constraint=True,
            length=64,
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
        ),
        index=True,
    )
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
