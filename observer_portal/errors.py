"""Error pages: translated HTML for browsers, JSON for API clients."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from observer_portal.lazy_text import _l

log = logging.getLogger("observer_portal.errors")

#: Titles and explanations, translated when rendered.
MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered and try again.")),
    401: (_l("Please sign in"), _l("You need to sign in to see this page.")),
    403: (_l("Access denied"), _l("Your account does not have permission to open this page.")),
    404: (_l("Page not found"), _l("We could not find that page. It may have been moved or removed.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    413: (_l("Too large"), _l("What you sent is larger than the centre accepts. Please send something smaller.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. The centre staff have been notified; please try again."),
    ),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        return jsonify(error=str(title), message=str(detail or message), status=code), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    if code not in MESSAGES:
        code = 400 if 400 <= code < 500 else 500
    response, status = render_error(code)
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        return response, status, {"Allow": ", ".join(error.valid_methods)}
    return response, status


def handle_csrf_error(error: CSRFError):
    log.info("CSRF check failed on %s", request.endpoint)
    return render_error(
        400, str(_l("Your form expired or was sent from another site. Please reload the page and try again."))
    )


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s", request.endpoint, exc_info=error)
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
