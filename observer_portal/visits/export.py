"""The visit log as CSV, worded for the person who downloads it: kinds and purposes as the
page says them, dates and times written as the pages write them (their locale, their
centre's time zone), no ids. The last two columns repeat the kind and the purposes as stable
English codes and the times in ISO 8601, so files exported in different languages can be put
together, sorted and counted
(the data comes from `services.visit_log.export_batches`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale

from observer_portal.labels import PURPOSE_LABELS, VISITOR_KIND_LABELS
from observer_portal.lazy_text import _l, _lp
from observer_portal.services.csv_safety import csv_text
from observer_portal.services.visit_log import ExportRow, VisitFilter
from observer_portal.timezones import iso_utc, moment_text

HEADER = (
    _l("Arrived"),
    _l("Left"),
    _l("Kind of visitor"),
    _lp("person", "Name"),
    _l("Accreditation or press card number"),
    _l("Mission or media outlet"),
    _l("Why they came"),
    _l("Notes"),
    _l("Registered by"),
    _l("Centre"),
    _l("Kind of visitor (code)"),
    _l("Why they came (codes)"),
    _l("Arrived (ISO 8601, UTC)"),
    _l("Left (ISO 8601, UTC)"),
)


def visit_log_csv(batches: Iterable[list[ExportRow]], locale: Locale, zone: ZoneInfo) -> Iterator[str]:
    """CSV text, one chunk per batch. Streamed after the view returned: the reader's locale and
    time zone are decided before (the signed-in user is not read from the database any more);
    labels are translated through the request's catalog, kept by stream_with_context."""

    def when(moment: datetime) -> str:
        return moment_text(moment, str(locale), zone)

    yield "\ufeff" + csv_text([[str(title) for title in HEADER]])  # BOM: spreadsheets read UTF-8
    for batch in batches:
        yield csv_text(
            [
                when(row.arrived_at),
                when(row.left_at) if row.left_at else "",
                str(VISITOR_KIND_LABELS[row.visitor_kind]),
                row.full_name,
                row.accreditation_number or "",
                row.organisation or "",
                ", ".join(str(PURPOSE_LABELS[purpose]) for purpose in row.purposes),
                row.notes,
                row.registered_by or "",
                row.centre,
                row.visitor_kind.value,
                " ".join(purpose.value for purpose in row.purposes),
                iso_utc(row.arrived_at),
                iso_utc(row.left_at),
            ]
            for row in batch
        )


def file_name(flt: VisitFilter, centre_slug: str | None, exported_at: datetime) -> str:
    """Says what the file holds: "visits-atyrau-2022-11-01-to-2022-11-20-exported-2022-11-21-0930.csv"
    (ASCII: the centre's slug, ISO dates, the export time in the centre's zone)."""
    scope = centre_slug or "all-centres"
    if flt.date_from or flt.date_to:
        dates = f"{flt.date_from.isoformat() if flt.date_from else 'start'}-to-{flt.date_to.isoformat() if flt.date_to else 'now'}"
    else:
        dates = "all-dates"
    return f"visits-{scope}-{dates}-exported-{exported_at.astimezone(ZoneInfo(flt.timezone)):%Y-%m-%d-%H%M}.csv"
