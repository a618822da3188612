"""Who calls the API: the owner of the `Authorization: Bearer` token, never a session
cookie's person (the API takes no CSRF token, so a cookie must not sign anyone in), and what
the token may do (its scopes). Runs before the access check of `permissions.py`, so the
API's views declare their access as the pages do."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, g, request

from observer_portal.api_paths import is_api_request
from observer_portal.extensions import db, login_manager
from observer_portal.lazy_text import _l
from observer_portal.models import PersonalToken, TokenScope
from observer_portal.services import tokens

F = TypeVar("F", bound=Callable)


def bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def identify_api_caller() -> None:
    """`before_request`, ahead of `enforce_access`: Flask-Login's slot for the request's person
    (`g._login_user`) is filled from the token, so the session is never read. A token that is
    unknown, expired or revoked is refused outright (401), even on public resources."""
    if not is_api_request():
        return
    g.api_token = None
    if request.method == "OPTIONS":  # a browser's preflight carries no token
        g._login_user = login_manager.anonymous_user()
        return
    secret = bearer_secret()
    if secret is None:
        g._login_user = login_manager.anonymous_user()
        return
    token = tokens.authenticate(db.session, secret)
    if token is None:
        g._login_user = login_manager.anonymous_user()
        abort(401, description=_l("This access token is unknown, has expired or was revoked."))
    g.api_token = token
    g._login_user = token.user


def current_token() -> PersonalToken | None:
    return g.get("api_token")


def needs_scope(scope: TokenScope) -> Callable[[F], F]:
    """The view also needs its token to carry `scope` (403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def checked(*args, **kwargs):
            token = current_token()
            if token is None or not token.allows(scope):
                abort(
                    403,
                    description=_l("This access token does not have the “%(scope)s” permission.", scope=scope.value),
                )
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorator


def rate_key() -> str:
    """Rate limits count per token (a mission's dashboard behind one address is one client)."""
    token = current_token()
    return f"token:{token.id}" if token is not None else f"address:{request.remote_addr}"
