"""The request queue's files for coordinators: CSV (streamed) and an Excel workbook, with the
queue's filters and order. Thin views; each download is in the audit trail."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, request, send_file, stream_with_context
from flask_babel import get_locale
from flask_login import current_user

from observer_portal import policies
from observer_portal.assistance import bp
from observer_portal.assistance.export import file_name, request_list_csv, request_list_xlsx
from observer_portal.assistance.queue_filters import queue_filter, queue_form
from observer_portal.extensions import db
from observer_portal.forms import recorded_filters
from observer_portal.lazy_text import _l
from observer_portal.models.base import utcnow
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.reports.files import XLSX_TYPE
from observer_portal.services import request_list
from observer_portal.services.audit import record
from observer_portal.services.csv_safety import csv_line
from observer_portal.streaming import fail_visibly


def _asked() -> tuple[request_list.QueueFilter, ZoneInfo, str | None]:
    """The queue's filter (a refused one answers 400: the page says what to correct), the
    reader's time zone and their centre's short name; the download is recorded."""
    form = queue_form()
    flt = queue_filter(form)
    if flt is None:
        abort(400)
    record(db.session, current_user, "requests.exported", None, filters=recorded_filters(form, request.args))
    centre = current_user.centre
    zone = ZoneInfo(centre.timezone if centre else current_app.config["BABEL_DEFAULT_TIMEZONE"])
    scoped = policies.request_scope(current_user) is not None  # an administrator's files cover every centre
    return flt, zone, centre.slug if centre and scoped else None


@bp.get("/queue.csv")
@roles_required(*MANAGERS)
def export_csv():
    flt, zone, slug = _asked()
    name = file_name(slug, utcnow(), zone, "csv")
    failed = csv_line([str(_l("EXPORT FAILED: this file is incomplete. Please download it again."))])
    lines = request_list_csv(request_list.export_batches(db.session, current_user, flt), get_locale(), zone)
    body = stream_with_context(fail_visibly(lines, name=name, failure_line=failed))
    response = Response(body, mimetype="text/csv")  # streamed: chunked on HTTP/1.1
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/queue.xlsx")
@roles_required(*MANAGERS)
def export_xlsx():
    flt, zone, slug = _asked()
    workbook = request_list_xlsx(request_list.export_batches(db.session, current_user, flt), zone)
    name = file_name(slug, utcnow(), zone, "xlsx")
    response = send_file(workbook, mimetype=XLSX_TYPE, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
