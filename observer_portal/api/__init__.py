"""The JSON API, `/api/v1`, described by an OpenAPI 3.1 document generated from the code.

flask-smorest rather than APIFlask: the portal is one Flask application built by a factory,
and flask-smorest is an extension of a plain Flask app (APIFlask replaces the app class);
its marshmallow schemas validate what comes in and describe what goes out, and apispec
writes OpenAPI 3.1. Each resource calls the services and policies the pages call, so the
API never sees more than the pages. Callers are identified by personal access tokens
(`identity.py`); errors are problem details (RFC 9457) in the caller's language
(`errors.py`); rate limits count per token."""

from __future__ import annotations

import http
import json

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, abort, current_app
from flask_cors import CORS
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from marshmallow import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnprocessableEntity

from observer_portal.api.schemas import Problem
from observer_portal.extensions import csrf, limiter
from observer_portal.lazy_text import _l

PREFIX = "/api/v1"
PROBLEM_TYPE = "application/problem+json"


class PortalApi(Api):
    """flask-smorest's Api, with the portal's errors: problem details, answered by the
    portal's own error handlers (`errors.py`), never flask-smorest's app-wide one."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self):
        pass  # errors.handle_http_exception answers API paths with problem details

    def _register_responses(self):
        for status in http.HTTPStatus:
            if status >= 400:
                response = {"description": status.phrase, "schema": self.ERROR_SCHEMA}
                prepare_response(response, self.spec, PROBLEM_TYPE)
                self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class StrictParser(FlaskParser):
    """A parameter the operation does not take is refused (422), in the query string as in a
    body — a misspelt `befor=` is said, not ignored — as the document declares. A body that
    is not JSON is refused as such (415), and JSON that cannot be read — too deep, a number
    of thousands of digits — is a 400, never a server error."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.content_length or req.mimetype:  # a form, a file, text: a body that is not JSON
                abort(415, description=_l("Send the body as JSON (Content-Type: application/json)."))
            return missing
        try:
            return super()._raw_load_json(req)
        except (RecursionError, ValueError) as error:
            if isinstance(error, json.JSONDecodeError):
                raise
            abort(400, description=_l("The body is not JSON this service can read."))


PROBLEM = {"schema": Problem, "content_type": PROBLEM_TYPE}


def field_problem(location: str, field: str, message) -> UnprocessableEntity:
    """A 422 whose problem names the field (`errors.<location>.<field>`), as webargs' own do:
    raise it where a value the schema took names nothing the portal knows."""
    problem = UnprocessableEntity(description=message)
    problem.data = {"messages": {location: {field: [str(message)]}}}
    return problem


SECURED = [{"token": []}]


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def secured(self, *roles, scope, problems: tuple[int, ...] = ()):
        """An operation for a token: who may call it (`roles`; none: any signed-in role), the
        permission its token needs, and the problems it may answer — declared once for the
        access check, the token check and the document."""
        from observer_portal.api.identity import needs_scope
        from observer_portal.permissions import roles_required, signed_in

        def decorator(view):
            view = self.doc(security=SECURED)(view)
            for code in (401, 403, *problems):
                view = self.alt_response(code, **PROBLEM)(view)
            view = needs_scope(scope)(view)
            return roles_required(*roles)(view) if roles else signed_in(view)

        return decorator


api = PortalApi(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin()})


def init_api(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Observer Portal")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", _spec_options())
    api.init_app(app)
    from observer_portal.paging import MAX_ID, IdConverter

    # a path's number is a row's (1 … MAX_ID): what IdConverter takes (a 404 otherwise)
    api.register_converter(IdConverter, lambda converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    from observer_portal.api import docs, language_work, my_requests, public, queue, visits

    for blueprint in (public.bp, my_requests.bp, queue.bp, language_work.bp, visits.bp):
        csrf.exempt(blueprint)  # a Bearer token, never a cookie: nothing for a forged form to ride on
        if blueprint.name not in _LIMITED:  # the limiter and the blueprints live once per process
            _LIMITED.add(blueprint.name)
            # one allowance for the whole API, per token (per address without one)
            limiter.shared_limit(_api_rate_limit, scope="api", key_func=_rate_key)(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    # A dashboard in a browser on another origin may call the API: it sends a Bearer token,
    # never a cookie (the API reads none), so any origin is safe and none gets credentials.
    CORS(
        app,
        resources={rf"{PREFIX}/*": {"origins": "*"}},
        allow_headers=["Authorization", "Content-Type", "Accept-Language", "If-None-Match"],
        expose_headers=["ETag", "Location", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"],
        methods=["GET", "POST", "OPTIONS"],
        supports_credentials=False,
        send_wildcard=True,
        max_age=600,
    )


_LIMITED: set[str] = set()


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _rate_key() -> str:
    from observer_portal.api.identity import rate_key

    return rate_key()


def _spec_options() -> dict:
    return {
        "info": {
            "description": (
                "The Observer Portal's API: public briefings, centres, and, with a personal access "
                "token (Authorization: Bearer …, created on the account page), what its owner's "
                "pages show and do. Errors are problem details (RFC 9457) in the language of "
                "Accept-Language."
            )
        },
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "servers": [{"url": "/"}],
    }
