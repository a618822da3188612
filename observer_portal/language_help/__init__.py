from flask import Blueprint

bp = Blueprint("language_help", __name__, url_prefix="/language-help")

from observer_portal.language_help import routes  # noqa: E402,F401
