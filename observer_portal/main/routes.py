"""Public pages: home with the centres and their contacts, one page per centre."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.main import bp
from observer_portal.models import Centre
from observer_portal.permissions import public
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
