"""A list as an Excel workbook, written row by row (openpyxl's write-only mode into a
temporary file, so memory stays flat however long the list): a bold, frozen header, column
widths, and typed cells — text stays text whatever was typed ("=HYPERLINK(…)" is never a
formula), date-times are written in the given time zone as date-times, numbers as numbers.
The visit log and the request list use it; the reports, which are small and styled per
section, have their own (`reports/workbook.py`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MOMENT = "yyyy-mm-dd hh:mm"
MAX_TITLE = 31  # Excel's limit on a sheet's name
SPOOL_BYTES = 16 * 1024 * 1024  # kept in memory up to this, then on disk


def _cell(sheet, value, zone: ZoneInfo) -> WriteOnlyCell:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.astimezone(zone).replace(tzinfo=None, microsecond=0))
        cell.number_format = MOMENT
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    return cell


def list_workbook(
    title: str, header: Sequence[str], widths: Sequence[int], rows: Iterable[Sequence], zone: ZoneInfo
) -> IO[bytes]:
    """The workbook in a temporary file, at its start; one sheet named `title`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:MAX_TITLE])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = _cell(sheet, str(text), zone)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_cell(sheet, value, zone) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response, closed by it
    book.save(out)
    out.seek(0)
    return out
