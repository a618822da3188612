"""The daily report by e-mail: once a centre's own clock has passed DAILY_REPORT_HOUR, the
day's report goes to each subscribed address, in that address's language (the HTML report,
with a plain-text part). A delivery row is written and committed before anything is sent,
so two workers never send the same day twice; a failed send removes it, to be tried again."""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from observer_portal.lazy_text import _l
from observer_portal.models import Centre, ReportDelivery, ReportSubscription
from observer_portal.services.elections import all_elections
from observer_portal.services.reports import daily
from observer_portal.services.reports.scope import Scope, election_for

log = logging.getLogger("observer_portal.reports")


def due(session: Session, now: datetime, hour: int) -> list[tuple[Centre, date]]:
    """Centres with subscribers whose day is over by the hour, and not yet sent."""
    centres = session.scalars(
        select(Centre).where(Centre.id.in_(select(ReportSubscription.centre_id))).order_by(Centre.id)
    )
    found = []
    for centre in centres:
        local = now.astimezone(ZoneInfo(centre.timezone))
        if local.hour >= hour and session.get(ReportDelivery, (centre.id, local.date())) is None:
            found.append((centre, local.date()))
    return found


def send_due(session: Session, now: datetime, hour: int) -> int:
    """Send what is due; without a mail server (MAIL_SERVER) nothing is, and nothing is marked sent."""
    if not current_app.config.get("MAIL_SERVER"):
        return 0
    sent = 0
    for centre, day in due(session, now, hour):
        sent += send_day(session, centre, day, now)
    return sent


def send_day(session: Session, centre: Centre, day: date, now: datetime) -> int:
    """Send one centre's report of one day to its subscribers; the number of addresses."""
    from flask_mailman import EmailMultiAlternatives

    from observer_portal.reports.daily_document import daily_context
    from observer_portal.reports.daily_routes import DAILY_DOCUMENT

    election = election_for(all_elections(session), day)
    if election is None:
        return 0
    try:  # the claim: committed first, so a second worker finds it and sends nothing
        session.add(ReportDelivery(centre_id=centre.id, day=day, recipients=0, sent_at=now))
        session.commit()
    except IntegrityError:
        session.rollback()
        return 0
    subscribers = list(session.scalars(select(ReportSubscription).where(ReportSubscription.centre_id == centre.id)))
    report = daily.build(session, Scope(election.id, day, day, centre_id=centre.id), now)
    try:
        for subscriber in subscribers:
            with current_app.test_request_context(f"/?lang={subscriber.locale}"), force_locale(subscriber.locale):
                context = daily_context(session, report, subscriber.locale, now, "day")
                subject = str(_l("Daily report: %(centre)s, %(day)s", centre=context["place"], day=context["when"]))
                message = EmailMultiAlternatives(
                    subject=subject[:150],
                    body=render_template("reports/daily_email.txt", **context),
                    to=[subscriber.email],
                )
                message.attach_alternative(render_template(DAILY_DOCUMENT, **context), "text/html")
                message.send()
    except Exception:
        session.execute(delete(ReportDelivery).where(ReportDelivery.centre_id == centre.id, ReportDelivery.day == day))
        session.commit()
        log.exception("daily report of centre %d for %s not sent; it will be tried again", centre.id, day)
        return 0
    session.execute(
        update(ReportDelivery)
        .where(ReportDelivery.centre_id == centre.id, ReportDelivery.day == day)
        .values(recipients=len(subscribers))
    )
    session.commit()
    return len(subscribers)
