from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from observer_portal.visits import badge, log_routes, routes  # noqa: E402,F401
