"""The one rule for ids and cursors read from URLs and forms (observer_portal.paging)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from observer_portal.models import Priority
from observer_portal.paging import MAX_ID, parse_cursor, parse_id, parse_micros
from observer_portal.services import assistance, visit_log

moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)  # fmt: skip
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
    cursor = assistance.Cursor(priority, moment, number)
    assert assistance.Cursor.decode(cursor.encode()) == cursor
