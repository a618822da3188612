"""What coordinators add to their centre's daily report: the day's notes, and the addresses
it is sent to. Each change is checked against the policies and audited."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models import Centre, DailyNote, ReportSubscription, User
from observer_portal.models.base import utcnow
from observer_portal.policies import manages
from observer_portal.services import ServiceError
from observer_portal.services.audit import record

MAX_NOTE = 4000
FIRST_DAY = date(2000, 1, 1)  # as far back as the portal's date fields go (forms.FIRST_DAY)
MAX_SUBSCRIPTIONS = 50  # per centre: a distribution list, not a mailing service


def _managed(actor: User, centre_id: int) -> None:
    if not manages(actor, centre_id):
        raise ServiceError(_l("Only the centre's coordinators can change its daily report."))


def note_for(session: Session, centre_id: int, day: date) -> DailyNote | None:
    return session.scalar(select(DailyNote).where(DailyNote.centre_id == centre_id, DailyNote.day == day))


def save_note(session: Session, actor: User, centre_id: int, day: date, text: str, language: str) -> DailyNote:
    """Notes on a day that has begun at the centre (a report of a day to come has nothing to note)."""
    _managed(actor, centre_id)
    centre = session.get(Centre, centre_id)
    today = utcnow().astimezone(ZoneInfo(centre.timezone)).date()
    if not FIRST_DAY <= day <= today:
        raise ServiceError(_l("Notes can be written for today or an earlier day."))
    text = text.strip()
    if len(text) > MAX_NOTE:
        raise ServiceError(_l("Use at most %(n)d characters.", n=MAX_NOTE), field="text")
    note = note_for(session, centre_id, day)
    if note is None:
        note = DailyNote(centre_id=centre_id, day=day)
        session.add(note)
    note.text, note.language, note.updated_by_id, note.updated_at = text, language, actor.id, utcnow()
    session.flush()
    record(session, actor, "report.note_saved", note, day=day.isoformat())
    return note


def subscriptions(session: Session, centre_id: int) -> list[ReportSubscription]:
    return list(
        session.scalars(
            select(ReportSubscription)
            .where(ReportSubscription.centre_id == centre_id)
            .order_by(ReportSubscription.email)
        )
    )


def subscribe(session: Session, actor: User, centre_id: int, email: str, locale: str) -> ReportSubscription:
    _managed(actor, centre_id)
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ServiceError(_l("Enter a valid e-mail address."), field="email") from None
    if locale not in LOCALES:
        raise ServiceError(_l("Choose a language from the list."), field="locale")
    existing = session.scalar(
        select(ReportSubscription).where(
            ReportSubscription.centre_id == centre_id, func.lower(ReportSubscription.email) == email.lower()
        )
    )
    if existing is not None:
        raise ServiceError(_l("This address already receives the daily report."), field="email")
    count = session.scalar(select(func.count()).where(ReportSubscription.centre_id == centre_id))
    if count >= MAX_SUBSCRIPTIONS:
        raise ServiceError(_l("A centre can send its daily report to at most %(n)d addresses.", n=MAX_SUBSCRIPTIONS))
    subscription = ReportSubscription(centre_id=centre_id, email=email, locale=locale, created_by_id=actor.id)
    session.add(subscription)
    session.flush()
    record(session, actor, "report.subscribed", subscription, locale=locale)
    return subscription


def unsubscribe(session: Session, actor: User, subscription: ReportSubscription) -> None:
    _managed(actor, subscription.centre_id)
    record(session, actor, "report.unsubscribed", subscription, locale=subscription.locale)
    session.delete(subscription)
