"""Asking for help, the volunteer queue, and one page per request with its history."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from observer_portal import policies
from observer_portal.assistance import bp
from observer_portal.assistance.forms import ActionForm, RequestForm, StaffRequestForm
from observer_portal.assistance.queue_filters import queue_filter, queue_form
from observer_portal.assistance.walk_in import offer_visitors
from observer_portal.elections.choice import chosen_election_id
from observer_portal.extensions import db
from observer_portal.forms import as_choices, show_form_error
from observer_portal.help_choices import HELP_CHOICES
from observer_portal.jobs import email_copies
from observer_portal.lazy_text import _l
from observer_portal.models import LocationKind, Priority, RequestKind, User, Visit, VisitorProfile
from observer_portal.paging import carried_args, parse_cursor, parse_id
from observer_portal.permissions import MANAGERS, STAFF, VISITORS, roles_required, signed_in
from observer_portal.services import ServiceError, language_help, request_list
from observer_portal.services import assistance as service
from observer_portal.services.request_actions import perform
from observer_portal.services.workflow import Action
from observer_portal.timezones import local_in, local_to_utc
from observer_portal.unit_of_work import after_commit, flash_refusal


def _read(form: RequestForm) -> service.RequestInput:
    return service.RequestInput(
        kind=RequestKind(form.kind.data),
        details=form.details.data or "",
        needed_by=local_to_utc(form.needed_by.data),
        location_kind=LocationKind(form.location_kind.data),
        location=form.location.data or "",
        priority=Priority(int(form.priority.data or Priority.NORMAL)),
    )


def _file(form: RequestForm, visitor: VisitorProfile | None = None, visit: Visit | None = None):
    try:
        filed = service.create_request(db.session, current_user, _read(form), visitor=visitor, visit=visit)
    except ServiceError as error:
        show_form_error(form, error)
        return None
    flash(_l("Request #%(id)s has been sent to the centre.", id=filed.id), "success")
    return redirect(url_for("assistance.detail", request_id=filed.id))


def _take_kind(form: RequestForm) -> None:
    """The kind chosen on the "what do you need?" page comes preselected."""
    if request.args.get("kind") in {k.value for k in service.GENERAL_KINDS}:
        form.kind.data = request.args["kind"]


@bp.get("/")
@roles_required(*VISITORS)
def mine():
    rows, next_cursor = request_list.my_requests(
        db.session, current_user, parse_cursor(request.args.get("before")), current_app.config["PAGE_SIZE"]
    )
    return render_template("assistance/mine.html", rows=rows, next_cursor=next_cursor)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*VISITORS)
def create():
    form = RequestForm()
    if request.method == "GET":
        form.needed_by.data = local_in(4)
        _take_kind(form)
    if form.validate_on_submit():
        done = _file(form)
        if done:
            return done
    return render_template("assistance/new.html", form=form, for_visitor=False)


@bp.route("/new-for-visitor", methods=["GET", "POST"])
@roles_required(*STAFF)
def create_for_visitor():
    """Staff file for a walk-in; from the front desk the visitor and the visit come filled in."""
    form = StaffRequestForm()
    walk_in = offer_visitors(form)
    if request.method == "GET":
        form.needed_by.data = local_in(4)
        _take_kind(form)
    if form.validate_on_submit():
        visitor = walk_in.visitor(form)
        done = visitor and _file(form, visitor, walk_in.visit)
        if done:
            return done
    return render_template("assistance/new.html", form=form, for_visitor=True, visit=walk_in.visit)


@bp.get("/ask")
@roles_required(*VISITORS, *STAFF)
def choose():
    """What do you need? One list of every kind of help; each leads to a form with only its
    fields. Staff reach it from the desk or a visitor's page, the visitor and visit carried."""
    for_visitor = current_user.role.is_staff
    carried = {}
    if for_visitor:
        carried = {
            name: value for name in ("visitor", "visit") if (value := parse_id(request.args.get(name))) is not None
        }
    return render_template("assistance/choose.html", choices=HELP_CHOICES, for_visitor=for_visitor, carried=carried)


@bp.get("/queue")
@roles_required(*STAFF)
def queue():
    form = queue_form()
    flt = queue_filter(form)
    if flt is None:  # the errors are shown; the active election's open requests meanwhile
        flt = request_list.QueueFilter(election_id=chosen_election_id(form.election, False))
    rows, cursor = request_list.queue(
        db.session,
        current_user,
        flt,
        request_list.Cursor.decode(request.args.get("after")),
        current_app.config["PAGE_SIZE"],
    )
    next_args = carried_args(request.args, (field.name for field in form))
    export_args = {k: v for k, v in next_args.items() if k != "submit"}
    return render_template(
        "assistance/queue.html",
        form=form,
        rows=rows,
        cursor=cursor,
        next_args=next_args,
        export_args=export_args,
        can_export=current_user.role in MANAGERS,  # the files' rule (export_routes)
        claim_form=ActionForm(),
    )


def _visible(request_id: int):
    found = service.get_request(db.session, request_id)
    if found is None or not policies.can_view(current_user, found):
        abort(404)  # another person's request is not even confirmed to exist
    return found


@bp.get("/<int:request_id>")
@signed_in
def detail(request_id: int):
    found = _visible(request_id)
    form = ActionForm()
    actions = policies.actions_for(current_user, found)
    if Action.ASSIGN in actions:
        form.assignee.choices = as_choices(
            [(u.id, u.display_name) for u in service.assignable_staff(db.session, found.centre_id)]
        )
    job = language_help.job_of(db.session, found) if found.kind in language_help.ROUTED_KINDS else None
    return render_template("assistance/detail.html", req=found, job=job, form=form, actions=actions, Action=Action)


@bp.post("/<int:request_id>/<action>")
@signed_in
def act(request_id: int, action: str):
    found = _visible(request_id)
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    form = ActionForm()
    assignee = None
    if chosen == Action.ASSIGN:
        form.assignee.choices = as_choices(
            [(u.id, u.display_name) for u in service.assignable_staff(db.session, found.centre_id)]
        )
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("assistance.detail", request_id=found.id))
    if chosen == Action.ASSIGN and form.assignee.data:
        assignee = db.session.get(User, int(form.assignee.data))
    try:
        outcome = perform(db.session, current_user, found, chosen, note=form.note.data or "", assignee=assignee)
    except ServiceError as error:
        flash_refusal(error)
    else:
        after_commit(partial(email_copies, outcome.notifications))
        flash(_l("Done."), "success")
    target = request.form.get("next")
    if target == "queue":
        return redirect(url_for("assistance.queue"))
    return redirect(url_for("assistance.detail", request_id=found.id))
