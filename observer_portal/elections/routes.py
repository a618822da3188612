"""Elections: coordinators and administrators read the list; administrators change it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from observer_portal.elections import bp
from observer_portal.elections.forms import ElectionForm
from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, show_form_error
from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models import Election, Role
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.services import ServiceError
from observer_portal.services import elections as service


def _read(form: ElectionForm) -> service.ElectionInput:
    return service.ElectionInput(
        names={code: getattr(form, f"name_{code}").data or "" for code in LOCALES},
        voting_day=form.voting_day.data,
        serves_from=form.serves_from.data,
        serves_to=form.serves_to.data,
        retention_days=int(form.retention_days.data),
    )


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    return render_template(
        "elections/index.html", elections=service.all_elections(db.session), action_form=ConfirmForm()
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = ElectionForm()
    if form.validate_on_submit():
        try:
            service.create_election(db.session, current_user, _read(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Election added. Make it the active election when the centres start serving it."), "success")
            return redirect(url_for("elections.index"))
    return render_template("elections/form.html", form=form, election=None)


def _election(election_id: int) -> Election:
    return db.get_or_404(Election, election_id)


@bp.route("/<int:election_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(election_id: int):
    election = _election(election_id)
    form = ElectionForm(obj=election)
    if request.method == "GET":
        for code in LOCALES:
            getattr(form, f"name_{code}").data = election.names.get(code, "")
    if form.validate_on_submit():
        try:
            service.update_election(db.session, current_user, election, _read(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Election saved."), "success")
            return redirect(url_for("elections.index"))
    return render_template("elections/form.html", form=form, election=election)


@bp.post("/<int:election_id>/activate")
@roles_required(Role.ADMIN)
def activate(election_id: int):
    election = _election(election_id)
    if ConfirmForm().validate_on_submit():
        service.activate(db.session, current_user, election)
        flash(_l("This is now the active election; the one before it is closed."), "success")
    return redirect(url_for("elections.index"))


@bp.post("/<int:election_id>/close")
@roles_required(Role.ADMIN)
def close(election_id: int):
    election = _election(election_id)
    if ConfirmForm().validate_on_submit():
        service.close(db.session, current_user, election)  # closing a closed election changes nothing
        flash(_l("Election closed. It stays readable."), "success")
    return redirect(url_for("elections.index"))
