"""Public pages: home with the centres and their contacts, one page per centre."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm
from observer_portal.main import bp
from observer_portal.models import Centre
from observer_portal.permissions import public, signed_in
from observer_portal.services import notifications as notification_service
from observer_portal.services.centres import all_centres, duty_summary


@bp.get("/")
@public
def home():
    return render_template("main/home.html", centres=all_centres(db.session))


@bp.get("/centres/<slug>")
@public
def centre(slug: str):
    centre = db.first_or_404(select(Centre).where(Centre.slug == slug))
    return render_template("main/centre.html", centre=centre, duty=duty_summary(db.session, centre.id))


@bp.get("/notifications")
@signed_in
def notifications():
    items = notification_service.recent(db.session, current_user.id)
    return render_template(
        "main/notifications.html",
        items=[(n, notification_service.message(n)) for n in items],
        form=ConfirmForm(),
    )


@bp.post("/notifications/read")
@signed_in
def notifications_read():
    if ConfirmForm().validate_on_submit():
        notification_service.mark_all_read(db.session, current_user.id)
    return redirect(url_for("main.notifications"))
