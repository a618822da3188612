"""Keyset pagination, and reading ids and keyset cursors from URLs and forms without trusting them.

One rule for every list and every id taken from a query string or a form: a value that
is not plain ASCII digits, or is out of range, is treated as absent — the first page of a
list, no preselected visitor — never an error. `str.isdigit()` is not enough: it accepts
'²' (which `int()` refuses) and numbers beyond what the database can compare (SQLite
raises OverflowError above 2**63-1, PostgreSQL refuses INTEGER above 2**31-1).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import Session
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


@dataclass(frozen=True)
class Keyset:
    """The order of a list and where each of its pages starts — written once for every list.

    `columns` end with the primary key, so every row has a position of its own. A page is
    "the `size` rows after this position", never OFFSET: page 1000 costs what page 1 costs,
    and a row written meanwhile never shifts a page (no row skipped or shown twice). The
    position of the last row shown is the next page's cursor; each list encodes it in its
    URL its own way and decodes it with the rules above.
    """

    columns: tuple[Any, ...]
    descending: bool = False

    def after(self, position: Sequence[Any]) -> ColumnElement[bool]:
        """Rows after `position` in this order. Spelled out column by column, and led by a
        bound on the first column, so an index on it bounds the scan on every backend (a
        row-value comparison is not used for an index range by SQLite)."""
        before, beyond = (operator.le, operator.lt) if self.descending else (operator.ge, operator.gt)
        first, value = self.columns[0], position[0]
        steps = [
            and_(
                *(column == equal for column, equal in zip(self.columns[:i], position, strict=False)),
                beyond(self.columns[i], position[i]),
            )
            for i in range(len(self.columns))
        ]
        return and_(before(first, value), or_(*steps))

    def ordered(self, stmt: Select) -> Select:
        """`stmt` in this order, whole (an export lists what the pages show, in their order)."""
        return stmt.order_by(*(column.desc() if self.descending else column for column in self.columns))

    def window(self, stmt: Select, position: Sequence[Any] | int | None, size: int) -> Select:
        """`stmt` ordered, after `position` (None: from the start; a plain id for a list
        ordered by id alone), one row more than a page (that row only tells whether another
        page follows)."""
        stmt = self.ordered(stmt).limit(size + 1)
        if position is None:
            return stmt
        return stmt.where(self.after((position,) if isinstance(position, int) else position))

    @staticmethod
    def split(rows: list, size: int, position: Callable[[Any], Any]) -> tuple[list, Any | None]:
        """The page, and the position of its last row when another page follows (else None)."""
        return rows[:size], (position(rows[size - 1]) if len(rows) > size else None)

    def page(
        self,
        session: Session,
        stmt: Select,
        position: Sequence[Any] | int | None,
        size: int,
        cursor: Callable[[Any], Any] = operator.attrgetter("id"),
    ) -> tuple[list, Any | None]:
        """One page of a list of one entity, and the next page's cursor (by default the
        last row's id, for the lists ordered by id alone)."""
        rows = list(session.scalars(self.window(stmt, position, size)))
        return self.split(rows, size, cursor)
