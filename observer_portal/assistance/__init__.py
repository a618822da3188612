from flask import Blueprint

bp = Blueprint("assistance", __name__, url_prefix="/requests")

from observer_portal.assistance import export_routes, routes  # noqa: E402,F401
