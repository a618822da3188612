"""Who may open which view, declared as data on each view and enforced centrally.

Every view carries an `access` declaration (`@public`, `@signed_in` or
`@roles_required(...)`). `enforce_access` runs before every request and fails
closed: a view registered without a declaration makes `create_app` raise, so a
route can never be added and forgotten. Tests walk `view_access(app)` to check
the whole route × role matrix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from observer_portal.extensions import login_manager
from observer_portal.models import Role

log = logging.getLogger("observer_portal.access")

F = TypeVar("F", bound=Callable)
PUBLIC = "public"
SIGNED_IN = "signed_in"
STAFF = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
MANAGERS = (Role.COORDINATOR, Role.ADMIN)
VISITORS = (Role.OBSERVER, Role.MEDIA)

#: Endpoints served by Flask itself or extensions (no personal data behind them): static
#: files, and flask-smorest's OpenAPI document of the API.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static", "api-docs.openapi_json"})


def _declare(view: F, access: str | frozenset[Role]) -> F:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    return _declare(view, PUBLIC)


def signed_in(view: F) -> F:
    return _declare(view, SIGNED_IN)


def roles_required(*roles: Role) -> Callable[[F], F]:
    if not roles:
        raise ValueError("roles_required needs at least one role")

    def decorator(view: F) -> F:
        return _declare(view, frozenset(roles))

    return decorator


def view_access(app: Flask) -> dict[str, str | frozenset[Role]]:
    """Endpoint → declared access, for the whole app."""
    table: dict[str, str | frozenset[Role]] = {}
    for endpoint, view in app.view_functions.items():
        if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
            table[endpoint] = PUBLIC
            continue
        access = getattr(view, "access", None)
        if access is None:
            raise RuntimeError(
                f"view {endpoint!r} declares no access rule (use @public, @signed_in or @roles_required)"
            )
        table[endpoint] = access
    return table


def _access_of(endpoint: str) -> str | frozenset[Role] | None:
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return PUBLIC
    return getattr(current_app.view_functions[endpoint], "access", None)


def _allows(access: str | frozenset[Role] | None, user) -> bool:
    if access == PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    return access == SIGNED_IN or (isinstance(access, frozenset) and user.role in access)


def may_open(endpoint: str) -> bool:
    """Would the current user be let into this view? Menus and links ask this, so a link is
    shown exactly to those its route's declaration admits (one rule, not a copy per template)."""
    return _allows(_access_of(endpoint), current_user)


def enforce_access():
    """`before_request` hook: refuse anonymous (401 → login) and wrong roles (403)."""
    if request.endpoint is None:  # 404 / 405: let Flask answer
        return None
    if request.method == "OPTIONS":  # Flask's own answer: the methods allowed (a browser's CORS preflight)
        return None
    access = _access_of(request.endpoint)
    if _allows(access, current_user):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    log.warning("access refused: user=%s role=%s endpoint=%s", current_user.id, current_user.role, request.endpoint)
    abort(403)


def init_permissions(app: Flask) -> None:
    view_access(app)  # raises if any view lacks a declaration
    app.before_request(enforce_access)
    app.jinja_env.globals.update(Role=Role, may_open=may_open)
