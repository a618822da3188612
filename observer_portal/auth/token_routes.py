"""Personal access tokens on the account page: create one (shown once), see each with its
permissions, expiry and last use, revoke it. Thin views over `services.tokens`."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from observer_portal.auth import bp
from observer_portal.auth.forms import TokenForm
from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, as_choices, show_form_error
from observer_portal.labels import TOKEN_SCOPE_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models.base import utcnow
from observer_portal.permissions import signed_in
from observer_portal.services import ServiceError, tokens
from observer_portal.unit_of_work import flash_refusal

EXPIRY_LABELS = {7: _l("A week"), 30: _l("A month"), 90: _l("Three months"), 365: _l("A year")}


def _form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = as_choices(
        (scope.value, TOKEN_SCOPE_LABELS[scope]) for scope in tokens.SCOPES_BY_ROLE[current_user.role]
    )
    form.days.choices = as_choices((str(days), EXPIRY_LABELS[days]) for days in tokens.EXPIRY_DAYS)
    return form


@bp.route("/account/tokens", methods=["GET", "POST"])
@signed_in
def access_tokens():
    form = _form()
    secret = None
    if form.validate_on_submit():
        try:
            secret = tokens.create_token(
                db.session, current_user, form.name.data, form.scopes.data, int(form.days.data)
            ).secret
        except ServiceError as error:
            show_form_error(form, error)
    page = render_template(
        "auth/tokens.html",
        form=_form() if secret else form,
        tokens=tokens.tokens_of(db.session, current_user),
        new_secret=secret,
        now=utcnow(),
        revoke_form=ConfirmForm(prefix="revoke"),
        scope_labels=TOKEN_SCOPE_LABELS,
    )
    if secret is None:
        return page
    # The secret is shown in this answer only — never put in a cookie or stored. 201, not a
    # redirect: the token was made (the unit of work commits it); its Location is where a
    # form sent again is sent, without the secret (submissions.py).
    return page, 201, {"Location": url_for("auth.access_tokens"), "Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
@signed_in
def revoke_token(token_id: int):
    form = ConfirmForm(prefix="revoke")
    if form.validate_on_submit():
        try:
            revoked = tokens.revoke_token(db.session, current_user, token_id)
        except ServiceError as error:
            flash_refusal(error)
        else:
            flash(_l("The token “%(name)s” is revoked: it no longer works.", name=revoked.name), "success")
    return redirect(url_for("auth.access_tokens"))
