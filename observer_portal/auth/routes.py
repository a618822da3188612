"""Sign in and out, sign up as observer or media, profile, password, duty toggle."""

from __future__ import annotations

import hashlib
import logging
from functools import partial

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from observer_portal.auth import bp
from observer_portal.auth.forms import InvitationForm, LoginForm, PasswordChangeForm, ProfileForm, SignUpForm
from observer_portal.auth.redirects import safe_next
from observer_portal.auth.sessions import end_session, start_session
from observer_portal.extensions import db, limiter
from observer_portal.forms import ConfirmForm, as_choices, show_form_error
from observer_portal.i18n import LOCALES, country_choices, language_choices, remember_language
from observer_portal.jobs import email_copies, send_invitations_after_commit
from observer_portal.lazy_text import _l
from observer_portal.models import Role
from observer_portal.permissions import public, roles_required, signed_in
from observer_portal.services import ServiceError, accounts, duty, invitations
from observer_portal.services.badges import badge_code, badge_svg
from observer_portal.services.centres import centre_choices
from observer_portal.services.organisations import suggestions
from observer_portal.unit_of_work import after_commit, flash_refusal

log = logging.getLogger("observer_portal.auth")


def _login_failed(_response) -> bool:
    """Only failed sign-ins count against the rate limit."""
    return bool(g.get("login_failed"))


def _email_key() -> str:
    """Per-account limit key; hashed so no address is stored in the limiter."""
    email = (request.form.get("email") or "").strip().lower()
    return "login:" + hashlib.sha256(email.encode()).hexdigest()


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_login_failed, key_func=_email_key)
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)  # audited either way
        if user is None:
            g.login_failed = True
            log.info("sign-in failed")
            form.form_errors.append(str(_l("The e-mail address or password is not correct.")))
        else:
            start_session(user)
            log.info("sign-in succeeded: user=%s", user.id)
            return redirect(next_url or url_for("main.home"))
    return render_template("auth/login.html", form=form, next_url=next_url)


@bp.post("/logout")
@signed_in
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        current_user.rotate_session_token()
        remember_language(str(get_locale()))  # the pages after signing out stay in their language
        end_session()
        flash(_l("You have signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/signup", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    form.centre.choices = as_choices(centre_choices(db.session))
    form.nationality.choices = as_choices([("", _l("Choose a country"))] + country_choices())
    form.languages.choices = as_choices(language_choices())
    if request.method == "GET":
        form.languages.data = [str(get_locale())]
    if form.validate_on_submit():
        data = accounts.SignUp(
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data,
            role=Role(form.role.data),
            centre_id=form.centre.data,
            organisation_name=form.organisation.data,
            accreditation_number=form.accreditation_number.data or "",
            nationality=form.nationality.data or "",
            phone=form.phone.data or "",
            languages=form.languages.data or [],
            preferred_locale=str(get_locale()),
        )
        try:
            joined = invitations.sign_up_or_invite(db.session, data)
        except ServiceError as error:
            show_form_error(form, error)
        else:
            if isinstance(joined, list):  # on an accreditation list: the link goes to that address
                send_invitations_after_commit(joined)
                flash(
                    _l(
                        "You are on the centre's list already. We have sent you an e-mail with a link to finish creating your account."
                    ),
                    "success",
                )
                return redirect(url_for("auth.login"))
            start_session(joined)
            flash(_l("Welcome! Your account has been created."), "success")
            return redirect(url_for("main.home"))
    organisations = suggestions(db.session)
    return render_template("auth/signup.html", form=form, organisations=organisations)


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    form = ProfileForm(obj=current_user)
    form.preferred_locale.choices = as_choices([("", _l("Decide from my browser"))] + list(LOCALES.items()))
    if request.method == "GET":
        form.preferred_locale.data = current_user.preferred_locale or ""
    if form.validate_on_submit():
        accounts.update_profile(db.session, current_user, form.display_name.data, form.preferred_locale.data or None)
        flash(_l("Your profile has been saved."), "success")
        lang = current_user.preferred_locale
        return redirect(url_for("auth.account", lang=lang) if lang else url_for("auth.account"))
    profile = current_user.visitor_profile
    code = badge_code(profile.id) if profile is not None and profile.full_name else None
    return render_template(
        "auth/account.html",
        form=form,
        duty_form=ConfirmForm(prefix="duty"),
        badge=code and {"code": code, "qr": badge_svg(code)},
    )


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session, current_user, form.current_password.data, form.password.data)
        except ServiceError as error:
            show_form_error(form, error)
        else:
            start_session(current_user._get_current_object())  # this browser stays signed in, new token
            flash(_l("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.post("/account/duty")
@roles_required(Role.VOLUNTEER)
def toggle_duty():
    form = ConfirmForm(prefix="duty")
    if form.validate_on_submit():
        notifications = duty.set_on_duty(db.session, current_user, not current_user.on_duty)
        after_commit(partial(email_copies, notifications))
        flash(_l("You are now on duty.") if current_user.on_duty else _l("You are now off duty."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def accept_invitation(token: str):
    """The link of an invitation e-mail: set a password, get the account of that profile."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    try:
        invitation = invitations.open_invitation(db.session, token[:500])
    except ServiceError as error:  # forged, reused, replaced or expired: said at the top of the page
        flash_refusal(error)
        return render_template("auth/invitation.html", form=None), 404
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(db.session, token[:500], form.password.data)
        except ServiceError as error:
            show_form_error(form, error)
        else:
            start_session(user)
            flash(_l("Welcome! Your account has been created."), "success")
            return redirect(url_for("visits.mine"))
    return render_template("auth/invitation.html", invitation=invitation, form=form)
