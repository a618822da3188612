"""Personal access tokens on the account page: create one (shown once), see each with its
permissions, expiry and last use, revoke it. Thin views over `services.tokens`."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
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
NEW_TOKEN_KEY = "new_token"  # noqa: S105 - a session key; its value holds the new secret until shown once


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
    if form.validate_on_submit():
        try:
            made = tokens.create_token(db.session, current_user, form.name.data, form.scopes.data, int(form.days.data))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            session[NEW_TOKEN_KEY] = {"id": made.token.id, "secret": made.secret}
            return redirect(url_for("auth.access_tokens"))
    shown = session.pop(NEW_TOKEN_KEY, None)  # once: gone from the session as it is shown
    return render_template(
        "auth/tokens.html",
        form=form,
        tokens=tokens.tokens_of(db.session, current_user),
        new_secret=shown,
        now=utcnow(),
        revoke_form=ConfirmForm(prefix="revoke"),
        scope_labels=TOKEN_SCOPE_LABELS,
    )


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
