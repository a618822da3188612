from flask import Blueprint

bp = Blueprint("centres", __name__, url_prefix="/manage/centres")

from observer_portal.centres import routes  # noqa: E402,F401
