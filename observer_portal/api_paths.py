"""Where the JSON API lives, for the parts of the portal that answer it differently: errors
as problem details, the language from `Accept-Language`, no session and no cookie."""

from __future__ import annotations

from flask import has_request_context, request

API_PREFIX = "/api/"


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith(API_PREFIX)
