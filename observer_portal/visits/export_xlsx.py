"""The visit log as an Excel workbook: the CSV's columns with typed cells — arrival and
departure as date-times in the centre's time zone, kinds and purposes in the reader's words
and as stable codes — written row by row by openpyxl's write-only mode into a temporary
file (memory stays flat however many visits), then sent."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from observer_portal.labels import PURPOSE_LABELS, VISITOR_KIND_LABELS
from observer_portal.lazy_text import _l
from observer_portal.services.visit_log import ExportRow
from observer_portal.visits.export import HEADER

MOMENT = "yyyy-mm-dd hh:mm"
COLUMNS = HEADER[:12]  # the ISO columns of the CSV are not needed: the times are typed
WIDTHS = (17, 17, 12, 28, 22, 32, 30, 40, 22, 28, 12, 24)
SPOOL_BYTES = 16 * 1024 * 1024  # kept in memory up to this, then on disk


def _text(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, whatever was typed ("=HYPERLINK(…)")
    return cell


def _moment(sheet, moment: datetime | None, zone: ZoneInfo) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=moment.astimezone(zone).replace(tzinfo=None) if moment else None)
    cell.number_format = MOMENT
    return cell


def visit_log_xlsx(batches: Iterable[list[ExportRow]], zone: ZoneInfo) -> IO[bytes]:
    """The workbook in a temporary file, at its start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_l("Visits"))[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    header = []
    for title in COLUMNS:
        cell = _text(sheet, str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for batch in batches:
        for row in batch:
            sheet.append(
                [
                    _moment(sheet, row.arrived_at, zone),
                    _moment(sheet, row.left_at, zone),
                    _text(sheet, str(VISITOR_KIND_LABELS[row.visitor_kind])),
                    _text(sheet, row.full_name),
                    _text(sheet, row.accreditation_number or ""),
                    _text(sheet, row.organisation or ""),
                    _text(sheet, ", ".join(str(PURPOSE_LABELS[p]) for p in row.purposes)),
                    _text(sheet, row.notes),
                    _text(sheet, row.registered_by or ""),
                    _text(sheet, row.centre),
                    _text(sheet, row.visitor_kind.value),
                    _text(sheet, " ".join(p.value for p in row.purposes)),
                ]
            )
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response, closed by it
    book.save(out)
    out.seek(0)
    return out
