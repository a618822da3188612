"""Password hashing and policy, and the HTTP security headers of every response."""

from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, abort, current_app, g, request, session

from observer_portal.api_paths import is_api_request
from observer_portal.lazy_text import _l

MIN_PASSWORD_LENGTH = 8
HSTS = "max-age=31536000; includeSubDomains"
MAX_PASSWORD_LENGTH = 128
# A fixed hash to verify against when the e-mail is unknown, so both failures cost the same.
_DUMMY_PASSWORD = "not-a-real-password-just-for-timing"  # noqa: S105


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, burn the same time and return False."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _dummy_hash() -> str:
    key = "_portal_dummy_hash"
    cached = current_app.extensions.get(key)
    if cached is None:
        cached = current_app.extensions[key] = hash_password(_DUMMY_PASSWORD)
    return cached


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("observer_portal.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Return a (lazily translated) reason the password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    local_part = email.split("@", 1)[0].lower()
    if lowered in common_passwords() or len(set(password)) < 3:
        return _l("This password is too common. Choose a less predictable one.")
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return _l("The password must not contain your e-mail address.")
    return None


def csp_nonce() -> str:
    """Per-request nonce for the few inline scripts we allow (none today)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def template_csp_nonce() -> str:
    """The nonce, written into a page: such a page is never cached (a cached copy would carry
    another response's nonce)."""
    g.nonce_in_page = True
    return csp_nonce()


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    # Pages for a signed-in person carry personal data: never store them in caches. Asked of
    # the session, not the database (a static file or an error page must not need it). The
    # API's person is its token's: a token's answers are never stored; an answer to nobody
    # in particular may be kept a minute by any cache (an ETag tells when it changed).
    if is_api_request():
        if g.get("api_token") is not None or response.status_code >= 400:
            headers["Cache-Control"] = "no-store"
        else:
            headers.setdefault("Cache-Control", "public, max-age=60")
        response.vary.add("Authorization")
    elif session.get("_user_id"):
        headers["Cache-Control"] = "no-store"
    # every page is in a language chosen, maybe, by Accept-Language; one update of the header
    response.vary.update(VARY_STATIC if request.endpoint == "static" else VARY_PAGE)
    return response


VARY_STATIC, VARY_PAGE = ("Cookie",), ("Cookie", "Accept-Language")


def retry_after_an_outage(response):
    """A 503 for a database that is away asks clients to come back in RETRY_AFTER seconds.
    Registered before the rate limiter, so it runs after it: the limiter's own Retry-After
    (its window) must not replace this one."""
    if response.status_code == 503 and g.get("database_down"):
        from observer_portal.errors import RETRY_AFTER

        response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def refuse_nul_bytes():
    """A NUL character is never legitimate input, and PostgreSQL refuses to store or even
    compare it (a 500 found by the form fuzzer): answer 400 before any view runs."""
    values = [*request.args.values(), *(v for v in (request.view_args or {}).values() if isinstance(v, str))]
    if request.method in ("POST", "PUT", "PATCH"):
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400)


def allow_large_uploads():
    """The accreditation list upload may be larger than every other request (MAX_CONTENT_LENGTH):
    set before anything reads the body (the CSRF check does)."""
    if request.endpoint == "accreditations.index" and request.method == "POST":
        from observer_portal.services.accreditation_files import MAX_FILE_BYTES, MiB

        request.max_content_length = max(MAX_FILE_BYTES + MiB, current_app.config["MAX_CONTENT_LENGTH"] or 0)


def init_security(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = template_csp_nonce
