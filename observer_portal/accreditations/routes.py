"""Accreditation lists: upload, map the columns, preview every row (a dry run), import all or
nothing; then invite the people on them. Coordinators for their centre, admins for any."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from observer_portal import policies
from observer_portal.accreditations import bp
from observer_portal.accreditations.forms import InviteForm, MappingForm, UploadForm
from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, as_choices, show_form_error
from observer_portal.i18n import reader_locale
from observer_portal.jobs import send_invitations_after_commit
from observer_portal.lazy_text import LocalNumber, _l
from observer_portal.models import AccreditationImport, ElectionState, ImportState, VisitorKind
from observer_portal.paging import parse_id
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.services import ServiceError, invitations
from observer_portal.services import accreditations as service
from observer_portal.services.accreditation_files import MAX_FILE_BYTES, read_table
from observer_portal.services.centres import centre_choices
from observer_portal.services.elections import all_elections
from observer_portal.unit_of_work import flash_refusal

UPLOAD_ENDPOINT = "accreditations.index"


def _upload(import_id: int) -> AccreditationImport:
    upload = db.session.get(AccreditationImport, import_id)
    if upload is None:
        abort(404)
    if not policies.manages(current_user, upload.centre_id):
        abort(403)
    return upload


def _column_choices(header: list[str]):
    letters = [chr(ord("A") + n) if n < 26 else f"#{n + 1}" for n in range(len(header))]
    return as_choices([("", _l("Not in the list"))] + [(n, f"{letters[n]}: {title}") for n, title in enumerate(header)])


@bp.route("/", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def index():
    form = UploadForm()
    own_centre = policies.centre_scope(current_user)
    if own_centre is None:
        form.centre.choices = as_choices([("", _l("Choose a centre"))] + centre_choices(db.session))
    else:
        del form.centre
    open_elections = [e for e in all_elections(db.session) if e.state != ElectionState.CLOSED]
    if open_elections:
        form.election.choices = as_choices((e.id, e.name(reader_locale())) for e in open_elections)
        if request.method == "GET":
            active = next((e for e in open_elections if e.state == ElectionState.ACTIVE), open_elections[0])
            form.election.data = str(active.id)
    else:  # no election yet (`flask setup` makes one): the list belongs to none
        del form.election
    if form.validate_on_submit():
        try:
            upload = service.upload_list(
                db.session,
                current_user,
                own_centre if own_centre is not None else int(form.centre.data or 0),
                form.file.data.filename or "",
                form.file.data.read(MAX_FILE_BYTES + 1),
                form.encoding.data or "",
                VisitorKind(form.default_kind.data),
                int(form.election.data) if "election" in form else None,
            )
        except ServiceError as error:
            show_form_error(form, error)
        else:
            return redirect(url_for("accreditations.columns", import_id=upload.id))
    stmt = select(AccreditationImport).order_by(AccreditationImport.id.desc()).limit(20)
    if own_centre is not None:
        stmt = stmt.where(AccreditationImport.centre_id == own_centre)
    return render_template(
        "accreditations/index.html",
        form=form,
        uploads=db.session.scalars(stmt).all(),
        can_invite=invitations.can_send(),
    )


@bp.route("/<int:import_id>/columns", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def columns(import_id: int):
    upload = _upload(import_id)
    try:
        table = read_table(upload.filename, upload.data or b"", upload.encoding)
    except ServiceError as error:
        flash_refusal(error)
        return redirect(url_for("accreditations.index"))
    form = MappingForm()
    for target in service.FIELDS:
        getattr(form, target).choices = _column_choices(table.header)
    if request.method == "GET":
        form.default_kind.data = upload.default_kind.value
        for target in service.FIELDS:
            number = upload.mapping.get(target)
            getattr(form, target).data = "" if number is None else str(number)
    if form.validate_on_submit():
        mapping = {t: int(getattr(form, t).data) for t in service.FIELDS if getattr(form, t).data not in (None, "")}
        try:
            service.choose_columns(upload, mapping, VisitorKind(form.default_kind.data))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            return redirect(url_for("accreditations.preview", import_id=upload.id))
    return render_template(
        "accreditations/columns.html", form=form, upload=upload, header=table.header, sample=table.rows[:3]
    )


@bp.get("/<int:import_id>")
@roles_required(*MANAGERS)
def preview(import_id: int):
    upload = _upload(import_id)
    try:
        result = None if upload.state == ImportState.IMPORTED else service.preview(db.session, upload)
    except ServiceError as error:  # e.g. the columns are not chosen yet
        flash_refusal(error)
        return redirect(url_for("accreditations.columns", import_id=upload.id))
    return render_template(
        "accreditations/preview.html",
        upload=upload,
        result=result,
        labels=service.CHANGE_LABELS,
        shown=service.SHOWN_PROBLEMS,
        form=ConfirmForm(),
    )


@bp.post("/<int:import_id>/import")
@roles_required(*MANAGERS)
def run(import_id: int):
    upload = _upload(import_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            result = service.run_import(db.session, current_user, upload)
        except ServiceError as error:
            flash_refusal(error)
        else:
            flash(
                _l(
                    "The list is imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
                    created=LocalNumber(result.created),
                    updated=LocalNumber(len(result.updated)),
                    unchanged=LocalNumber(result.unchanged),
                ),
                "success",
            )
    return redirect(url_for("accreditations.preview", import_id=upload.id))


@bp.route("/people", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def people():
    """Imported people without an account: invite some, or everyone not invited yet."""
    centre_id = policies.centre_scope(current_user)
    form = InviteForm()
    if request.method == "POST":
        form.people.choices = [(int(v), "") for v in request.form.getlist("people") if v.isdigit()][:900]
    if form.validate_on_submit():
        if not invitations.can_send():
            flash(_l("E-mail is not set up on this portal (MAIL_SERVER): invitations cannot be sent."), "error")
        elif form.invite_everyone.data:
            ids, remaining = invitations.invite_everyone_waiting(db.session, current_user, centre_id)
            send_invitations_after_commit(ids)
            flash(_l("Invitations are on their way: %(n)s.", n=LocalNumber(len(ids))), "success")
            if remaining:
                flash(_l("%(n)s more people wait: press the button again.", n=LocalNumber(remaining)), "info")
        elif not form.people.data:
            flash(_l("Choose the people to invite first."), "error")
        else:
            ids = invitations.invite_selected(db.session, current_user, centre_id, list(form.people.data))
            send_invitations_after_commit(ids)
            flash(_l("Invitations are on their way: %(n)s.", n=LocalNumber(len(ids))), "success")
        return redirect(url_for("accreditations.people"))
    after_id = parse_id(request.args.get("after_id"))
    after = (request.args.get("after_name", "")[:120], after_id) if after_id else None
    rows, cursor = invitations.invitees_page(db.session, centre_id, after, current_app.config["PAGE_SIZE"])
    form.people.choices = [(row.profile.id, row.profile.full_name) for row in rows]
    return render_template(
        "accreditations/people.html", form=form, rows=rows, cursor=cursor, can_invite=invitations.can_send()
    )
