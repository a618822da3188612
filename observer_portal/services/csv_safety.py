"""The one rule for every CSV the portal writes: what people typed is never run by a spreadsheet.

Why each fragment and not only the start of the cell (OWASP's "CSV injection" advice):
the file is comma-separated, but spreadsheets in German, French or Russian locales split
on ';', pasted text and TSV imports split on tab, and some imports offer '|'. Such a
reader never sees our cell boundaries: `safe;=1+1;x` reaches it as three cells, the middle
one a formula, however the comma reading was protected. So the value is cut at every
delimiter of a common locale (',', ';', tab, '|') and at every kind of line break (a
reader that misreads the quoting starts a new row there), and each fragment that starts like a
formula gets OWASP's neutraliser, a leading `'`. Only those fragments change; the comma
reading of the cell stays the text people typed plus a visible `'` where it was needed.

"Starts like a formula": after spaces, double quotes (a ';' reader may take them as
quoting) and invisible format characters (right-to-left override, zero-width space,
BOM) comes = + - @ or a full-width or small variant of one (＝ ＋ － ＠, found via NFKC);
a cell that starts with tab or CR counts too. A fragment that starts with `'` is
already text.

Why QUOTE_NONNUMERIC: every text cell is quoted, so a cell holding any locale's delimiter
or a line break stays one cell for the ',' reader; numbers the app itself writes (ids,
counts) stay bare numbers, negative ones included, because nobody typed them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

#: Where a spreadsheet in some locale may start a new cell or row: the cell delimiters, and
#: every character some reader takes for a line break (those of str.splitlines: LF, CR, VT,
#: FF, the file/group/record separators, NEL, and the Unicode line and paragraph separators).
DELIMITERS = ",;\t|\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
FORMULA_START = "=+-@"
SPLIT = re.compile("([" + re.escape(DELIMITERS) + "])")  # fragment, delimiter, fragment, ...


def _skipped(char: str) -> bool:
    return char.isspace() or char == '"' or unicodedata.category(char) == "Cf"


def starts_like_formula(fragment: str) -> bool:
    """True when a spreadsheet could read this fragment as a formula."""
    for char in fragment:
        if _skipped(char):
            continue
        return unicodedata.normalize("NFKC", char)[:1] in FORMULA_START
    return False


def safe_cell(value: Any) -> str:
    """Text for one CSV cell: every fragment that starts like a formula gets a leading `'`."""
    text = "" if value is None else str(value)
    parts = SPLIT.split(text)  # fragment, delimiter, fragment, ...
    for i in range(0, len(parts), 2):
        if starts_like_formula(parts[i]):
            parts[i] = "'" + parts[i]
    safe = "".join(parts)
    return "'" + safe if safe[:1] in ("\t", "\r") else safe


def typed_text(cell: str) -> str:
    """The text `safe_cell` was given, from the cell it wrote (the portal's own files read
    back: a glossary exported, edited in a spreadsheet and imported again). A fragment typed
    as `'=…` comes back as `=…`: the one text this cannot tell apart."""
    text = cell[1:] if cell[:2] in ("'\t", "'\r") else cell
    parts = SPLIT.split(text)
    for i in range(0, len(parts), 2):
        if parts[i].startswith("'") and starts_like_formula(parts[i][1:]):
            parts[i] = parts[i][1:]
    return "".join(parts)


def _cell(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value  # written by the app, not typed by people: stays a number
    return safe_cell(value)


class SafeWriter:
    """`csv.writer` that passes every non-numeric value through `safe_cell`."""

    def __init__(self, buffer):
        self._writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer) -> SafeWriter:
    return SafeWriter(buffer)


def csv_line(row: Iterable[Any]) -> str:
    """One row as CSV text (with its line ending)."""
    buffer = io.StringIO()
    SafeWriter(buffer).writerow(row)
    return buffer.getvalue()


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Several rows as CSV text (one chunk of a streamed file), every text cell neutralised."""
    buffer = io.StringIO()
    csv_writer(buffer).writerows(rows)
    return buffer.getvalue()
