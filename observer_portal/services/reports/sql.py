"""SQL the reports share: durations and percentiles computed by the database, written once
for SQLite and PostgreSQL so both give the same figures to the second."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Float, Integer, String, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

MEDIAN, P90 = Fraction(1, 2), Fraction(9, 10)


class seconds_between(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """`seconds_between(start, end)`: the seconds from one stored UTC time to another."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"ROUND((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"ROUND(EXTRACT(EPOCH FROM ({end} - {start})))"


@dataclass(frozen=True)
class Spread:
    """How long something took across a group: how many, the median and the 90th percentile
    (in seconds, interpolated between neighbours as PostgreSQL's percentile_cont does)."""

    count: int
    median: float
    p90: float


def _position(fraction: Fraction, n: ColumnElement) -> tuple[ColumnElement, ColumnElement, ColumnElement]:
    """0-based rows below and above the percentile, and the remainder (in 1/denominator)
    that places it between them: integer arithmetic, identical in both databases."""
    scaled = fraction.numerator * (n - 1)
    below = scaled // fraction.denominator  # a whole division in both databases
    remainder = scaled % fraction.denominator
    above = below + case((remainder > 0, 1), else_=0)
    return below, above, remainder


def spreads(
    session: Session,
    duration: ColumnElement,
    keys: Sequence[ColumnElement],
    where: Sequence[ColumnElement],
    select_from=None,
) -> dict[tuple, Spread]:
    """The median and 90th percentile of `duration` per value of `keys` (one row per group,
    however many rows each has): the rows are numbered in order inside each group by a window
    function, and only the two rows around each percentile leave the database."""
    partition = list(keys) or None
    numbered = select(
        *keys,
        duration.label("d"),
        func.row_number().over(partition_by=partition, order_by=duration).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).where(*where, duration.is_not(None))
    if select_from is not None:
        numbered = numbered.select_from(select_from)
    rows = numbered.subquery()
    group = [rows.c[index] for index in range(len(keys))]
    rank, n = rows.c.rn - 1, rows.c.n
    picks, wanted = [], []
    for fraction in (MEDIAN, P90):
        below, above, remainder = _position(fraction, n)
        picks += [
            func.max(case((rank == below, rows.c.d))),
            func.max(case((rank == above, rows.c.d))),
            func.max(remainder),
        ]
        wanted += [rank == below, rank == above]
    query = select(*group, n, *picks).where(or_(*wanted)).group_by(*group, n)
    found: dict[tuple, Spread] = {}
    for row in session.execute(query):
        key, count = tuple(row[: len(group)]), int(row[len(group)])
        values = row[len(group) + 1 :]
        found[key] = Spread(
            count,
            _between(values[0], values[1], values[2], MEDIAN.denominator),
            _between(values[3], values[4], values[5], P90.denominator),
        )
    return found


def _between(below, above, remainder, denominator: int) -> float:
    below, above = float(below), float(above)
    return below + (above - below) * int(remainder) / denominator


def in_any(*conditions: ColumnElement) -> ColumnElement:
    """OR of per-centre conditions; never an empty OR (which SQLAlchemy warns about)."""
    return or_(*conditions) if conditions else and_(False)


class local_hour(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """`local_hour(moment, offset_minutes)`: the hour of a stored UTC time on a clock that
    many minutes ahead of UTC (a centre's offset on the day counted)."""

    type = Integer()
    inherit_cache = True
    name = "local_hour"


@compiles(local_hour, "sqlite")
def _hour_sqlite(element, compiler, **kw):
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(strftime('%H', {moment}, ({offset}) || ' minutes') AS INTEGER)"


@compiles(local_hour, "postgresql")
def _hour_postgresql(element, compiler, **kw):
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(EXTRACT(HOUR FROM ({moment} AT TIME ZONE 'UTC') + make_interval(mins => {offset})) AS INTEGER)"


class local_date(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """`local_date(moment, offset_minutes)`: the calendar day of a stored UTC time on a clock
    that many minutes ahead of UTC, as an ISO text (the same on both databases)."""

    type = String()
    inherit_cache = True
    name = "local_date"


@compiles(local_date, "sqlite")
def _date_sqlite(element, compiler, **kw):
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({moment}, ({offset}) || ' minutes')"


@compiles(local_date, "postgresql")
def _date_postgresql(element, compiler, **kw):
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"to_char(({moment} AT TIME ZONE 'UTC') + make_interval(mins => {offset}), 'YYYY-MM-DD')"
