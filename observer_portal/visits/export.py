"""The visit log as CSV, worded for the person who downloads it: kinds and purposes as the
page says them, dates and times in their locale and their centre's time zone, no internal
codes or ids (the data comes from `services.visit_log.export_batches`)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime

from observer_portal.labels import PURPOSE_LABELS, VISITOR_KIND_LABELS
from observer_portal.lazy_text import _l
from observer_portal.services.csv_safety import csv_writer
from observer_portal.services.visit_log import ExportRow

HEADER = (
    _l("Arrived"),
    _l("Left"),
    _l("Visitor"),
    _l("Name"),
    _l("Accreditation or press card number"),
    _l("Mission or media outlet"),
    _l("Why they came"),
    _l("Notes"),
)


def visit_log_csv(batches: Iterable[list[ExportRow]], locale: Locale, zone: ZoneInfo) -> Iterator[str]:
    """CSV text, one chunk per batch. Streamed after the view returned: the reader's locale and
    time zone are decided before (the signed-in user is not read from the database any more);
    labels are translated through the request's catalog, kept by stream_with_context."""

    def when(moment: datetime) -> str:
        return format_datetime(moment, "short", tzinfo=zone, locale=locale)

    yield "\ufeff" + _lines([[str(title) for title in HEADER]])  # BOM: spreadsheets read UTF-8
    for batch in batches:
        yield _lines(
            [
                when(row.arrived_at),
                when(row.left_at) if row.left_at else "",
                str(VISITOR_KIND_LABELS[row.visitor_kind]),
                row.full_name,
                row.accreditation_number or "",
                row.organisation or "",
                ", ".join(str(PURPOSE_LABELS[purpose]) for purpose in row.purposes),
                row.notes,
            ]
            for row in batch
        )


def _lines(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # neutralises every text cell
    writer.writerows(rows)
    return buffer.getvalue()
