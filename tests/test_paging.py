"""The one rule for ids and cursors read from URLs and forms, and the one keyset rule for every list (observer_portal.paging)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from observer_portal.models import Priority
from observer_portal.paging import MAX_ID, Keyset, parse_cursor, parse_id, parse_micros
from observer_portal.services import request_list, visit_log

moments = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))
ids = st.integers(1, MAX_ID)


@given(ids)
def test_every_id_in_range_is_read_back(number):
    assert parse_id(str(number)) == parse_cursor(str(number)) == number


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_ID + 1)).map(str) | st.text())
def test_anything_else_is_no_id(value):
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID):
        assert parse_id(value) is None


def test_digits_that_int_reads_differently_are_refused():
    for value in ("²", "١٢", "𝟙", " 1", "1 ", "+1", "1_0", "0", "", "9" * 5000):
        assert parse_id(value) is None, value
    assert parse_micros("253402300800000000") is None  # the first microsecond after 9999-12-31


@given(moments, ids)
def test_visit_log_cursor_round_trip_is_exact(moment, number):
    """Exact to the microsecond: a float on the way would skip rows arriving in the same second."""
    cursor = visit_log.Cursor(moment, number)
    assert visit_log.Cursor.decode(cursor.encode()) == cursor


@given(st.sampled_from(Priority), moments, ids)
def test_queue_cursor_round_trip_is_exact(priority, moment, number):
    cursor = request_list.Cursor(priority, moment, number)
    assert request_list.Cursor.decode(cursor.encode()) == cursor


# ---------------------------------------------------------------- the keyset, written once

_rows = sa.Table(
    "rows",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("rank", sa.Integer),
    sa.Column("name", sa.String),
)
KEYSETS = {
    "id, newest first": Keyset((_rows.c.id,), descending=True),
    "name then id": Keyset((_rows.c.name, _rows.c.id)),
    "rank, name, id, last first": Keyset((_rows.c.rank, _rows.c.name, _rows.c.id), descending=True),
}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "ä", ""])), max_size=30),
    st.sampled_from(sorted(KEYSETS)),
    st.integers(1, 4),
)
def test_walking_the_pages_reads_every_row_once_in_order(values, order, size):
    """Few distinct values in the leading columns (many ties): page after page, every row
    comes exactly once, in the order of the columns — the rule every list of the portal uses."""
    keyset = KEYSETS[order]
    engine = sa.create_engine("sqlite://")
    _rows.metadata.create_all(engine)
    with Session(engine) as session:
        if values:  # an empty parameter list would insert one row of defaults
            session.execute(_rows.insert(), [{"id": i + 1, "rank": r, "name": n} for i, (r, n) in enumerate(values)])
        everything = session.execute(keyset.window(sa.select(_rows), None, len(values) + 1)).all()
        walked, position = [], None
        while True:
            rows = session.execute(keyset.window(sa.select(_rows), position, size)).all()
            page, position = keyset.split(rows, size, lambda row: tuple(getattr(row, c.name) for c in keyset.columns))
            walked += page
            if position is None:
                break
    key = [tuple(getattr(row, c.name) for c in keyset.columns) for row in everything]
    assert key == sorted(key, reverse=keyset.descending)
    assert walked == everything
    assert len(walked) == len(values)
