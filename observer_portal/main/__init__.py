from flask import Blueprint

bp = Blueprint("main", __name__)

from observer_portal.main import health, routes  # noqa: E402,F401
