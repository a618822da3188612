"""Reading ids and keyset cursors from URLs and forms without trusting them.

One rule for every list and every id taken from a query string or a form: a value that
is not plain ASCII digits, or is out of range, is treated as absent — the first page of a
list, no preselected visitor — never an error. `str.isdigit()` is not enough: it accepts
'²' (which `int()` refuses) and numbers beyond what the database can compare (SQLite
raises OverflowError above 2**63-1, PostgreSQL refuses INTEGER above 2**31-1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from werkzeug.routing import IntegerConverter

#: Primary keys are INTEGER columns: int4 on PostgreSQL, the tighter of our two backends.
MAX_ID = 2**31 - 1
#: Composite cursors use "_" between their parts: "<priority>_<micros>_<id>".
SEPARATOR = "_"

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MICRO = timedelta(microseconds=1)
_MAX_MICROS = (datetime.max.replace(tzinfo=UTC) - EPOCH) // _ONE_MICRO


def parse_number(value: object, maximum: int) -> int | None:
    """0..maximum from ASCII digits only; anything else is None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None


def parse_id(value: object) -> int | None:
    """A row id (1..MAX_ID) from a query string or form field, else None."""
    return parse_number(value, MAX_ID) or None


def parse_cursor(value: object) -> int | None:
    """A "before this id" cursor of a newest-first list: invalid means the first page (None)."""
    return parse_id(value)


def split_cursor(value: object, parts: int) -> list[str] | None:
    """The `parts` pieces of a composite cursor, or None when the shape is wrong."""
    pieces = value.split(SEPARATOR) if isinstance(value, str) else []
    return pieces if len(pieces) == parts else None


def micros(moment: datetime) -> int:
    """Microseconds since 1970, exactly (no float rounding that could skip a row)."""
    return (moment - EPOCH) // _ONE_MICRO


def parse_micros(value: object) -> datetime | None:
    """The inverse of `micros` for 1970..9999, else None."""
    number = parse_number(value, _MAX_MICROS)
    return None if number is None else EPOCH + number * _ONE_MICRO


def carried_args(args: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """Query parameters to copy into a next-page link: only the list's own filters, so a
    stray `endpoint` or `_external` never reaches `url_for` as a keyword."""
    return {name: args[name] for name in names if name in args}


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits up to MAX_ID, so `/requests/99999999999` is a
    404 instead of an OverflowError (SQLite) or an out-of-range error (PostgreSQL)."""

    regex = r"[0-9]+"  # `\d` would also match '١٢'

    def __init__(self, url_map, **options) -> None:
        options.setdefault("max", MAX_ID)  # `<int(max=...):x>` may still set its own bound
        super().__init__(url_map, **options)
