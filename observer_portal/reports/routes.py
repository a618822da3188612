"""The reports' pages and files: thin views (the scope from the form, one service call, a
template or a workbook)."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from observer_portal import policies
from observer_portal.extensions import db
from observer_portal.forms import read_filters
from observer_portal.i18n import reader_locale
from observer_portal.models import Role
from observer_portal.models.base import utcnow
from observer_portal.paging import carried_args
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.reports import bp
from observer_portal.reports.document import equal_treatment_context, equal_treatment_file_name
from observer_portal.reports.files import report_file
from observer_portal.reports.forms import EVERY_CENTRE, ReportScopeForm
from observer_portal.reports.workbook import equal_treatment_workbook
from observer_portal.services.centres import all_centres
from observer_portal.services.elections import all_elections
from observer_portal.services.reports import equal_treatment
from observer_portal.services.reports.scope import Scope

DOCUMENT = "reports/equal_treatment_document.html"


def _scope_form() -> tuple[ReportScopeForm, Scope | None]:
    """The scope the reader chose (None when a field is refused: the page says which, with
    400), within what their role may read: a coordinator's own centre."""
    form = ReportScopeForm(request.args)
    elections = all_elections(db.session)
    admin = current_user.role == Role.ADMIN
    form.offer(elections, all_centres(db.session, include_closed=True) if admin else None)
    if not read_filters(form) or not elections:
        return form, None
    election = next(e for e in elections if str(e.id) == form.election.data)
    centre_id = policies.centre_scope(current_user)
    if admin and form.centre.data != EVERY_CENTRE:
        centre_id = int(form.centre.data)
    date_from = form.date_from.data or election.serves_from
    date_to = form.date_to.data or election.serves_to
    return form, Scope(election.id, date_from, max(date_from, date_to), centre_id=centre_id)


def _carried(form: ReportScopeForm) -> dict[str, str]:
    """The chosen scope, for the workbook's link (only the form's own fields)."""
    return {k: v for k, v in carried_args(request.args, (field.name for field in form)).items() if k != "submit"}


@bp.get("/equal-treatment")
@roles_required(*MANAGERS)
def equal_treatment_page():
    form, scope = _scope_form()
    report = equal_treatment.build(db.session, scope) if scope else None
    context = equal_treatment_context(db.session, report, reader_locale(), utcnow()) if report else {}
    return render_template("reports/equal_treatment.html", form=form, export_args=_carried(form), **context)


def _report_file(extension: str) -> Response:
    form, scope = _scope_form()
    if scope is None:  # a refused field (the page says which), or no election to report on
        abort(400 if form.errors else 404)
    context = equal_treatment_context(db.session, equal_treatment.build(db.session, scope), reader_locale(), utcnow())
    name = equal_treatment_file_name(context, extension)
    return report_file(extension, context, workbook=equal_treatment_workbook, document=DOCUMENT, name=name)


@bp.get("/equal-treatment.xlsx")
@roles_required(*MANAGERS)
def equal_treatment_xlsx():
    return _report_file("xlsx")


@bp.get("/equal-treatment.pdf")
@roles_required(*MANAGERS)
def equal_treatment_pdf():
    return _report_file("pdf")
