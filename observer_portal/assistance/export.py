"""The request queue as files, worded for the coordinator who downloads them: kinds,
statuses, urgency and places as the pages say them, times in their language and their
centre's time zone, the request's number as the pages show it ("#12"), no internal id.
The CSV adds stable English codes and ISO 8601 times (UTC), so files exported in different
languages can be put together; the workbook types its times instead."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from babel import Locale

from observer_portal.labels import (
    PRIORITY_LABELS,
    REQUEST_KIND_LABELS,
    STATUS_LABELS,
    VISITOR_KIND_LABELS,
    VISITOR_LOCATION_LABELS,
)
from observer_portal.lazy_text import _l
from observer_portal.services.csv_safety import csv_text
from observer_portal.services.request_list import ExportRow
from observer_portal.spreadsheets import list_workbook
from observer_portal.timezones import iso_utc, moment_text

HEADER = (
    _l("Request"),
    # Translators: a column: when the request for help was filed (submitted)
    _l("Filed"),
    _l("Needed by"),
    _l("Kind"),
    _l("Status"),
    _l("Urgency"),
    _l("Visitor"),
    # Translators: a column of the request list: observer or media representative
    _l("Kind of visitor"),
    _l("Mission or media outlet"),
    _l("Where"),
    _l("Address, hotel or polling station"),
    _l("Details"),
    _l("Volunteer"),
    # Translators: a column: when someone of the centre first took the request on
    _l("First response"),
    # Translators: a column: when the request was done
    _l("Done at"),
    _l("Centre"),
)
CODES = (
    _l("Kind (code)"),
    _l("Status (code)"),
    _l("Filed (ISO 8601, UTC)"),
    _l("Needed by (ISO 8601, UTC)"),
)
WIDTHS = (10, 17, 17, 16, 20, 10, 28, 14, 32, 22, 28, 50, 22, 17, 17, 24)


def _worded(row: ExportRow) -> list:
    """The columns both files share, times left as they are (each file writes them its way)."""
    return [
        f"#{row.number}",
        row.filed_at,
        row.needed_by,
        str(REQUEST_KIND_LABELS[row.kind]),
        str(STATUS_LABELS[row.status]),
        str(PRIORITY_LABELS[row.priority]),
        row.visitor,
        str(VISITOR_KIND_LABELS[row.visitor_kind]) if row.visitor_kind else "",
        row.organisation or "",
        str(VISITOR_LOCATION_LABELS[row.location_kind]),
        row.location,
        row.details,
        row.volunteer or "",
        row.first_response_at,
        row.completed_at,
        row.centre,
    ]


def request_list_csv(batches: Iterable[list[ExportRow]], locale: Locale, zone: ZoneInfo) -> Iterator[str]:
    """CSV text, one chunk per batch (the locale and zone decided before streaming)."""

    def written(value):
        return (
            moment_text(value, str(locale), zone) if isinstance(value, datetime) else ("" if value is None else value)
        )

    yield "\ufeff" + csv_text([[str(title) for title in (*HEADER, *CODES)]])  # BOM: spreadsheets read UTF-8
    for batch in batches:
        yield csv_text(
            [
                *(written(value) for value in _worded(row)),
                row.kind.value,
                row.status.value,
                iso_utc(row.filed_at),
                iso_utc(row.needed_by),
            ]
            for row in batch
        )


def request_list_xlsx(batches: Iterable[list[ExportRow]], zone: ZoneInfo) -> IO[bytes]:
    rows = (_worded(row) for batch in batches for row in batch)
    return list_workbook(str(_l("Requests")), [str(title) for title in HEADER], WIDTHS, rows, zone)


def file_name(centre_slug: str | None, exported_at: datetime, zone: ZoneInfo, extension: str) -> str:
    """ "requests-atyrau-exported-2022-11-21-0930.csv" (ASCII; the time in the centre's zone)."""
    return f"requests-{centre_slug or 'all-centres'}-exported-{exported_at.astimezone(zone):%Y-%m-%d-%H%M}.{extension}"
