"""Times typed into forms are local to the centre; the database stores UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import to_user_timezone, to_utc

from observer_portal.models.base import utcnow


def local_to_utc(local: datetime) -> datetime:
    """A naive local time (from a datetime-local field) → aware UTC."""
    return to_utc(local).replace(tzinfo=UTC)


def utc_to_local_naive(moment: datetime) -> datetime:
    """An aware UTC time → naive local time, for filling a datetime-local field."""
    return to_user_timezone(moment).replace(tzinfo=None, second=0, microsecond=0)


def local_in(hours: float) -> datetime:
    return utc_to_local_naive(utcnow() + timedelta(hours=hours))
