from flask import Blueprint

bp = Blueprint("glossary", __name__, url_prefix="/glossary")

from observer_portal.glossary import routes  # noqa: E402,F401
