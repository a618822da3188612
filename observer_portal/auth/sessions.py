"""Session rules: token-based user loading, absolute timeout, a fresh session on login.

Flask's signed-cookie session cannot be revoked by itself, so the session stores the
user's rotating `session_token` (see `User.get_id`). Logging out, changing the password
or being deactivated rotates the token, and every cookie holding the old one stops
working (ASVS 7.4.1–7.4.3). The idle timeout is `PERMANENT_SESSION_LIFETIME`, refreshed
on each request; the absolute timeout is checked here.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user
from sqlalchemy import select

from observer_portal.api_paths import is_api_request
from observer_portal.errors import render_error, wants_json
from observer_portal.extensions import db, login_manager
from observer_portal.http_caching import has_personal_cookie
from observer_portal.i18n import USER_LOCALE_KEY, remember_explicit_locale
from observer_portal.lazy_text import _l
from observer_portal.models import User

AUTH_AT = "auth_at"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    if not token:
        return None
    return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))


def nobody_without_a_cookie() -> None:
    """`before_request`: a page request that carries no session or remember-me cookie is
    nobody's. Flask-Login would find that out on every anonymous page by reading the empty
    session, hashing the address and browser for session protection and sending its signals;
    the request's person is set to nobody at once instead (the API's: its token decides)."""
    if not is_api_request() and not has_personal_cookie(request.cookies, current_app.config):
        g._login_user = login_manager.anonymous_user()


def start_session(user: User) -> None:
    """Replace whatever session the browser had with a new, authenticated one (the chosen
    language is a cookie of its own: it stays)."""
    session.clear()
    session.permanent = True
    login_user(user)
    session[AUTH_AT] = int(time.time())
    if user.preferred_locale:  # their language, for pages shown while the database is away
        session[USER_LOCALE_KEY] = user.preferred_locale


def end_session() -> None:
    logout_user()
    session.clear()


def _enforce_absolute_timeout():
    """Read from the session alone (no database): a static file or a probe never needs the
    database, even for a signed-in person, and an outage does not turn them into errors."""
    if is_api_request() or not session.get("_user_id"):  # the API reads no session; nobody signed in
        return None
    started = session.get(AUTH_AT, 0)
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if time.time() - started <= limit:
        return None
    end_session()
    flash(_l("Your session has ended. Please sign in again."), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


@login_manager.unauthorized_handler
def unauthorized():
    """401 for API clients; browsers go to the sign-in page and come back afterwards."""
    if is_api_request():
        return render_error(401, _l("This needs a personal access token, sent as “Authorization: Bearer …”."))
    if wants_json() or request.method != "GET":
        return render_error(401)
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session that builds no signer for a request without a session
    cookie (every reader who is not signed in, on every public page), and that the API
    neither reads nor sends (not even to slide a cookie's expiry forward)."""

    def should_set_cookie(self, app, session) -> bool:
        return not is_api_request() and super().should_set_cookie(app, session)

    def save_session(self, app, session, response) -> None:
        if not is_api_request():
            super().save_session(app, session, response)

    def open_session(self, app, request):
        if is_api_request():  # the API reads no session (a Bearer token is its credential)
            return self.session_class()
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_sessions(app: Flask) -> None:
    app.session_interface = CookieSessions()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.before_request(remember_explicit_locale)
    app.before_request(_enforce_absolute_timeout)
