"""Error pages: translated HTML for browsers, problem details (RFC 9457) for API clients.

Degraded, never broken: when the database cannot be reached, every page answers a
translated 503 with `Retry-After` instead of an error escaping to gunicorn. An error page
never needs the database: it shows the signed-in person only if they were loaded already
or can be loaded now, and otherwise renders as for a visitor (`_user_for_error_page`).
"""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from observer_portal.api_paths import is_api_request
from observer_portal.lazy_text import LazyText, _l, translate

log = logging.getLogger("observer_portal.errors")

#: Titles and explanations, translated when rendered.
MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered and try again.")),
    401: (_l("Please sign in"), _l("You need to sign in to see this page.")),
    403: (_l("Access denied"), _l("Your account does not have permission to open this page.")),
    404: (_l("Page not found"), _l("We could not find that page. It may have been moved or removed.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    409: (_l("Conflict"), _l("This cannot be done now: the request has changed meanwhile.")),
    415: (_l("Not JSON"), _l("Send the body as JSON (Content-Type: application/json).")),
    413: (_l("Too large"), _l("What you sent is larger than the centre accepts. Please send something smaller.")),
    422: (_l("Not valid"), _l("Some of what you sent is not valid: each field's message says why.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. The centre staff have been notified; please try again."),
    ),
    503: (
        _l("The portal is briefly unavailable"),
        _l(
            "The portal cannot reach its database just now. Please try again in a minute; "
            "if you were sending a form, it was not saved."
        ),
    ),
}
#: the API's words where the pages' speak of a page
API_MESSAGES = {
    403: (_l("Access denied"), _l("The token's owner may not do this.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
}
BEARER_CHALLENGE = 'Bearer realm="Observer Portal"'
#: seconds a client is asked to wait before trying again while the database is away
RETRY_AFTER = 30


#: what SQLite says when its file cannot be used just now (any other OperationalError of
#: SQLite — "no such table", a syntax error — is a bug, and answers 500 with a traceback)
SQLITE_AWAY = ("unable to open database", "database is locked", "disk i/o error", "readonly database")


def database_unreachable(error: BaseException | None) -> bool:
    """Is this the database (or its connection pool) being away, rather than a bug?"""
    error = getattr(error, "original_exception", None) or error
    if isinstance(error, OperationalError) and isinstance(error.orig, sqlite3.Error):
        return any(words in str(error.orig).lower() for words in SQLITE_AWAY)
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _discard_database_work() -> None:
    """Roll back what the failed request began, so an error page starts clean; a
    connection that is gone cannot be rolled back, and does not need to be."""
    from observer_portal.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback after an error failed (the connection is gone)")


def _user_for_error_page() -> None:
    """Load the signed-in person for the page header if the database answers; otherwise
    the page is rendered as for a visitor (Flask-Login keeps the loaded user in `g`)."""
    from flask_login import current_user

    if g.get("database_down"):
        g._login_user = AnonymousUserMixin()
        return
    try:
        current_user._get_current_object()
    except SQLAlchemyError:
        g.database_down = True
        g._login_user = AnonymousUserMixin()


JSON_TYPES = ("application/json", "application/problem+json")


def wants_json() -> bool:
    if is_api_request():
        return True
    best = request.accept_mimetypes.best_match([*JSON_TYPES, "text/html"])
    return best in JSON_TYPES and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, detail: str | None = None, errors: dict | None = None) -> Response:
    """The error page (or problem details, RFC 9457) for `code`, in the reader's language;
    `errors`: each field's messages, for an API client."""
    _user_for_error_page()  # first: choosing the language may read the person's preference
    title, message = MESSAGES.get(code, MESSAGES[500])
    if is_api_request() and code in API_MESSAGES:  # a program asked: no "page" to speak of
        title, message = API_MESSAGES[code]
    if wants_json():
        problem = {"type": "about:blank", "title": str(title), "status": code, "detail": str(detail or message)}
        if errors:
            problem["errors"] = translated(errors)
        response = jsonify(problem)
        response.mimetype = "application/problem+json"
        if code == 401 and is_api_request():
            response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    else:
        html = render_template("errors/error.html", code=code, title=title, message=detail or message)
        response = make_response(html)
    response.status_code = code
    if code >= 500:
        response.headers["Cache-Control"] = "no-store"
    if code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def translated(messages):
    """Field messages (marshmallow's, webargs') in the reader's language, where the catalogs
    have them (`api/messages.py` lists marshmallow's own)."""
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translated(value) for value in messages]
    return translate(str(messages))


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    if code not in MESSAGES:
        code = 400 if 400 <= code < 500 else 500
    data = getattr(error, "data", None) or {}
    detail = error.description if is_api_request() and isinstance(error.description, LazyText) else None
    if data.get("messages") and is_api_request():  # the request's fields that are not valid, by location
        return render_error(code, detail, errors=data["messages"])
    response = render_error(code, detail)
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_csrf_error(error: CSRFError):
    log.info("CSRF check failed on %s", request.endpoint)
    return render_error(
        400, str(_l("Your form expired or was sent from another site. Please reload the page and try again."))
    )


def handle_unexpected(error: Exception):
    """Any error nobody handled — also one raised while the response was finished (a
    commit that failed), which Flask hands over wrapped in an InternalServerError."""
    _discard_database_work()
    if database_unreachable(error):
        g.database_down = True
        cause = getattr(error, "original_exception", None) or error
        log.error("database unreachable on %s %s: %s", request.method, request.path, type(cause).__name__)
        return render_error(503)
    log.exception("unhandled error on %s", request.endpoint, exc_info=error)
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
