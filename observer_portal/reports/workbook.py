"""The equal-treatment report as an Excel workbook (openpyxl): one sheet per section, typed
cells (whole numbers, shares as percentages, waits as time spans), a frozen header row and
columns wide enough for their headings, every word in the reader's language."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from observer_portal.lazy_text import _l
from observer_portal.reports.columns import DURATION, SHARE

FORMATS = {SHARE: "0%", DURATION: "[h]:mm"}
BOLD = Font(bold=True)
MAX_TITLE = 31  # Excel's limit on a sheet's name


def _title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:MAX_TITLE].strip()


def _append(sheet: Worksheet, values: list) -> None:
    """Add a row; text stays text (openpyxl would store a name typed as "=…" as a formula)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _header(sheet: Worksheet, labels: list[str]) -> None:
    _append(sheet, labels)
    for index, label in enumerate(labels, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = min(max(12, len(label) + 2), 40)
    sheet.freeze_panes = "B2"


def _summary(sheet: Worksheet, context: dict) -> None:
    sheet.title = _title(str(_l("Summary")))
    rows = [
        # Translators: a label in a workbook: the report's title is next to it (a noun)
        (str(_l("Report")), str(_l("Equal treatment of missions and media"))),
        (str(_l("Election")), context["election_name"]),
        (str(_l("Centre")), str(context["place"])),
        (str(_l("Period")), context["period"]),
        (str(_l("Prepared")), context["made_at"]),
    ]
    for label, value in rows:
        _append(sheet, [label, value])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
    _append(sheet, [])
    _append(sheet, [str(_l("What stands out"))])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for group, texts in context["flagged"]:
        for text in texts:
            _append(sheet, [group, str(text)])
    if not context["flagged"]:
        _append(sheet, [str(_l("Nothing stands out."))])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 90


def _section(sheet: Worksheet, title: str, columns, context: dict) -> None:
    sheet.title = _title(title)
    _header(sheet, [str(_l("Group"))] + [str(column.label) for column in columns])
    sheet.column_dimensions["A"].width = 40
    for group in [context["everyone"], *context["kinds"], *context["organisations"]]:
        _append(sheet, [group.label] + [context["typed"](column, group.figures) for column in columns])
        for index, column in enumerate(columns, start=2):
            if column.kind in FORMATS:
                sheet.cell(row=sheet.max_row, column=index).number_format = FORMATS[column.kind]


def _reasons(sheet: Worksheet, context: dict) -> None:
    # Translators: a spreadsheet tab's name: at most 31 characters
    sheet.title = _title(str(_l("Language help nobody took")))
    _header(sheet, [str(_l("Group"))] + [label for _, label in context["reasons"]])
    sheet.column_dimensions["A"].width = 40
    for group in context["unroutable_groups"]:
        _append(
            sheet, [group.label] + [group.figures.unroutable_reasons.get(code, 0) for code, _ in context["reasons"]]
        )


def equal_treatment_workbook(context: dict) -> bytes:
    book = Workbook()
    _summary(book.active, context)
    for _key, title, columns in context["sections"]:
        _section(book.create_sheet(), str(title), columns, context)
    _reasons(book.create_sheet(), context)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def daily_workbook(context: dict) -> bytes:
    """The daily report: its facts and figures on one sheet (typed), the days on another."""
    book = Workbook()
    sheet = book.active
    sheet.title = _title(str(_l("Daily centre report")))
    for label, value in (
        (str(_l("Election")), context["election_name"]),
        (str(_l("Centre")), context["place"]),
        (str(_l("Period")), context["when"]),
        (str(_l("Prepared")), context["made_at"]),
    ):
        _append(sheet, [label, value])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for _key, title, lines in context["sections"]:
        if not lines:
            continue
        _append(sheet, [])
        _append(sheet, [title])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
        for line in lines:
            _append(sheet, [("    " if line.indent else "") + line.label, line.typed])
            if line.kind in FORMATS:
                sheet.cell(row=sheet.max_row, column=2).number_format = FORMATS[line.kind]
    if context["notes"]:
        _append(sheet, [])
        _append(sheet, [str(_l("Notes from the centre"))])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
        for note in context["notes"]:
            _append(sheet, [note.day, note.text])
            sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 60
    if context["days"]:
        days = book.create_sheet(_title(str(_l("Day by day"))))
        _header(days, [str(_l("Day")), str(_l("Visits")), str(_l("Requests filed")), str(_l("Requests done"))])
        for line in context["days"]:
            _append(days, [line.day, line.visits, line.requests, line.done])
            days.cell(row=days.max_row, column=1).number_format = "yyyy-mm-dd"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
