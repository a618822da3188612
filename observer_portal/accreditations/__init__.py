from flask import Blueprint

bp = Blueprint("accreditations", __name__, url_prefix="/manage/accreditations")

from observer_portal.accreditations import routes  # noqa: E402,F401
