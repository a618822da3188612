"""Reading an accreditation list as the Commission sends it: CSV with any delimiter, in UTF-8
(with or without a byte order mark), Windows-1251 or UTF-16 (Excel's "Unicode text"), or an
Excel workbook (.xlsx, its first sheet). The result is a header and rows of plain strings, each row with its line number in
the file, so every message can say which line to correct.

A workbook is a zip archive: before openpyxl opens it, its members are checked as a Word
upload's are (declared sizes, methods, and every deflate stream inflated in bounded chunks
to exactly its declared size), so a spreadsheet bomb is refused without being unpacked.
Formula cells are read as their formulas ("=HYPERLINK(…)"), never evaluated or trusted.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from observer_portal.lazy_text import LocalNumber, _l
from observer_portal.services import ServiceError
from observer_portal.services.documents import _check_inflated_sizes

MiB = 1024 * 1024
MAX_FILE_BYTES = 10 * MiB
MAX_UNPACKED_BYTES = 64 * MiB  # a 50,000-row workbook of seven columns unpacks to about 20 MiB
MAX_ROWS = 50_000
MAX_COLUMNS = 60
MAX_CELL = 1_000  # longer cells are cut here (and then refused by the field's own limit)
ENCODINGS = {"utf-8": "utf-8-sig", "windows-1251": "cp1251", "utf-16": "utf-16"}
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    encoding: str  # "utf-8", "windows-1251", or "" for a workbook


def read_table(filename: str, data: bytes, encoding: str = "") -> Table:
    """The list's header and rows; ServiceError (in the reader's language) when it is not one."""
    if not data:
        raise ServiceError(_l("The file is empty."), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError(_l("The file is larger than %(mb)d MB.", mb=MAX_FILE_BYTES // MiB), field="file")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        header, rows = _workbook(data)
        table = Table(header, rows, "")
    else:
        text, used = _decoded(data, encoding)
        header, rows = _csv(text)
        table = Table(header, rows, used)
    if not table.header or not any(table.header):
        raise ServiceError(_l("The first line must name the columns."), field="file")
    width = max(n for n, title in enumerate(table.header) if title) + 1  # empty columns at the right
    table = Table(table.header[:width], [(line, cells[:width]) for line, cells in table.rows], table.encoding)
    if len(table.rows) > MAX_ROWS:
        raise ServiceError(_l("A list can have at most %(n)s rows.", n=LocalNumber(MAX_ROWS)), field="file")
    return table


def _decoded(data: bytes, encoding: str) -> tuple[str, str]:
    """UTF-8 unless it cannot be; then Windows-1251 (the other encoding Excel saves CSV in
    here). The coordinator can choose the encoding when the guess reads wrongly."""
    if encoding in ENCODINGS:
        try:
            return data.decode(ENCODINGS[encoding]), encoding
        except UnicodeDecodeError:
            raise ServiceError(_l("The file cannot be read in this encoding."), field="encoding") from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text": UTF-16 with its mark
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ServiceError(_l("The file cannot be read in this encoding."), field="encoding") from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace"), "windows-1251"


def _csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The delimiter is the candidate the header line holds most of (headings rarely contain
    one; cells often do: "Russian, English"); the csv module's sniffer only when it has none."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best]:
        dialect = csv.excel
        dialect_kwargs = {"delimiter": best}
    else:
        try:
            dialect, dialect_kwargs = csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS), {}
        except csv.Error:
            dialect, dialect_kwargs = csv.excel, {}
    reader = csv.reader(io.StringIO(text, newline=""), dialect, **dialect_kwargs)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            cells = [cell.strip()[:MAX_CELL] for cell in cells[:MAX_COLUMNS]]
            if not header:
                header = cells
                continue
            if any(cells):
                rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error:
        raise ServiceError(
            _l("Line %(line)s of the file cannot be read.", line=reader.line_num), field="file"
        ) from None
    return header, rows


def _workbook(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
        raise _not_a_workbook() from None
    if len(infos) > 500 or sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _not_a_workbook()
    if any(info.flag_bits & 0x41 or info.compress_type not in (0, 8) for info in infos):
        raise _not_a_workbook()
    try:
        _check_inflated_sizes(data, infos)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (ServiceError, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _not_a_workbook() from None
    try:
        sheet = book.worksheets[0]
        header: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            if number > 2 * MAX_ROWS:  # empty rows count too: a sheet of a million blank rows stops here
                raise ServiceError(_l("A list can have at most %(n)s rows.", n=LocalNumber(MAX_ROWS)), field="file")
            cells = [_cell(value)[:MAX_CELL] for value in values]
            if not header:
                header = cells
            elif any(cells):
                rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                break
    except (ValueError, KeyError, OSError, zipfile.BadZipFile):
        raise _not_a_workbook() from None
    finally:
        book.close()
    return header, rows


def _cell(value) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a cell: 123456.0 is the card number 123456
    return str(value).strip()


def _not_a_workbook() -> ServiceError:
    return ServiceError(
        _l("This is not an Excel workbook the portal can read. Save it as .xlsx or as CSV and try again."),
        field="file",
    )
