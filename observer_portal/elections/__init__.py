from flask import Blueprint

bp = Blueprint("elections", __name__, url_prefix="/elections")

from observer_portal.elections import routes  # noqa: E402,F401
