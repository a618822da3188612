"""The page cache: public pages answered before Flask does any work.

A WSGI layer in front of the app. For a GET of a `@shared_page` route by a reader with no
session or remember-me cookie, it picks the language as Flask would (`i18n.negotiate`),
reads the page version from the database (one indexed row, `PageVersion`) and looks up
`release | version | language | path?query`. A hit is answered from the stored copy with
a fresh Content-Security-Policy nonce (and a 304 when the reader's copy still matches); a
miss goes to Flask, and the response is stored when Flask marked it shareable
(`http_caching.py`) and it sets no cookie.

Why it is never stale: the version is bumped by database triggers in the same transaction
as any change to what public pages show, and read before the page is drawn. A page drawn
from data older than a committed change is stored under the older version, which no
request asks for once the change is committed. When the database cannot be read, nothing
is served from the cache.

Stores: `MemoryStore` (per process, bounded in entries and bytes) or `RedisStore` (shared
by every worker, each entry expiring after PAGE_CACHE_SECONDS).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header, parse_cookie

from observer_portal.extensions import db
from observer_portal.http_caching import (
    CACHE_ENV,
    SHAREABLE_HEADER,
    Stamp,
    code_stamp,
    has_personal_cookie,
    is_modified,
    not_modified_headers,
)
from observer_portal.i18n import LANG_COOKIE, negotiate
from observer_portal.public_content import read_committed_stamp
from observer_portal.security import HSTS, content_security_policy

log = logging.getLogger("observer_portal.page_cache")
ROUTE_MEMO_SIZE = 4096
#: Headers drawn per response, never stored.
PER_RESPONSE = frozenset(
    {"content-security-policy", "strict-transport-security", "date", "server", "set-cookie", SHAREABLE_HEADER.lower()}
)


@dataclass(frozen=True)
class Entry:
    headers: list[tuple[str, str]]
    etag: str
    body: bytes

    def encode(self) -> bytes:
        return json.dumps({"headers": self.headers, "etag": self.etag}).encode() + b"\n" + self.body

    @classmethod
    def decode(cls, blob: bytes) -> Entry:
        head, _, body = blob.partition(b"\n")
        meta = json.loads(head)
        return cls([tuple(pair) for pair in meta["headers"]], meta["etag"], body)


class MemoryStore:
    """Least recently used first out, within `max_entries` and `max_bytes`; thread-safe."""

    def __init__(self, max_entries: int, max_bytes: int, seconds: int) -> None:
        self.max_entries, self.max_bytes, self.seconds = max_entries, max_bytes, seconds
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._entries.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return item[1]

    def put(self, key: str, blob: bytes) -> None:
        if len(blob) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + self.seconds, blob)
            self._bytes += len(blob)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        self._bytes -= len(self._entries.pop(key)[1])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


class RedisStore:
    """Shared by every worker; Redis away means a miss (logged once), never an error page."""

    PREFIX = "portal:page:"

    def __init__(self, url: str, seconds: int) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._errors = redis.RedisError
        self.seconds = seconds
        self._warned = False

    def _failed(self, error: Exception) -> None:
        if not self._warned:
            log.warning("page cache: Redis is not answering (%s); pages are drawn without it", error)
            self._warned = True

    def get(self, key: str) -> bytes | None:
        try:
            blob = self._redis.get(self.PREFIX + key)
        except self._errors as error:
            self._failed(error)
            return None
        self._warned = False
        return blob

    def put(self, key: str, blob: bytes) -> None:
        try:
            self._redis.set(self.PREFIX + key, blob, ex=self.seconds)
        except self._errors as error:
            self._failed(error)

    def clear(self) -> None:
        try:
            for key in self._redis.scan_iter(self.PREFIX + "*", count=500):
                self._redis.delete(key)
        except self._errors as error:
            self._failed(error)


def make_store(app: Flask) -> MemoryStore | RedisStore | None:
    setting = app.config["PAGE_CACHE"]
    if setting == "off":
        return None
    if setting.startswith(("redis://", "rediss://")):
        return RedisStore(setting, app.config["PAGE_CACHE_SECONDS"])
    if setting != "memory":
        raise ValueError(f"PAGE_CACHE must be memory, off or a redis:// URL, not {setting!r}")
    return MemoryStore(
        app.config["PAGE_CACHE_MAX_ENTRIES"], app.config["PAGE_CACHE_MAX_BYTES"], app.config["PAGE_CACHE_SECONDS"]
    )


class PageCache:
    def __init__(self, app: Flask, store: MemoryStore | RedisStore) -> None:
        self.app, self.store, self.next_app = app, store, app.wsgi_app
        self.release, self.released_at = code_stamp(app)
        self.hits = self.misses = 0
        self._routes: dict[str, bool] = {}
        self._engine = None

    def __call__(self, environ, start_response):
        lookup = self._lookup(environ) if environ["REQUEST_METHOD"] in ("GET", "HEAD") else None
        if lookup is None:
            return self.next_app(environ, start_response)
        key, stamp = lookup
        blob = self.store.get(key)
        if blob is not None:
            self.hits += 1
            return self._answer(Entry.decode(blob), stamp, environ, start_response)
        self.misses += 1
        return self._draw_and_keep(key, environ, start_response)

    def _lookup(self, environ) -> tuple[str, Stamp] | None:
        """The cache key of this request, or None when the cache must stay out of it."""
        raw_cookies = environ.get("HTTP_COOKIE", "")
        cookies = parse_cookie(raw_cookies)  # as Flask reads them
        if has_personal_cookie(cookies, self.app.config) or self._personal_name_in(raw_cookies):
            return None
        if not self._shared_route(environ):
            return None
        query = environ.get("QUERY_STRING", "")
        asked = _first_lang(query)
        accept = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        locale, remember = negotiate(asked, cookies.get(LANG_COOKIE), None, accept)
        if remember:  # Flask sets the language cookie on this response: not a cacheable one
            return None
        stamp = self._stamp()
        if stamp is None:
            return None
        environ[CACHE_ENV] = {"locale": locale, "stamp": stamp}
        raw = f"{self.release}|{stamp.version}|{locale}|{environ.get('SCRIPT_NAME', '')}{environ.get('PATH_INFO', '')}?{query}"
        return hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest(), stamp

    def _personal_name_in(self, raw_cookies: str) -> bool:
        """However the header is written, a session cookie's name in it keeps the cache out."""
        config = self.app.config
        return (
            config["SESSION_COOKIE_NAME"] in raw_cookies
            or config.get("REMEMBER_COOKIE_NAME", "remember_token") in raw_cookies
        )

    def _shared_route(self, environ) -> bool:
        """Whether the path is a `@shared_page` route: matched once per path (a bounded memo)."""
        path = environ.get("PATH_INFO", "")
        known = self._routes.get(path)
        if known is None:
            try:
                endpoint, _ = self.app.url_map.bind_to_environ(environ).match()
            except HTTPException:
                endpoint = None
            known = hasattr(self.app.view_functions.get(endpoint or ""), "shared_params")
            if len(self._routes) >= ROUTE_MEMO_SIZE:
                self._routes.clear()
            self._routes[path] = known
        return known

    def _stamp(self) -> Stamp | None:
        """The committed page version (most of what a hit costs). None when the database
        cannot be read: Flask answers then."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return read_committed_stamp(self._engine)

    def _answer(self, entry: Entry, stamp: Stamp, environ, start_response):
        headers = list(entry.headers)
        body = [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]
        status = "200 OK"
        if not is_modified(environ, entry.etag, stamp, self.released_at):
            status, headers, body = "304 Not Modified", not_modified_headers(headers), []
        headers.append(("Content-Security-Policy", content_security_policy(secrets.token_urlsafe(16))))
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(("Strict-Transport-Security", HSTS))
        start_response(status, headers)
        return body

    def _draw_and_keep(self, key: str, environ, start_response):
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            kept = [(name, value) for name, value in headers if name != SHAREABLE_HEADER]
            return start_response(status, kept, exc_info)

        body = self.next_app(environ, capture)
        headers = seen.get("headers", [])
        names = {name.lower() for name, _ in headers}
        if (
            not seen.get("status", "").startswith("200")
            or SHAREABLE_HEADER.lower() not in names
            or "set-cookie" in names
        ):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        stored = [(name, value) for name, value in headers if name.lower() not in PER_RESPONSE]
        etag = next(value for name, value in headers if name.lower() == "etag").strip('"')
        self.store.put(key, Entry(stored, etag, data).encode())
        return [data]


def _first_lang(query: str) -> str | None:
    if "lang=" not in query:
        return None
    from urllib.parse import parse_qsl

    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "lang":
            return value
    return None


def init_page_cache(app: Flask) -> None:
    store = make_store(app)
    app.extensions["page_cache"] = store
    if store is not None:
        app.wsgi_app = PageCache(app, store)  # type: ignore[method-assign]
