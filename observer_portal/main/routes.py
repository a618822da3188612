"""Public pages: home with the centres and their contacts, one page per centre."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, send_from_directory, url_for
from flask_babel import to_user_timezone
from flask_login import current_user

from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm
from observer_portal.http_caching import shared_page
from observer_portal.main import bp
from observer_portal.models import Role
from observer_portal.models.base import utcnow
from observer_portal.permissions import may_open, public, signed_in
from observer_portal.public_content import cached
from observer_portal.services import dashboards
from observer_portal.services import notifications as notification_service
from observer_portal.services.centres import duty_summary, find_centre, in_reading_order, public_centres
from observer_portal.templating import current_election
from observer_portal.timezones import local_midnight_utc


@bp.get("/")
@public
@shared_page()
def home():
    """The welcome page; signed in, each person's own picture first (services/dashboards.py)."""
    election = current_election()
    centres = cached(("public centres", election and election.id), lambda session: public_centres(session, election))
    return render_template(
        "main/home.html",
        centres=in_reading_order(centres),
        mine=_my_home(),
        duty_form=ConfirmForm(prefix="duty") if _volunteer() else None,
        today_iso=to_user_timezone(utcnow()).date().isoformat(),
    )


def _volunteer() -> bool:
    return current_user.is_authenticated and current_user.role == Role.VOLUNTEER


def _my_home():
    if not current_user.is_authenticated:
        return None
    now = utcnow()
    if current_user.role.is_visitor:
        return dashboards.visitor_home(db.session, current_user)
    if current_user.role == Role.VOLUNTEER:
        return dashboards.volunteer_home(db.session, current_user, now)
    if current_user.centre_id is not None:
        return dashboards.coordinator_home(db.session, current_user, local_midnight_utc(), now)
    return None


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker that keeps opened briefings and centre pages for reading offline,
    served from the root so that it may serve every page (static/js/sw.js says what it does)."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new release's worker is found at once
    return response


@bp.get("/centres/<slug>")
@public
def centre(slug: str):
    """A closed-down centre's page is gone for the public; those who manage centres still read it."""
    centre = find_centre(db.session, slug)
    if centre is None or not (centre.active or may_open("centres.deactivate")):
        abort(404)
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
