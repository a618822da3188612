"""Public pages that caches may hold, and when they may not.

A page declared `@shared_page` (the home page, the briefings list, a briefing) and drawn for
a reader who is not signed in and carries no session is the same for every such reader in
that language. It is sent without a cookie, with `Cache-Control: public` (a shared cache
in front may keep it `SHARED_CACHE_SECONDS`; browsers revalidate every time), `Vary:
Accept-Language, Cookie`, an `ETag` (a hash of the body) and a `Last-Modified`, and a
conditional request that still matches is answered 304. Such a page is also what
`page_cache.py` stores, keyed on the page version the database keeps (`PageVersion`).

Any sign of a person (a session or remember-me cookie, a signed-in user, a message waiting
in the session, a nonce written into the page) makes a response personal: it is never
marked shareable, and signed-in pages say `no-store` (`security.py`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.http import is_resource_modified

from observer_portal.models import PageVersion

F = TypeVar("F", bound=Callable)
#: Set by the page cache for a request it may store: {"key", "locale", "stamp"}.
CACHE_ENV = "portal.page_cache"
#: On a response the page cache may store; removed before the response leaves.
SHAREABLE_HEADER = "X-Portal-Shareable"
#: Headers of a 200 a 304 does not repeat (RFC 9110 §15.4.5).
BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding", "content-language"})


@dataclass(frozen=True)
class Stamp:
    """The page version and the Unix time of the last change to public content."""

    version: int
    changed_at: int


def shared_page(*params: str) -> Callable[[F], F]:
    """Declare a public page the same for every reader who is not signed in. `params` are the
    query parameters it reads (`lang` always): any other makes the request uncacheable, so
    made-up parameters cannot fill the cache."""

    def decorator(view: F) -> F:
        from observer_portal.extensions import limiter

        view.shared_params = frozenset(params) | {"lang"}  # type: ignore[attr-defined]
        return limiter.exempt(view)  # a page for everyone, no per-person limit to count

    return decorator


def read_stamp(session_: Session) -> Stamp | None:
    row = session_.execute(select(PageVersion.version, PageVersion.changed_at).where(PageVersion.id == 1)).first()
    return Stamp(row.version, row.changed_at) if row else None


def has_personal_cookie(cookies, config) -> bool:
    """A session or remember-me cookie: the request may be a person's."""
    return config["SESSION_COOKIE_NAME"] in cookies or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies


def etag_of(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


@cache
def _code_stamp(root: str) -> tuple[str, int]:
    """A name and a time for this release of the code, templates and catalogs: cached pages
    of another release are never served, and a page drawn before it is "modified since"."""
    digest = hashlib.blake2b(digest_size=8)
    newest = 0
    for folder in ("observer_portal", "templates", "translations"):
        for dirpath, dirnames, filenames in os.walk(Path(root) / folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".html", ".mo", ".css")):
                    stat = os.stat(os.path.join(dirpath, name))
                    digest.update(f"{dirpath}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
                    newest = max(newest, int(stat.st_mtime))
    return digest.hexdigest(), newest


def code_stamp(app: Flask) -> tuple[str, int]:
    stamp = app.extensions.get("code_stamp")
    if stamp is None:
        stamp = app.extensions["code_stamp"] = _code_stamp(str(Path(app.root_path).parent))
    return stamp


def is_modified(environ: dict, etag: str, stamp: Stamp, released_at: int) -> bool:
    """Whether a conditional GET must get the page. `If-None-Match` decides when sent; else
    `If-Modified-Since` must be later than the second of the last change (and of this
    release): a page drawn in that same second may predate the change. A page's
    Last-Modified is the last change it was drawn from, so a client that sends it back
    gets the page again (never a wrong 304); one that sends a later date gets 304 only
    when nothing changed since."""
    last_change = datetime.fromtimestamp(max(stamp.changed_at, released_at) + 1, UTC)
    return is_resource_modified(environ, etag=etag, last_modified=last_change)


def not_modified_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name.lower() not in BODY_HEADERS]


def _shareable(response) -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    params = getattr(view, "shared_params", None)
    return (
        params is not None
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "text/html"
        and "Set-Cookie" not in response.headers  # the language cookie, for one
        and set(request.args) <= params
        and not has_personal_cookie(request.cookies, current_app.config)
        and not current_user.is_authenticated
        and not session  # a message waiting, a form's token: personal
        and not g.get("nonce_in_page")
        and not g.get("database_down")
        and not g.get("uow_discarded")
        and not g.get("refused_filters")  # answered 400 later (unit_of_work.refused_form_status)
    )


def share_public_page(response):
    """`after_request`: headers, ETag and 304 for a shareable page; mark it for the page cache."""
    if not _shareable(response):
        return response
    from observer_portal.public_content import request_stamp

    cache_entry = request.environ.get(CACHE_ENV)
    stamp = request_stamp()
    if stamp is None:
        return response
    etag = etag_of(response.get_data())
    response.set_etag(etag)
    # the last change the page was drawn from (read before drawing), not the drawing time: a
    # page drawn while a change was being committed must not look newer than that change
    response.last_modified = datetime.fromtimestamp(max(stamp.changed_at, code_stamp(current_app)[1]), UTC)
    # the header written once (each attribute of `cache_control` rewrites it)
    response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={current_app.config['SHARED_CACHE_SECONDS']}"
    response.vary.update(("Accept-Language", "Cookie"))
    if not is_modified(request.environ, etag, stamp, code_stamp(current_app)[1]):
        response.status_code = 304
        response.set_data(b"")
        for name in BODY_HEADERS:
            response.headers.pop(name, None)
        return response
    if cache_entry and cache_entry["locale"] == str(get_locale()) and request.method == "GET":
        response.headers[SHAREABLE_HEADER] = "1"
    return response


def init_http_caching(app: Flask) -> None:
    app.after_request(share_public_page)
