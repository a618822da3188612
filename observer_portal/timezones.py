"""Times typed into forms are local to the centre; the database stores UTC. Times shown —
on pages, in CSV files, e-mails and notifications — are written one way: `moment_text`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache, lru_cache

from babel.dates import format_datetime, get_date_format, get_datetime_format, get_time_format
from flask_babel import get_locale, get_timezone, to_user_timezone, to_utc

from observer_portal.models.base import utcnow


def local_to_utc(local: datetime) -> datetime:
    """A naive local time (from a datetime-local field) → aware UTC."""
    return to_utc(local).replace(tzinfo=UTC)


def utc_to_local_naive(moment: datetime) -> datetime:
    """An aware UTC time → naive local time, for filling a datetime-local field."""
    return to_user_timezone(moment).replace(tzinfo=None, second=0, microsecond=0)


def local_midnight_utc() -> datetime:
    """The start of the reader's day (their centre's midnight), as UTC."""
    local_now = to_user_timezone(utcnow())
    return local_now.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def local_in(hours: float) -> datetime:
    return utc_to_local_naive(utcnow() + timedelta(hours=hours))


@cache
def _minute_pattern(locale_id: str) -> str:
    """Babel's medium date-time pattern with the short time, as one CLDR pattern per locale."""
    return (
        get_datetime_format("medium", locale=locale_id)
        .replace("{1}", get_date_format("medium", locale=locale_id).pattern)
        .replace("{0}", get_time_format("short", locale=locale_id).pattern)
    )


def moment_text(moment: datetime, locale_id: str, zone: tzinfo) -> str:
    """The one style of a date and time, to the minute: "Nov 21, 2022, 4:33 PM",
    "21.11.2022, 16:33", "2022 ж. 21 қар., 16:33" — in `zone` (a centre's)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return _wall_clock_text(aware.astimezone(zone).replace(tzinfo=None), locale_id)


@lru_cache(maxsize=4096)
def _wall_clock_text(wall_clock: datetime, locale_id: str) -> str:
    """Remembered per wall-clock time and language (the pattern names no zone; keyed on the
    naive time, as two aware times of one instant in two zones are equal): a page of a list
    shows the same times to everyone reading it, and Babel's formatting is among the
    costliest calls of a page."""
    return format_datetime(wall_clock, _minute_pattern(locale_id), locale=locale_id)


def when(moment: datetime) -> str:
    """`moment_text` for the reader: their language, their centre's time zone."""
    return moment_text(moment, str(get_locale() or "en"), get_timezone())


def iso_utc(moment: datetime | None) -> str:
    """For spreadsheets and scripts: sortable, the same in every language ("" for no time)."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_moment(moment: datetime | None) -> datetime | None:
    """A moment as the API writes every one: in UTC (whatever offset it was given with)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC)
