from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from observer_portal.reports import daily_routes, routes  # noqa: E402,F401
