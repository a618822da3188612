"""The equal-treatment report's columns, defined once for the page, the workbook and the
command line: what each shows, and whether it is a count, a share or a duration (the page
writes each in the reader's words; the workbook keeps it as a typed number or time)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from babel.numbers import format_decimal, format_percent
from flask_babel import LazyString

from observer_portal.durations import duration_text
from observer_portal.i18n import LOCALES, language_name
from observer_portal.labels import REQUEST_KIND_LABELS, UNROUTABLE_REASON_LABELS, VISITOR_KIND_LABELS
from observer_portal.lazy_text import LazyText, _l, _lp
from observer_portal.models import RequestKind
from observer_portal.services.reports.equal_treatment import Figures, Flag, Row
from observer_portal.services.reports.sql import Spread

COUNT, SHARE, DURATION = "count", "share", "duration"


def _median(spread: Spread | None) -> float | None:
    return spread.median if spread else None


def _p90(spread: Spread | None) -> float | None:
    return spread.p90 if spread else None


@dataclass(frozen=True)
class Column:
    label: LazyText
    kind: str
    value: Callable[[Figures], int | float | None]


def _kind_column(kind: RequestKind) -> Column:
    return Column(REQUEST_KIND_LABELS[kind], COUNT, lambda figures: figures.by_kind.get(kind, 0))


REQUEST_COLUMNS = (
    Column(_l("Visits"), COUNT, lambda f: f.visits),
    Column(_l("Requests"), COUNT, lambda f: f.requests),
    *(_kind_column(kind) for kind in RequestKind),
    Column(_l("Equipment loans"), COUNT, lambda f: f.loans),
)

SERVICE_COLUMNS = (
    # Translators: the share of a group's requests that were done (withdrawn ones aside)
    Column(_lp("share of requests", "Done"), SHARE, lambda f: f.share_done),
    Column(_l("Not yet taken on"), COUNT, lambda f: f.waiting),
    # Translators: a column: requests the asker withdrew (they do not count against "Done")
    Column(_l("Withdrawn"), COUNT, lambda f: f.cancelled),
    # Translators: a column: the median time people waited for someone to take their request on
    Column(_l("First response: median wait"), DURATION, lambda f: _median(f.first_response)),
    # Translators: a column: the wait within which 9 of 10 requests were taken on (90th percentile)
    Column(_l("First response: 9 in 10 within"), DURATION, lambda f: _p90(f.first_response)),
    Column(_l("Done: median time"), DURATION, lambda f: _median(f.to_done)),
    # Translators: a column: the time within which 9 of 10 requests were done (90th percentile)
    Column(_l("Done: 9 in 10 within"), DURATION, lambda f: _p90(f.to_done)),
    # Translators: a column: how many times a volunteer gave a request back
    Column(_l("Given back"), COUNT, lambda f: f.declines),
    # Translators: a column: how many times requests passed from one person to another
    Column(_l("Changed hands"), COUNT, lambda f: f.reassignments),
    Column(_l("Language help nobody could take"), COUNT, lambda f: f.unroutable),
)


def _read_in(locale: str) -> Column:
    return Column(LazyString(language_name, locale), COUNT, lambda figures: figures.reads.get(locale, 0))


READING_COLUMNS = (
    # Translators: a column: briefings read, whatever the language shown (then a column per language)
    Column(_l("In any language"), COUNT, lambda f: f.briefing_reads),
    *(_read_in(locale) for locale in LOCALES),
    # Translators: a column: the share of briefings read in the reader's own language
    Column(_l("In their own language"), SHARE, lambda f: f.share_read_in_own_language),
)

SECTIONS = (
    ("requests", _l("Visits and requests"), REQUEST_COLUMNS),
    ("service", _l("How they were served"), SERVICE_COLUMNS),
    # Translators: a report's section (and a spreadsheet tab: at most 31 characters): briefings
    # signed-in observers and journalists opened, counted by the language they were shown in
    ("reading", _l("Briefings read"), READING_COLUMNS),
)

#: what a flag says, with the group's figure and everyone's
FLAG_TEXTS: dict[str, Callable[[str, str], LazyText]] = {
    "first_response": lambda value, whole: _l(
        "waited %(value)s for a first response (median), against %(whole)s for everyone", value=value, whole=whole
    ),
    "to_done": lambda value, whole: _l(
        "waited %(value)s until done (median), against %(whole)s for everyone", value=value, whole=whole
    ),
    "not_done": lambda value, whole: _l(
        "%(value)s of requests not done, against %(whole)s for everyone", value=value, whole=whole
    ),
    "declines": lambda value, whole: _l(
        "%(value)s of requests given back by a volunteer, against %(whole)s for everyone", value=value, whole=whole
    ),
    "unroutable": lambda value, whole: _l(
        "%(value)s of language requests nobody could take, against %(whole)s for everyone", value=value, whole=whole
    ),
    "other_language": lambda value, whole: _l(
        "%(value)s of briefings read in a language not their own, against %(whole)s for everyone",
        value=value,
        whole=whole,
    ),
}
FLAG_KINDS = {"first_response": DURATION, "to_done": DURATION}


def cell_text(kind: str, value: int | float | None, locale: str) -> str:
    """A figure as the reader writes it; an em dash when there is nothing to measure."""
    if value is None:
        return "—"
    if kind == DURATION:
        return duration_text(value, locale)
    if kind == SHARE:
        return format_percent(value, locale=locale)
    return format_decimal(value, locale=locale)


def cell_value(kind: str, value: int | float | None) -> int | float | timedelta | None:
    """A figure as a workbook keeps it: a whole number, a fraction or a time span."""
    if value is None:
        return None
    if kind == DURATION:
        return timedelta(seconds=round(value))
    return value


def flag_text(flag: Flag, locale: str) -> LazyText:
    kind = FLAG_KINDS.get(flag.measure, SHARE)
    return FLAG_TEXTS[flag.measure](cell_text(kind, flag.value, locale), cell_text(kind, flag.whole, locale))


def organisation_label(row: Row) -> str:
    """The row's mission or outlet, in the reader's language."""
    return row.organisation.label if row.organisation is not None else str(_l("No mission or outlet given"))


def kind_label(row: Row) -> str:
    return str(VISITOR_KIND_LABELS[row.visitor_kind]) if row.visitor_kind else str(_l("Not recorded"))


def reason_label(code: str) -> str:
    return str(UNROUTABLE_REASON_LABELS.get(code, _l("No reason was recorded.")))
