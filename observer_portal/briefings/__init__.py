from flask import Blueprint

bp = Blueprint("briefings", __name__, url_prefix="/briefings")

from observer_portal.briefings import routes  # noqa: E402,F401
