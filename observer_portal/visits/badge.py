"""The printable badge of a visitor, for the desk to hand over (services/badges.py)."""

from __future__ import annotations

from flask import render_template

from observer_portal.permissions import STAFF, roles_required
from observer_portal.services.badges import badge_code, badge_svg
from observer_portal.visits import bp
from observer_portal.visits.routes import _registry_visitor


@bp.get("/visitors/<int:visitor_id>/badge")
@roles_required(*STAFF)
def badge(visitor_id: int):
    profile = _registry_visitor(visitor_id)
    code = badge_code(profile.id)
    return render_template("visits/badge.html", visitor=profile, code=code, qr=badge_svg(code))
