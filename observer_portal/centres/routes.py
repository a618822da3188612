"""Centres as administrators set them up, and as their coordinators keep them current."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from observer_portal import policies
from observer_portal.centres import bp
from observer_portal.centres.forms import CentreContactsForm, CentreForm
from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, as_choices, show_form_error
from observer_portal.i18n import reader_locale
from observer_portal.lazy_text import _l
from observer_portal.models import Centre, Role
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.services import ServiceError
from observer_portal.services import centres as service
from observer_portal.services.elections import active_election, all_elections


def _prepare(form: CentreForm) -> None:
    form.elections.choices = as_choices(
        (election.id, election.name(reader_locale())) for election in all_elections(db.session)
    )


def _contacts(form: CentreContactsForm) -> service.CentreContacts:
    return service.CentreContacts(
        addresses=form.texts("addresses"),
        hours=form.texts("hours"),
        phone=form.phone.data or "",
        email=form.email.data or "",
    )


def _read(form: CentreForm) -> service.CentreInput:
    contacts = _contacts(form)
    return service.CentreInput(
        **vars(contacts),
        slug=(form.slug.data or "") if "slug" in form else "",
        names=form.texts("names"),
        regions=form.texts("regions"),
        language=form.language.data,
        timezone=(form.timezone.data or "").strip(),
        election_ids=list(form.elections.data or []),
    )


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    """Administrators: every centre, open or closed down. Coordinators: their own."""
    if current_user.role == Role.ADMIN:
        centres = service.all_centres(db.session, include_closed=True)
    else:
        centres = [current_user.centre] if current_user.centre else []
    return render_template("centres/index.html", centres=centres, action_form=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = CentreForm()
    _prepare(form)
    if request.method == "GET":
        election = active_election(db.session)
        form.elections.data = [election.id] if election else []
    if form.validate_on_submit():
        try:
            centre = service.create_centre(db.session, current_user, _read(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Centre added."), "success")
            return redirect(url_for("main.centre", slug=centre.slug))
    return render_template("centres/form.html", form=form, centre=None)


def _centre(slug: str) -> Centre:
    centre = service.find_centre(db.session, slug)
    if centre is None:
        abort(404)
    if not policies.manages(current_user, centre.id):
        abort(403)
    return centre


@bp.route("/<slug>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(slug: str):
    """An administrator changes everything but the slug; a coordinator, how to reach the centre."""
    centre = _centre(slug)
    whole = current_user.role == Role.ADMIN
    form = CentreForm(obj=centre) if whole else CentreContactsForm(obj=centre)
    if whole:
        _prepare(form)
        del form.slug
    if request.method == "GET":
        form.fill_texts(centre)
        if whole:
            form.elections.data = [election.id for election in centre.elections]
    if form.validate_on_submit():
        try:
            if whole:
                service.update_centre(db.session, current_user, centre, _read(form))
            else:
                service.update_contacts(db.session, current_user, centre, _contacts(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Centre saved."), "success")
            return redirect(url_for("main.centre", slug=centre.slug))
    return render_template("centres/form.html", form=form, centre=centre)


def _set_active(slug: str, active: bool, message) -> Response:
    centre = _centre(slug)
    if ConfirmForm().validate_on_submit():
        service.set_active(db.session, current_user, centre, active)
        flash(message, "success")
    return redirect(url_for("centres.index"))


@bp.post("/<slug>/close-down")
@roles_required(Role.ADMIN)
def deactivate(slug: str):
    return _set_active(slug, False, _l("The centre is closed down: it is no longer listed; its records stay."))


@bp.post("/<slug>/reopen")
@roles_required(Role.ADMIN)
def reactivate(slug: str):
    return _set_active(slug, True, _l("The centre is open again."))
