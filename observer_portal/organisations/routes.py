"""Missions, delegations and outlets: coordinators and administrators keep the registry."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, as_choices, read_filters, show_form_error
from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models import Organisation, OrganisationKind
from observer_portal.organisations import bp
from observer_portal.organisations.forms import MergeOrganisationForm, OrganisationForm, RegistryFilterForm
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.services import ServiceError
from observer_portal.services import organisations as service


def _read(form: OrganisationForm) -> service.OrganisationInput:
    return service.OrganisationInput(form.name.data or "", OrganisationKind(form.kind.data), form.names())


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    form = RegistryFilterForm(request.args)
    unconfirmed = bool(read_filters(form) and form.unconfirmed.data)
    rows = service.registry(db.session, unconfirmed_only=unconfirmed)
    return render_template("organisations/index.html", rows=rows, form=form, action_form=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            service.create_organisation(db.session, current_user, _read(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Added to the registry."), "success")
            return redirect(url_for("organisations.index"))
    return render_template("organisations/form.html", form=form, organisation=None)


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/<int:organisation_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        for code in LOCALES:
            getattr(form, f"name_{code}").data = organisation.names.get(code, "")
    if form.validate_on_submit():
        try:
            service.update_organisation(db.session, current_user, organisation, _read(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Saved and confirmed."), "success")
            return redirect(url_for("organisations.index"))
    return render_template("organisations/form.html", form=form, organisation=organisation)


@bp.post("/<int:organisation_id>/confirm")
@roles_required(*MANAGERS)
def confirm(organisation_id: int):
    organisation = _organisation(organisation_id)
    if ConfirmForm().validate_on_submit():
        service.confirm(db.session, current_user, organisation)
        flash(_l("“%(name)s” is confirmed.", name=organisation.label), "success")
    return redirect(url_for("organisations.index", unconfirmed="y"))


@bp.route("/<int:organisation_id>/merge", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def merge(organisation_id: int):
    keep = _organisation(organisation_id)
    form = MergeOrganisationForm()
    others = [(o_id, label) for o_id, label in service.choices(db.session) if o_id != keep.id]
    form.duplicate.choices = as_choices([("", _l("Choose the duplicate"))] + others)
    if form.validate_on_submit():
        try:
            service.merge(db.session, current_user, keep, _organisation(int(form.duplicate.data)))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(
                _l("Merged: the duplicate's visitors and visits now belong to “%(name)s”.", name=keep.label), "success"
            )
            return redirect(url_for("organisations.index"))
    return render_template("organisations/merge.html", form=form, keep=keep)
