"""The visit log: the page (filters, keyset pages, totals, chart, summary) and its files, CSV
streamed and an Excel workbook, with the same filters. Thin views."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, render_template, request, send_file, stream_with_context
from flask_babel import get_locale
from flask_login import current_user

from observer_portal import policies
from observer_portal.elections.choice import chosen_election_id, offer_elections
from observer_portal.extensions import db
from observer_portal.forms import as_choices, read_filters, recorded_filters
from observer_portal.labels import PURPOSE_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import VisitorKind, VisitPurpose
from observer_portal.models.base import utcnow
from observer_portal.paging import carried_args
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.reports.files import XLSX_TYPE
from observer_portal.services import organisations as organisation_registry
from observer_portal.services import visit_log
from observer_portal.services.audit import record
from observer_portal.services.csv_safety import csv_line
from observer_portal.streaming import fail_visibly
from observer_portal.visits import bp
from observer_portal.visits.chart import lay_out
from observer_portal.visits.export import file_name, visit_log_csv
from observer_portal.visits.export_xlsx import visit_log_xlsx
from observer_portal.visits.forms import VisitLogFilterForm


def _log_filter(form: VisitLogFilterForm) -> visit_log.VisitFilter | None:
    """The filter the form asks for, or None when a field is invalid: a bad filter is never
    silently dropped (the page would claim every visit matches, the CSV would hold them all)."""
    centre = current_user.centre
    base = {
        "centre_id": policies.centre_scope(current_user),
        "timezone": centre.timezone if centre else current_app.config["BABEL_DEFAULT_TIMEZONE"],
    }
    if not read_filters(form):
        return None
    return visit_log.VisitFilter(
        **base,
        election_id=chosen_election_id(form.election),
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        organisation_id=int(form.organisation.data) if form.organisation.data else None,
        kind=VisitorKind(form.kind.data) if form.kind.data else None,
        purpose=VisitPurpose(form.purpose.data) if form.purpose.data else None,
        volunteer_id=int(form.volunteer.data) if form.volunteer.data else None,
        text=(form.text.data or "").strip(),
    )


def _log_form() -> VisitLogFilterForm:
    """The filters as asked; without an election chosen, the active election's visits."""
    form = VisitLogFilterForm(request.args)
    offer_elections(form.election)
    form.organisation.choices = as_choices([("", _l("All"))] + organisation_registry.choices(db.session))
    form.kind.choices = as_choices([("", _l("All")), ("observer", _l("Observer")), ("media", _l("Media"))])
    form.purpose.choices = as_choices([("", _l("All"))] + list(PURPOSE_LABELS.items()))
    people = visit_log.volunteers(db.session, policies.centre_scope(current_user))
    form.volunteer.choices = as_choices([("", _l("All"))] + [(u.id, u.display_name) for u in people])
    return form


@bp.get("/")
@roles_required(*MANAGERS)
def log():
    form = _log_form()
    flt = _log_filter(form)
    if flt is None:
        return render_template(
            "visits/log.html",
            form=form,
            invalid=True,
            rows=[],
            cursor=None,
            total=0,
            days=[],
            chart=None,
            organisations=[],
            export_args={},
            next_args={},
        )
    rows, cursor = visit_log.page(
        db.session, flt, visit_log.Cursor.decode(request.args.get("after")), current_app.config["PAGE_SIZE"]
    )
    totals = visit_log.summary(db.session, flt)
    next_args = carried_args(request.args, (field.name for field in form))
    export_args = {k: v for k, v in next_args.items() if k != "submit"}
    return render_template(
        "visits/log.html",
        form=form,
        rows=rows,
        cursor=cursor,
        total=totals.total,
        days=totals.days,
        chart=lay_out(totals.days),
        organisations=totals.organisations,
        export_args=export_args,
        next_args=next_args,
    )


@bp.get("/export.csv")
@roles_required(*MANAGERS)
def export():
    form = _log_form()
    flt = _log_filter(form)
    if flt is None:
        abort(400)  # the page says which filter to correct; nothing is exported
    record(db.session, current_user, "visits.exported", None, filters=recorded_filters(form, request.args))
    failed = csv_line([str(_l("EXPORT FAILED: this file is incomplete. Please download it again."))])
    lines = visit_log_csv(visit_log.export_batches(db.session, flt), get_locale(), ZoneInfo(flt.timezone))
    name = file_name(flt, visit_log.centre_slug(db.session, flt), utcnow())
    body = stream_with_context(fail_visibly(lines, name=name, failure_line=failed))
    response = Response(body, mimetype="text/csv")  # streamed: no Content-Length, chunked on HTTP/1.1
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.xlsx")
@roles_required(*MANAGERS)
def export_xlsx():
    """The same visits as the CSV, as an Excel workbook with typed date-times."""
    form = _log_form()
    flt = _log_filter(form)
    if flt is None:
        abort(400)
    record(db.session, current_user, "visits.exported", None, filters=recorded_filters(form, request.args))
    workbook = visit_log_xlsx(visit_log.export_batches(db.session, flt), ZoneInfo(flt.timezone))
    name = file_name(flt, visit_log.centre_slug(db.session, flt), utcnow()).removesuffix(".csv") + ".xlsx"
    response = send_file(workbook, mimetype=XLSX_TYPE, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
