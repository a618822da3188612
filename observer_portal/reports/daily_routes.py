"""The daily centre report's pages: the report (a day, a week, the whole election), the
coordinator's notes on a day, its files, and the addresses it is sent to. Thin views."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from observer_portal import policies
from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, as_choices, read_filters, show_form_error
from observer_portal.i18n import LOCALES, reader_locale
from observer_portal.lazy_text import _l
from observer_portal.models import Centre, ReportSubscription, Role
from observer_portal.models.base import utcnow
from observer_portal.paging import carried_args
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.reports import bp
from observer_portal.reports.daily_document import daily_context, daily_file_name
from observer_portal.reports.files import report_file
from observer_portal.reports.forms import EVERY_CENTRE, DailyNoteForm, DailyScopeForm, SubscriptionForm
from observer_portal.reports.workbook import daily_workbook
from observer_portal.services import ServiceError
from observer_portal.services.centres import all_centres
from observer_portal.services.elections import all_elections
from observer_portal.services.reports import daily, daily_admin
from observer_portal.services.reports.scope import Scope, election_for

DAILY_DOCUMENT = "reports/daily_document.html"
NOTE = "note"  # the notes form's prefix: its day and centre are not the filters' (ids stay unique)


def _daily_scope(form: DailyScopeForm) -> tuple[Scope | None, str]:
    admin = current_user.role == Role.ADMIN
    form.offer(all_centres(db.session, include_closed=True) if admin else None)
    if not read_filters(form):
        return None, "day"
    centre_id = policies.centre_scope(current_user)
    if admin and form.centre.data != EVERY_CENTRE:
        centre_id = int(form.centre.data)
    centre = db.session.get(Centre, centre_id) if centre_id is not None else None
    day = (
        form.day.data
        or utcnow()
        .astimezone(ZoneInfo(centre.timezone if centre else current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        .date()
    )
    form.day.data = day
    election = election_for(all_elections(db.session), day)
    if election is None:
        return None, "day"
    period = form.period.data or "day"
    first, last = daily.span(period, day, election.serves_from, election.serves_to)
    return Scope(election.id, first, last, centre_id=centre_id), period


def _note_form(scope: Scope, period: str) -> DailyNoteForm | None:
    """The notes of the day, for a coordinator of the centre (not on a longer span)."""
    if scope.centre_id is None or period != "day" or not policies.manages(current_user, scope.centre_id):
        return None
    note = daily_admin.note_for(db.session, scope.centre_id, scope.date_from)
    form = DailyNoteForm(prefix=NOTE, centre=str(scope.centre_id), day=scope.date_from.isoformat())
    form.language.choices = as_choices(list(LOCALES.items()))
    if request.method == "GET":
        form.text.data = note.text if note else ""
        form.language.data = note.language if note else reader_locale()
    return form


def _render(form: DailyScopeForm, scope: Scope | None, period: str, note_form=None):
    context = {}
    if scope is not None:
        report = daily.build(db.session, scope)
        context = daily_context(db.session, report, reader_locale(), utcnow(), period)
    args = {k: v for k, v in carried_args(request.args, (f.name for f in form)).items() if k != "submit"}
    return render_template(
        "reports/daily.html",
        form=form,
        scope=scope,
        note_form=note_form if note_form is not None else (_note_form(scope, period) if scope else None),
        export_args=args,
        **context,
    )


@bp.get("/daily")
@roles_required(*MANAGERS)
def daily_page():
    form = DailyScopeForm(request.args)
    scope, period = _daily_scope(form)
    return _render(form, scope, period)


@bp.post("/daily/notes")
@roles_required(*MANAGERS)
def daily_notes():
    note_form = DailyNoteForm(prefix=NOTE)
    note_form.language.choices = as_choices(list(LOCALES.items()))
    try:
        centre_id, day = int(note_form.centre.data or ""), date.fromisoformat(note_form.day.data or "")
    except ValueError:
        abort(400)
    if not policies.manages(current_user, centre_id):
        abort(403)
    if note_form.validate_on_submit():
        try:
            daily_admin.save_note(
                db.session, current_user, centre_id, day, note_form.text.data or "", note_form.language.data
            )
        except ServiceError as error:
            show_form_error(note_form, error)
        else:
            flash(_l("The notes are saved: they are printed in the day's report."), "success")
            return redirect(url_for("reports.daily_page", centre=centre_id, day=day.isoformat()))
    form = DailyScopeForm(formdata=None, data={"centre": str(centre_id), "day": day, "period": "day"})
    scope, period = _daily_scope(form)
    return _render(form, scope, period, note_form)


def _daily_file(extension: str) -> Response:
    form = DailyScopeForm(request.args)
    scope, period = _daily_scope(form)
    if scope is None:
        abort(400 if form.errors else 404)
    context = daily_context(db.session, daily.build(db.session, scope), reader_locale(), utcnow(), period)
    name = daily_file_name(context, extension)
    return report_file(extension, context, workbook=daily_workbook, document=DAILY_DOCUMENT, name=name)


@bp.get("/daily.xlsx")
@roles_required(*MANAGERS)
def daily_xlsx():
    return _daily_file("xlsx")


@bp.get("/daily.pdf")
@roles_required(*MANAGERS)
def daily_pdf():
    return _daily_file("pdf")


def _subscription_centre() -> Centre:
    """A coordinator's own centre; an administrator's chosen one (`?centre=`)."""
    centre_id = policies.centre_scope(current_user)
    if centre_id is None:
        centres = all_centres(db.session)
        chosen = request.args.get("centre", type=int)
        centre_id = chosen if chosen in {c.id for c in centres} else (centres[0].id if centres else None)
    centre = db.session.get(Centre, centre_id) if centre_id is not None else None
    if centre is None:
        abort(404)
    return centre


@bp.route("/daily/subscriptions", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def daily_subscriptions():
    centre = _subscription_centre()
    form = SubscriptionForm()
    form.locale.choices = as_choices(list(LOCALES.items()))
    if request.method == "GET":
        form.locale.data = reader_locale()
    if form.validate_on_submit():
        try:
            daily_admin.subscribe(db.session, current_user, centre.id, form.email.data, form.locale.data)
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("%(email)s will receive the daily report.", email=form.email.data.strip()), "success")
            return redirect(url_for("reports.daily_subscriptions", centre=centre.id))
    return render_template(
        "reports/subscriptions.html",
        centre=centre,
        centres=all_centres(db.session) if current_user.role == Role.ADMIN else None,
        form=form,
        remove_form=ConfirmForm(),
        subscriptions=daily_admin.subscriptions(db.session, centre.id),
        locales=LOCALES,
    )


@bp.post("/daily/subscriptions/<int:subscription_id>/remove")
@roles_required(*MANAGERS)
def remove_subscription(subscription_id: int):
    subscription = db.session.get(ReportSubscription, subscription_id)
    if subscription is None or not policies.manages(current_user, subscription.centre_id):
        abort(404)
    if ConfirmForm().validate_on_submit():
        daily_admin.unsubscribe(db.session, current_user, subscription)
        flash(_l("%(email)s will no longer receive the daily report.", email=subscription.email), "success")
    return redirect(url_for("reports.daily_subscriptions", centre=subscription.centre_id))
