from flask import Blueprint

bp = Blueprint("auth", __name__)

from observer_portal.auth import routes, token_routes  # noqa: E402,F401
