from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/manage/organisations")

from observer_portal.organisations import routes  # noqa: E402,F401
