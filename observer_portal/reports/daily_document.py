"""The daily centre report made readable: its figures as labelled lines in sections, the
language names and reasons in words, the per-day table of a longer span, the notes — one
context for the page, the standalone HTML, the PDF, the workbook and the e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from flask import current_app
from sqlalchemy.orm import Session

from observer_portal.i18n import language_name
from observer_portal.labels import PURPOSE_LABELS, REQUEST_KIND_LABELS, VISITOR_KIND_LABELS
from observer_portal.lazy_text import _l, _lp
from observer_portal.models import Centre, Election, RequestKind, VisitorKind, VisitPurpose
from observer_portal.reports.columns import COUNT, DURATION, cell_text, cell_value, reason_label
from observer_portal.services.reports.daily import DailyReport
from observer_portal.timezones import moment_text


@dataclass(frozen=True)
class Line:
    label: str
    kind: str  # COUNT, DURATION, or "text"
    value: int | float | str | None
    indent: bool = False  # a part of the line above

    def text(self, locale: str) -> str:
        return self.value if self.kind == "text" else cell_text(self.kind, self.value, locale)

    @property
    def typed(self):
        return self.value if self.kind == "text" else cell_value(self.kind, self.value)


def _visits(report: DailyReport) -> list[Line]:
    lines = [Line(str(_l("Visits")), COUNT, report.visits)]
    lines += [Line(str(VISITOR_KIND_LABELS[k]), COUNT, report.by_visitor_kind.get(k, 0), True) for k in VisitorKind]
    lines += [
        Line(str(PURPOSE_LABELS[p]), COUNT, report.purposes[p], True) for p in VisitPurpose if report.purposes.get(p)
    ]
    return lines


def _requests(report: DailyReport) -> list[Line]:
    first = report.first_response
    lines = [Line(str(_l("Requests filed")), COUNT, report.total_requests)]
    lines += [Line(str(REQUEST_KIND_LABELS[k]), COUNT, report.requests.get(k, 0), True) for k in RequestKind]
    lines += [
        Line(str(_l("Requests done")), COUNT, report.done),
        Line(str(_l("Filed and not done by the end")), COUNT, report.not_done),
        Line(str(_l("Filed and withdrawn")), COUNT, report.withdrawn),
        Line(str(_l("First response: median wait")), DURATION, first.median if first else None),
        Line(str(_l("First response: 9 in 10 within")), DURATION, first.p90 if first else None),
        Line(str(_lp("number of loans", "Equipment lent")), COUNT, report.loans_out),
        Line(str(_lp("number of returns", "Equipment returned")), COUNT, report.loans_back),
    ]
    return lines


def _languages(report: DailyReport, locale: str) -> list[Line]:
    def listed(pairs) -> str:
        return ", ".join(f"{name} ({cell_text(COUNT, count, locale)})" for name, count in pairs) or "—"

    on_duty = listed((language_name(code), n) for code, n in report.languages_on_duty.items())
    asked = listed(
        (str(_l("%(source)s into %(target)s", source=language_name(s), target=language_name(t))), n)
        for s, t, n in report.language_pairs
    )
    lines = [
        Line(str(_l("Volunteers on duty")), COUNT, report.volunteers_on_duty),
        Line(str(_l("Languages on duty (volunteers)")), "text", on_duty),
        Line(str(_l("Language help asked for")), "text", asked),
        Line(str(_l("Language help nobody could take")), COUNT, report.unroutable),
    ]
    lines += [Line(reason_label(code), COUNT, n, True) for code, n in report.unroutable_reasons.items()]
    return lines


def _busiest(report: DailyReport, locale: str) -> list[Line]:
    if report.busiest_hour is None:
        return []
    hour, visits = report.busiest_hour
    start = datetime(2000, 1, 1, hour)
    text = str(
        _l(
            "%(start)s–%(end)s: %(visits)s",
            start=format_time(start, "short", locale=locale),
            end=format_time(start + timedelta(hours=1), "short", locale=locale),
            visits=cell_text(COUNT, visits, locale),
        )
    )
    return [Line(str(_l("Busiest hour (visits)")), "text", text)]


def daily_context(session: Session, report: DailyReport, locale: str, now: datetime, period: str) -> dict:
    scope = report.scope
    election = session.get(Election, scope.election_id)
    centre = session.get(Centre, scope.centre_id) if scope.centre_id is not None else None
    zone = ZoneInfo(centre.timezone if centre else current_app.config["BABEL_DEFAULT_TIMEZONE"])
    long_date = lambda day: format_date(day, "full", locale=locale)  # noqa: E731
    when = (
        long_date(scope.date_from)
        if scope.days == 1
        else str(_l("%(first)s to %(last)s", first=long_date(scope.date_from), last=long_date(scope.date_to)))
    )
    return {
        "report": report,
        "period": period,
        "locale": locale,
        "election_name": election.name(locale),
        "place": str(centre.name) if centre else str(_l("Every centre")),
        "centre_slug": centre.slug if centre else "all-centres",
        "when": when,
        "made_at": moment_text(now, locale, zone),
        "sections": [
            ("visits", str(_l("Visitors")), _visits(report)),
            ("requests", str(_l("Requests and equipment")), _requests(report)),
            ("languages", str(_l("Volunteers and languages")), _languages(report, locale)),
            ("notable", str(_l("What stood out")), _busiest(report, locale)),
        ],
        "days": report.days,
        "notes": report.notes,
        "count": lambda value: cell_text(COUNT, value, locale),
        "day_text": lambda day: format_skeleton("MMMEd", day, locale=locale),
    }


def daily_file_name(context: dict, extension: str) -> str:
    scope = context["report"].scope
    days = scope.date_from.isoformat() if scope.days == 1 else f"{scope.date_from}-{scope.date_to}"
    return f"daily-report-{context['centre_slug']}-{days}.{extension}"
