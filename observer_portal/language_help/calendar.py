"""Interpreters' bookings as an iCalendar feed (RFC 5545), built with `icalendar`: worded
in the interpreter's own language (a calendar app sends no cookie and rarely a useful
Accept-Language); times are UTC, each calendar shows them in its own zone."""

from __future__ import annotations

from flask_babel import force_locale
from icalendar import Calendar, Event

from observer_portal.i18n import language_name
from observer_portal.lazy_text import gettext


def bookings_calendar(bookings, jobs, locale: str) -> bytes:
    with force_locale(locale):
        return _calendar(bookings, jobs)


def _calendar(bookings, jobs) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Observer Portal//Interpreter bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", gettext("Interpreting bookings · Observer Portal"))
    for booking in bookings:
        job = jobs.get(booking.request_id)
        event = Event()
        event.add("uid", f"booking-{booking.id}@observer-portal")
        if job:
            pair = f"{language_name(job.source_lang)} → {language_name(job.target_lang)}"
            summary = gettext("Interpreting %(pair)s (request #%(id)s)", pair=pair, id=booking.request_id)
        else:
            summary = gettext("Interpreting (request #%(id)s)", id=booking.request_id)
        event.add("summary", summary)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        event.add("dtstamp", booking.starts_at)
        if job and job.place:
            event.add("location", job.place)
        calendar.add_component(event)
    return calendar.to_ical()
