"""Coordinators manage the accounts of their centre; admins manage every centre."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from observer_portal import policies
from observer_portal.extensions import db
from observer_portal.forms import (
    ConfirmForm,
    as_choices,
    fill_language_skills,
    language_skill_fields,
    read_filters,
    read_language_skills,
    show_form_error,
)
from observer_portal.jobs import email_copies
from observer_portal.labels import ROLE_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import Role, User
from observer_portal.paging import carried_args, parse_cursor
from observer_portal.permissions import MANAGERS, roles_required
from observer_portal.services import ServiceError, accounts, duty
from observer_portal.services.audit import object_names, recent_events
from observer_portal.services.centres import centre_choices
from observer_portal.services.users import UserFilter, list_users
from observer_portal.staff import bp
from observer_portal.staff.forms import StaffCreateForm, StaffEditForm, UserFilterForm
from observer_portal.unit_of_work import after_commit, flash_refusal


def _cursor() -> int | None:
    return parse_cursor(request.args.get("before"))


def _scope_centre() -> int | None:
    return policies.centre_scope(current_user)


def _managed_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not policies.can_manage_user(current_user, user):
        abort(404)  # do not reveal accounts of other centres
    return user


def _prepare(form: StaffEditForm) -> None:
    form.role.choices = as_choices((role.value, ROLE_LABELS[role]) for role in policies.assignable_roles(current_user))
    if _scope_centre() is None:  # works for every centre
        form.centre.choices = as_choices([("", _l("No centre (administrator)"))] + centre_choices(db.session))
    else:
        centre = current_user.centre
        form.centre.choices = as_choices([(current_user.centre_id, centre.name if centre else "")])


def _centre_id(form: StaffEditForm) -> int | None:
    if _scope_centre() is not None:
        return _scope_centre()
    return int(form.centre.data) if form.centre.data else None


@bp.get("/")
@roles_required(*MANAGERS)
def users():
    form = UserFilterForm(request.args)
    form.role.choices = as_choices([("", _l("All"))] + [(role.value, label) for role, label in ROLE_LABELS.items()])
    flt = UserFilter(centre_id=_scope_centre())
    if read_filters(form):
        flt = UserFilter(
            centre_id=_scope_centre(),
            q=(form.q.data or "").strip(),
            role=Role(form.role.data) if form.role.data else None,
            active={"active": True, "inactive": False}.get(form.status.data or ""),
        )
    page = list_users(db.session, flt, _cursor(), current_app.config["PAGE_SIZE"])
    next_args = carried_args(request.args, (field.name for field in form))
    return render_template(
        "staff/users.html",
        form=form,
        page=page,
        role_labels=ROLE_LABELS,
        next_args=next_args,
        action_form=ConfirmForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create_user():
    form = StaffCreateForm()
    _prepare(form)
    if request.method == "GET":
        form.role.data = Role.VOLUNTEER.value
        form.centre.data = str(current_user.centre_id or "")
    if form.validate_on_submit():
        data = accounts.StaffAccount(
            email=form.email.data,
            display_name=form.display_name.data,
            role=Role(form.role.data),
            centre_id=_centre_id(form),
            password=form.password.data,
            languages=read_language_skills(form),
            on_duty=form.on_duty.data,
        )
        try:
            user = accounts.create_staff(db.session, current_user, data)
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Account created for %(name)s.", name=user.display_name), "success")
            return redirect(url_for("staff.users"))
    return render_template(
        "staff/user_form.html", form=form, language_fields=language_skill_fields(form), user=None, creating=True
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_user(user_id: int):
    user = _managed_user(user_id)
    if not user.role.is_staff:
        return render_template(
            "staff/visitor_account.html", user=user, role_labels=ROLE_LABELS, action_form=ConfirmForm()
        )
    form = StaffEditForm(obj=user)
    _prepare(form)
    if request.method == "GET":
        form.role.data = user.role.value
        form.centre.data = str(user.centre_id or "")
        fill_language_skills(form, user)
    if form.validate_on_submit():
        try:
            notifications = duty.update_staff(
                db.session,
                current_user,
                user,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                centre_id=_centre_id(form),
                languages=read_language_skills(form),
                on_duty=form.on_duty.data,
            )
        except ServiceError as error:
            show_form_error(form, error)
        else:
            after_commit(partial(email_copies, notifications))
            flash(_l("Changes to %(name)s saved.", name=user.display_name), "success")
            return redirect(url_for("staff.users"))
    return render_template(
        "staff/user_form.html",
        form=form,
        language_fields=language_skill_fields(form),
        user=user,
        creating=False,
        action_form=ConfirmForm(),
        role_labels=ROLE_LABELS,
    )


def _set_active(user_id: int, active: bool):
    user = _managed_user(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            notifications = duty.set_active(db.session, current_user, user, active)
        except ServiceError as error:
            flash_refusal(error)
        else:
            after_commit(partial(email_copies, notifications))
            flash(_flash_text(active, user), "success")
    return redirect(url_for("staff.edit_user", user_id=user.id))


def _flash_text(active: bool, user: User):
    if active:
        return _l("%(name)s can sign in again.", name=user.display_name)
    return _l("%(name)s has been deactivated and signed out.", name=user.display_name)


@bp.post("/<int:user_id>/deactivate")
@roles_required(*MANAGERS)
def deactivate_user(user_id: int):
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/activate")
@roles_required(*MANAGERS)
def activate_user(user_id: int):
    return _set_active(user_id, True)


@bp.get("/audit")
@roles_required(*MANAGERS)
def audit():
    events, next_cursor = recent_events(db.session, _scope_centre(), _cursor(), current_app.config["PAGE_SIZE"])
    objects = object_names(db.session, events)
    return render_template("staff/audit.html", events=events, objects=objects, next_cursor=next_cursor)
