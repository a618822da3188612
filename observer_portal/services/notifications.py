"""In-app notifications (and an e-mail copy when SMTP is configured).

Rows store a kind and parameters; the sentence is built when shown, in the reader's
language, and so is where it leads (`target`): no URL is stored, and a link is only
offered to a page its reader may open. E-mail goes out after the change is committed, with a timeout, and a mail
failure never undoes or blocks the change itself."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from observer_portal.lazy_text import _l
from observer_portal.models import Notification, User
from observer_portal.models.base import utcnow
from observer_portal.timezones import when
from observer_portal.urls import absolute_url

log = logging.getLogger("observer_portal.notifications")

REQUEST_ASSIGNED = "request_assigned"
REQUEST_STATUS = "request_status"
LOAN_OVERDUE = "loan_overdue"
REQUEST_UNROUTABLE = "request_unroutable"


def notify(session: Session, user_id: int | None, kind: str, *, params: dict[str, Any]) -> Notification | None:
    if user_id is None:
        return None
    notification = Notification(user_id=user_id, kind=kind, params=params)
    session.add(notification)
    return notification


def target(notification: Notification, reader: User) -> tuple[str, dict[str, Any]] | None:
    """Where the notification leads its reader — an endpoint and its values — or None."""
    p = notification.params or {}
    if notification.kind in (REQUEST_ASSIGNED, REQUEST_STATUS) and p.get("id"):
        return "assistance.detail", {"request_id": p["id"]}
    if notification.kind == REQUEST_UNROUTABLE and reader.role.is_staff:
        return "language_help.coverage", {}
    if notification.kind == LOAN_OVERDUE and p.get("item") and reader.role.is_staff:
        return "inventory.detail", {"item_id": p["item"]}  # the borrower has no page for the item
    return None


def message(notification: Notification) -> str:
    """The notification's sentence in the current locale."""
    from observer_portal.labels import EQUIPMENT_KIND_LABELS, REQUEST_KIND_LABELS, STATUS_LABELS

    p = dict(notification.params or {})
    if notification.kind == REQUEST_ASSIGNED:
        kind = REQUEST_KIND_LABELS.get(p.get("kind"), p.get("kind", ""))
        return str(_l("Request #%(id)s (%(kind)s) has been assigned to you.", id=p.get("id"), kind=kind))
    if notification.kind == REQUEST_STATUS:
        status = STATUS_LABELS.get(p.get("status"), p.get("status", ""))
        return str(_l("Your request #%(id)s is now: %(status)s.", id=p.get("id"), status=status))
    if notification.kind == REQUEST_UNROUTABLE:
        return str(_l("Request #%(id)s could not be routed to anyone.", id=p.get("id")))
    if notification.kind == LOAN_OVERDUE:
        from datetime import datetime

        item = EQUIPMENT_KIND_LABELS.get(p.get("kind"), p.get("kind", ""))
        due = when(datetime.fromisoformat(p["due"])) if p.get("due") else ""
        return str(_l("%(item)s %(tag)s was due back on %(due)s.", item=item, tag=p.get("tag", ""), due=due))
    return notification.kind


def recent(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc()).limit(limit)
        )
    )


def mark_all_read(session: Session, user_id: int) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


class MailNotSent(Exception):
    """The SMTP server did not take the message; the job queue tries again later."""


#: an e-mail copy is tried this many times (the queue backs off between tries), then left
MAX_EMAIL_ATTEMPTS = 6


def email_copy(session: Session, notification_id: int, claim_timeout: timedelta) -> bool:
    """Send one notification's e-mail copy, at most once: claim it (a conditional UPDATE, so
    two workers never both send it), commit the claim, send, then mark it sent. A worker
    killed between the claim and the mark leaves it claimed: `stale_emails` hands it out
    again once the claim is older than `claim_timeout`. True when sent now; raises
    MailNotSent when the server refused (the queue retries with back-off)."""
    now = utcnow()
    claimed = session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.emailed_at.is_(None),
            Notification.email_attempts < MAX_EMAIL_ATTEMPTS,
            or_(Notification.email_claimed_at.is_(None), Notification.email_claimed_at < now - claim_timeout),
        )
        .values(email_attempts=Notification.email_attempts + 1, email_claimed_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.commit()
    notification = session.get(Notification, notification_id)
    if not claimed or notification is None:
        return False
    user = session.get(User, notification.user_id)
    if user is not None and user.active:
        from flask_mailman import EmailMessage

        with force_locale(user.preferred_locale or "en"):
            body = message(notification)
            if (where := target(notification, user)) is not None:
                body += "\n\n" + absolute_url(where[0], **where[1])
            subject = str(_l("Observer Portal: %(text)s", text=message(notification)))[:150]
        try:
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
        except Exception as error:
            session.execute(
                update(Notification).where(Notification.id == notification_id).values(email_claimed_at=None)
            )
            session.commit()
            raise MailNotSent(type(error).__name__) from None
    session.execute(update(Notification).where(Notification.id == notification_id).values(emailed_at=utcnow()))
    session.commit()
    return True


def stale_emails(session: Session, claim_timeout: timedelta, limit: int = 500) -> list[int]:
    """E-mail copies of the last day not sent yet and not being sent (never claimed, or
    claimed longer ago than `claim_timeout`: a worker died), with tries left."""
    now = utcnow()
    return list(
        session.scalars(
            select(Notification.id)
            .where(
                Notification.emailed_at.is_(None),
                Notification.email_attempts < MAX_EMAIL_ATTEMPTS,
                Notification.created_at > now - timedelta(days=1),
                or_(Notification.email_claimed_at.is_(None), Notification.email_claimed_at < now - claim_timeout),
            )
            .order_by(Notification.id)
            .limit(limit)
        )
    )
