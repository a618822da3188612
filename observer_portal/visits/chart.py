"""The visit log's per-day chart, laid out for any range and any screen.

The chart is an SVG whose horizontal positions are percentages of its own width and whose
vertical ones are pixels: bars stretch with the screen, text keeps its size (a scaled
viewBox made one day a 2,000 px bar and a phone's labels 5 px high). Days without visits
are drawn as empty days; a range longer than `MAX_DAYS` is drawn per week. At most
`MAX_LABELS` dates are written under the bars (they fit a 390 px phone), each as the
reader's language abbreviates a date ("Nov 14", "14. Nov.", "14 нояб."), with the year
when the range crosses one, per month when it is drawn per week ("Oct 2022").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PLOT_TOP, PLOT_HEIGHT = 18, 180  # px: room above the tallest bar for its count
HEIGHT = PLOT_TOP + PLOT_HEIGHT + 34  # px: the dates below the axis
LEFT, RIGHT = 11.0, 1.0  # % of the width: the axis's figures on the left
MAX_DAYS = 92
MAX_LABELS = 4
COUNTS_UP_TO = 12  # bars: each bar's count is written above it when there are this few


@dataclass(frozen=True)
class Bar:
    start: date
    days: int  # 1, or 7 for a week
    count: int
    x: float  # % of the width
    width: float  # %
    y: float  # px
    height: float  # px
    label: bool  # its date is written under the axis

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 3)

    @property
    def anchor(self) -> str:
        """Text under or over the bar stays inside the chart near its edges."""
        return "start" if self.middle < 18 else "end" if self.middle > 90 else "middle"


@dataclass(frozen=True)
class Tick:
    value: int
    y: float  # px


@dataclass(frozen=True)
class Chart:
    first: date  # the first and last day with visits
    last: date
    bars: list[Bar]
    ticks: list[Tick]
    weekly: bool
    show_counts: bool
    skeleton: str = "MMMd"  # how the dates under the axis are written (CLDR skeleton)
    height: int = HEIGHT
    axis_y: float = PLOT_TOP + PLOT_HEIGHT
    left: float = LEFT


def nice_step(peak: int, most: int = 4) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ that divides 0…peak into at most `most` steps."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if peak <= step * factor * most:
                return step * factor
        step *= 10


def lay_out(days: list[tuple[date, int]]) -> Chart | None:
    """Bars for `days` ((day, visits) with visits, in any order); None when there are none."""
    if not days:
        return None
    counts = dict(days)
    first, last = min(counts), max(counts)
    span = (last - first).days + 1
    weekly = span > MAX_DAYS
    if weekly:
        first -= timedelta(days=first.weekday())  # Mondays
        buckets: dict[date, int] = {}
        for day, count in counts.items():
            monday = day - timedelta(days=day.weekday())
            buckets[monday] = buckets.get(monday, 0) + count
        starts = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
        series = [(start, buckets.get(start, 0)) for start in starts]
    else:
        series = [(first + timedelta(days=n), counts.get(first + timedelta(days=n), 0)) for n in range(span)]
    peak = max(count for _, count in series)
    step = nice_step(peak)
    top = max(step * -(-peak // step), 1)  # the axis ends on a tick at or above the peak
    slot = (100.0 - LEFT - RIGHT) / len(series)
    width = min(slot * 0.7, 12.0)
    every = -(-len(series) // MAX_LABELS)  # every n-th bar has its date written: at most MAX_LABELS
    bars = []
    for index, (start, count) in enumerate(series):
        height = count / top * PLOT_HEIGHT
        bars.append(
            Bar(
                start=start,
                days=7 if weekly else 1,
                count=count,
                x=round(LEFT + index * slot + (slot - width) / 2, 3),
                width=round(width, 3),
                y=round(PLOT_TOP + PLOT_HEIGHT - height, 1),
                height=round(height, 1),
                label=index % every == 0,
            )
        )
    ticks = [
        Tick(value, round(PLOT_TOP + PLOT_HEIGHT - value / top * PLOT_HEIGHT, 1)) for value in range(0, top + 1, step)
    ]
    return Chart(
        first=min(counts),
        last=last,
        bars=bars,
        ticks=ticks,
        weekly=weekly,
        show_counts=len(series) <= COUNTS_UP_TO,
        skeleton="yMMM" if weekly else "yMMMd" if first.year != last.year else "MMMd",
    )
