"""The visit log's chart: bounded whatever the range, empty days drawn, at most five dates
written, ticks on round numbers, dates as the reader's language abbreviates them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from observer_portal.visits.chart import HEIGHT, MAX_DAYS, MAX_LABELS, PLOT_HEIGHT, PLOT_TOP, lay_out, nice_step


def series(n: int, start: date = date(2022, 10, 1), every: int = 1) -> list[tuple[date, int]]:
    return [(start + timedelta(days=i), (i * 7) % 13 + 1) for i in range(0, n, every)]


@pytest.mark.parametrize("n", [1, 2, 7, 13, 31, 60, MAX_DAYS, MAX_DAYS + 1, 400, 3000])
def test_every_range_fits_the_same_box(n):
    chart = lay_out(series(n))
    assert chart is not None
    assert chart.height == HEIGHT
    for bar in chart.bars:
        assert PLOT_TOP <= bar.y <= bar.y + bar.height <= PLOT_TOP + PLOT_HEIGHT
        assert chart.left <= bar.x
        assert bar.x + bar.width <= 100
        assert bar.width <= 12  # one day is a bar, not the whole chart
    assert 1 <= sum(bar.label for bar in chart.bars) <= MAX_LABELS
    assert chart.bars[0].label
    assert max(bar.count for bar in chart.bars) <= chart.ticks[-1].value  # the axis reaches the peak
    assert chart.weekly == (n > MAX_DAYS)
    assert sum(bar.count for bar in chart.bars) == sum(count for _, count in series(n))
    if chart.weekly:
        assert all(bar.start.weekday() == 0 and bar.days == 7 for bar in chart.bars)


def test_days_without_visits_are_drawn_as_empty_days():
    chart = lay_out(series(10, every=3))  # visits on days 0, 3, 6, 9
    assert [bar.count > 0 for bar in chart.bars] == [True, False, False] * 3 + [True]
    assert chart.first == date(2022, 10, 1)
    assert chart.last == date(2022, 10, 10)


def test_nothing_to_draw():
    assert lay_out([]) is None


@pytest.mark.parametrize(("peak", "step"), [(1, 1), (4, 1), (5, 2), (9, 5), (17, 5), (40, 10), (99, 50), (1234, 500)])
def test_ticks_are_round_numbers(peak, step):
    assert nice_step(peak) == step


@pytest.mark.parametrize(
    ("locale", "label"),
    [("en", "Nov 14"), ("de", "14. Nov."), ("fr", "14 nov."), ("ru", "14 нояб."), ("kk", "14 қар.")],
)
def test_one_filtered_day_is_one_bounded_bar_with_its_date_in_the_readers_language(app, login_as, locale, label):
    from observer_portal.extensions import db
    from observer_portal.models import Visit, VisitorKind, VisitorProfile
    from observer_portal.models.base import utcnow

    client, coordinator = login_as("coordinator")
    with app.app_context():
        person = VisitorProfile(kind=VisitorKind.MEDIA, full_name="Ana Lima", centre_id=coordinator.centre_id)
        db.session.add(person)
        db.session.flush()
        moment = utcnow().replace(year=2022, month=11, day=14, hour=8)
        for _ in range(3):
            db.session.add(
                Visit(centre_id=coordinator.centre_id, visitor_id=person.id, visitor_kind="media", arrived_at=moment)
            )
        db.session.commit()
    html = client.get(f"/visits/?date_from=2022-11-14&date_to=2022-11-14&lang={locale}").get_data(as_text=True)
    svg = re.search(r'<svg class="chart".*?</svg>', html, re.S).group(0)
    assert f'height="{HEIGHT}"' in svg
    assert "viewBox" not in svg  # nothing scales the text with the width
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights == [PLOT_HEIGHT]
    assert label in svg
    assert ">3<" in svg  # the bar's count, written over it


def test_dates_under_the_axis_carry_the_year_when_the_range_crosses_one():
    assert lay_out(series(30)).skeleton == "MMMd"
    assert lay_out(series(30, start=date(2022, 12, 20))).skeleton == "yMMMd"
    assert lay_out(series(400)).skeleton == "yMMM"  # per week: months and years
