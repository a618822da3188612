"""What public pages read — the active election, the open centres, the published briefings
— kept per process for the page version it was read at.

Every page shows the active election; public pages show centres and briefings. These change
a few times a day and are read on every request, so each worker keeps what it read, keyed
by the committed page version (`PageVersion`, bumped by database triggers in the writing
transaction). The version is read first, on its own connection; the content after it, in a
session of its own that is closed at once, so the objects kept are detached with everything
the pages need already loaded. Content read after a newer change was committed is kept
under the older version, which no request asks for once it reads the new one: nothing is
ever served from an older version than the one committed when the request began.

Off (CONTENT_CACHE=0, and in tests that roll their transaction back) every read goes to the
request's own session, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from observer_portal.extensions import db
from observer_portal.http_caching import CACHE_ENV, Stamp, read_stamp

T = TypeVar("T")
STAMP_SQL = "SELECT version, changed_at FROM page_versions WHERE id = 1"


def read_committed_stamp(engine) -> Stamp | None:
    """The committed page version, on a pooled DBAPI connection (no ORM: the page cache reads
    it for every hit). None when the database cannot be read."""
    try:
        connection = engine.raw_connection()
    except Exception:  # noqa: BLE001 - SQLAlchemy's or the driver's: the caller reads as usual
        return None
    try:
        cursor = connection.cursor()
        cursor.execute(STAMP_SQL)
        row = cursor.fetchone()
        cursor.close()
    except Exception:  # noqa: BLE001
        connection.invalidate()
        return None
    finally:
        connection.close()
    return Stamp(int(row[0]), int(row[1])) if row else None


class PublicContent:
    def __init__(self, app: Flask, max_items: int = 1000) -> None:
        self.app, self.max_items = app, max_items
        self._engine = None
        self._version: int | None = None
        self._items: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    @property
    def engine(self):
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    def stamp(self) -> Stamp | None:
        """The committed version, once per request (the page cache's, when it read one)."""
        if not has_request_context():
            return read_committed_stamp(self.engine)
        if "public_stamp" not in g:
            entry = request.environ.get(CACHE_ENV)
            g.public_stamp = entry["stamp"] if entry else read_committed_stamp(self.engine)
        return g.public_stamp

    def get(self, key: Hashable, load: Callable[[Session], T]) -> T:
        stamp = self.stamp()
        if stamp is None:  # the version cannot be read: read as if there were no cache
            return load(db.session)
        with self._lock:
            if self._version != stamp.version:
                self._items.clear()
                self._version = stamp.version
            if key in self._items:
                return self._items[key]  # type: ignore[return-value]
        with Session(self.engine, expire_on_commit=False) as session:  # closing keeps what was loaded
            value = load(session)
        with self._lock:
            if self._version == stamp.version and len(self._items) < self.max_items:
                self._items[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._version = None


def cached(key: Hashable, load: Callable[[Session], T]) -> T:
    """`load(session)` once per page version and process, or on the request's session when
    the content cache is off. What `load` returns must not need its session afterwards."""
    content = current_app.extensions.get("public_content")
    return content.get(key, load) if content is not None else load(db.session)


def request_stamp() -> Stamp | None:
    """The page version for this request's ETag and Last-Modified: the committed one when the
    content cache keeps copies, else as the request's own session sees it."""
    content = current_app.extensions.get("public_content")
    return content.stamp() if content is not None else read_stamp(db.session)


def init_public_content(app: Flask) -> None:
    app.extensions["public_content"] = PublicContent(app) if app.config["CONTENT_CACHE"] else None
