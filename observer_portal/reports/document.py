"""The equal-treatment report made readable: its heading (election, centre, days, when it was
made), its groups in reading order with their labels, the flags in words, the reasons
language help found nobody, and the chart — one context for the page, the standalone HTML
document, the workbook and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app
from sqlalchemy.orm import Session

from observer_portal.collation import in_reading_order
from observer_portal.lazy_text import _l
from observer_portal.models import Centre, Election
from observer_portal.reports.columns import (
    COUNT,
    DURATION,
    SECTIONS,
    cell_text,
    cell_value,
    flag_text,
    kind_label,
    organisation_label,
    reason_label,
)
from observer_portal.services.reports.equal_treatment import MIN_TO_COMPARE, Figures, Flag, Report
from observer_portal.timezones import moment_text


@dataclass(frozen=True)
class Group:
    label: str
    figures: Figures
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class ChartBar:
    label: str
    text: str  # the figure in words
    width: float  # % of the plot's width


def _groups(report: Report, locale: str) -> tuple[Group, list[Group], list[Group]]:
    everyone = Group(str(_l("Everyone")), report.whole)
    kinds = [Group(kind_label(row), row.figures, row.flags) for row in report.kinds]
    rows = in_reading_order(report.organisations, lambda row: f"{organisation_label(row)} {kind_label(row)}", locale)
    organisations = [
        Group(
            str(_l("%(organisation)s: %(kind)s", organisation=organisation_label(row), kind=kind_label(row))),
            row.figures,
            row.flags,
        )
        for row in rows
    ]
    return everyone, kinds, organisations


def _chart(everyone: Group, organisations: list[Group], locale: str) -> list[ChartBar]:
    """Median waits for a first response, everyone's first: bars in % of the longest."""
    measured = [g for g in [everyone, *organisations] if g.figures.first_response]
    longest = max((g.figures.first_response.median for g in measured), default=0)
    return [
        ChartBar(
            g.label,
            cell_text(DURATION, g.figures.first_response.median, locale),
            round(100 * g.figures.first_response.median / longest, 2) if longest else 0,
        )
        for g in measured
    ]


def equal_treatment_context(session: Session, report: Report, locale: str, now: datetime) -> dict:
    scope = report.scope
    election = session.get(Election, scope.election_id)
    centre = session.get(Centre, scope.centre_id) if scope.centre_id is not None else None
    zone = ZoneInfo(centre.timezone if centre else current_app.config["BABEL_DEFAULT_TIMEZONE"])
    everyone, kinds, organisations = _groups(report, locale)
    reasons = sorted({code for row in report.organisations for code in row.figures.unroutable_reasons})
    return {
        "report": report,
        "election_name": election.name(locale),
        "place": centre.name if centre else str(_l("Every centre")),
        "centre_slug": centre.slug if centre else "all-centres",
        "period": str(
            _l(
                "%(first)s to %(last)s",
                first=format_date(scope.date_from, "long", locale=locale),
                last=format_date(scope.date_to, "long", locale=locale),
            )
        ),
        "made_at": moment_text(now, locale, zone),
        "everyone": everyone,
        "kinds": kinds,
        "organisations": organisations,
        "sections": SECTIONS,
        "flagged": [(g.label, [flag_text(f, locale) for f in g.flags]) for g in [*kinds, *organisations] if g.flags],
        "reasons": [(code, reason_label(code)) for code in reasons],
        "unroutable_groups": [g for g in organisations if g.figures.unroutable],
        "chart": _chart(everyone, organisations, locale),
        "min_cases": cell_text(COUNT, MIN_TO_COMPARE, locale),
        "locale": locale,
        "cell": lambda column, figures: cell_text(column.kind, column.value(figures), locale),
        "typed": lambda column, figures: cell_value(column.kind, column.value(figures)),
    }


def equal_treatment_file_name(context: dict, extension: str) -> str:
    scope = context["report"].scope
    return f"equal-treatment-{context['centre_slug']}-{scope.date_from.isoformat()}-{scope.date_to.isoformat()}.{extension}"
