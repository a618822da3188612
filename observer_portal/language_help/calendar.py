"""Interpreters' bookings as an iCalendar feed (RFC 5545), built with `icalendar`."""

from __future__ import annotations

from icalendar import Calendar, Event

from observer_portal.i18n import language_name


def bookings_calendar(bookings, jobs) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Observer Portal//Interpreter bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Observer Portal bookings")
    for booking in bookings:
        job = jobs.get(booking.request_id)
        pair = f"{language_name(job.source_lang)} → {language_name(job.target_lang)}" if job else ""
        event = Event()
        event.add("uid", f"booking-{booking.id}@observer-portal")
        event.add("summary", f"#{booking.request_id} {pair}".strip())
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        event.add("dtstamp", booking.starts_at)
        if job and job.place:
            event.add("location", job.place)
        calendar.add_component(event)
    return calendar.to_ical()
