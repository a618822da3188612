"""SQL the reports share: durations and percentiles computed by the database, written once
for SQLite and PostgreSQL so both give the same figures to the second."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Float, Integer, String, and_, case, cast, func, literal, null, or_, select, union_all
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
    (in seconds, of waits measured to the minute, interpolated between neighbours as
    PostgreSQL's percentile_cont does)."""

    count: int
    median: float
    p90: float


def minutes_between(start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """Whole minutes from one stored time to another (to the nearest minute)."""
    return cast(func.round(seconds_between(start, end) / 60.0), Integer)


def _position(fraction: Fraction, n: ColumnElement) -> tuple[ColumnElement, ColumnElement, ColumnElement]:
    """0-based ranks below and above the percentile, and the remainder (in 1/denominator)
    that places it between them: integer arithmetic, identical in both databases."""
    scaled = fraction.numerator * (n - 1)
    below = scaled // fraction.denominator  # a whole division in both databases
    remainder = scaled % fraction.denominator
    above = below + case((remainder > 0, 1), else_=0)
    return below, above, remainder


def spreads(
    session: Session,
    minutes: ColumnElement,
    keys: Sequence[ColumnElement],
    levels: Sequence[Sequence[int]],
    where: Sequence[ColumnElement],
) -> list[dict[tuple, Spread]]:
    """The median and 90th percentile of `minutes` per group, at each level (a level names
    which of `keys` it groups by: all of them, some, none). One statement: the rows are
    counted per group and minute once (a few hundred rows per group, whatever the number of
    requests); each level adds those counts up, and the value at a rank is the first minute
    whose running count passes it."""
    names = [f"k{index}" for index in range(len(keys))]
    counted = (
        select(
            *(key.label(name) for key, name in zip(keys, names, strict=True)),
            minutes.label("m"),
            func.count().label("c"),
        )
        .where(*where, minutes.is_not(None))
        .group_by(*keys, minutes)
        .cte("counted")
    )
    parts = []
    for number, level in enumerate(levels):
        grouped = [counted.c[names[index]] for index in level]
        per_minute = (
            select(*grouped, counted.c.m, func.sum(counted.c.c).label("c")).group_by(*grouped, counted.c.m).subquery()
        )
        at = [per_minute.c[names[index]] for index in level]
        partition = at or None
        running = select(
            *at,
            per_minute.c.m,
            cast(func.sum(per_minute.c.c).over(partition_by=partition, order_by=per_minute.c.m), Integer).label("cum"),
            cast(func.sum(per_minute.c.c).over(partition_by=partition), Integer).label("n"),
        ).subquery()
        picks = []
        for fraction in (MEDIAN, P90):
            below, above, remainder = _position(fraction, running.c.n)
            picks += [
                func.min(case((running.c.cum > below, running.c.m))),
                func.min(case((running.c.cum > above, running.c.m))),
                func.max(remainder),
            ]
        padded = [running.c[names[index]] if index in level else null() for index in range(len(keys))]
        parts.append(
            select(literal(number).label("level"), *padded, running.c.n, *picks).group_by(
                *[running.c[names[index]] for index in level], running.c.n
            )
        )
    found: list[dict[tuple, Spread]] = [{} for _ in levels]
    width = len(keys)
    for row in session.execute(union_all(*parts)):
        level = levels[row[0]]
        key = tuple(row[1 + index] for index in level)
        count, values = int(row[1 + width]), row[2 + width :]
        found[row[0]][key] = Spread(
            count,
            60 * _between(values[0], values[1], values[2], MEDIAN.denominator),
            60 * _between(values[3], values[4], values[5], P90.denominator),
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
