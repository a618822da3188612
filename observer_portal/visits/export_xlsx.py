"""The visit log as an Excel workbook: the CSV's columns with typed cells — arrival and
departure as date-times in the centre's time zone, kinds and purposes in the reader's words
and as stable codes — written row by row (`spreadsheets.list_workbook`), then sent."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO
from zoneinfo import ZoneInfo

from observer_portal.labels import PURPOSE_LABELS, VISITOR_KIND_LABELS
from observer_portal.lazy_text import _l
from observer_portal.services.visit_log import ExportRow
from observer_portal.spreadsheets import list_workbook
from observer_portal.visits.export import HEADER

COLUMNS = HEADER[:12]  # the ISO columns of the CSV are not needed: the times are typed
WIDTHS = (17, 17, 12, 28, 22, 32, 30, 40, 22, 28, 12, 24)


def visit_log_xlsx(batches: Iterable[list[ExportRow]], zone: ZoneInfo) -> IO[bytes]:
    """The workbook in a temporary file, at its start."""
    rows = (
        [
            row.arrived_at,
            row.left_at,
            str(VISITOR_KIND_LABELS[row.visitor_kind]),
            row.full_name,
            row.accreditation_number or "",
            row.organisation or "",
            ", ".join(str(PURPOSE_LABELS[p]) for p in row.purposes),
            row.notes,
            row.registered_by or "",
            row.centre,
            row.visitor_kind.value,
            " ".join(p.value for p in row.purposes),
        ]
        for batch in batches
        for row in batch
    )
    return list_workbook(str(_l("Visits")), [str(title) for title in COLUMNS], WIDTHS, rows, zone)
