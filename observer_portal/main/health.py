"""Liveness and readiness probes for load balancers and process supervisors."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, jsonify
from flask_migrate import Migrate
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from observer_portal.extensions import db, limiter
from observer_portal.main import bp
from observer_portal.permissions import public


@bp.get("/healthz")
@public
@limiter.exempt
def healthz():
    """The process is up and serving requests (no database access)."""
    return jsonify(status="ok")


def _head_revisions() -> set[str]:
    """The newest migration(s) shipped with this code; read once per process."""
    cached = current_app.extensions.get("portal_migration_heads")
    if cached is None:
        state = current_app.extensions["migrate"]
        migrate: Migrate = state.migrate
        config = migrate.get_config(state.directory)
        cached = current_app.extensions["portal_migration_heads"] = frozenset(
            ScriptDirectory.from_config(config).get_heads()
        )
    return set(cached)


def _rate_limit_store() -> str:
    """ "ok" (the shared store answers), "memory" (it does not: each process counts alone,
    which still limits but less strictly) or "local" (configured to count in memory)."""
    if current_app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        return "local"
    try:
        return "ok" if limiter.storage.check() else "memory"
    except Exception:  # a store that is away may raise instead of answering False
        return "memory"


def _queue() -> str:
    """ "ok", "unreachable" (jobs wait in the outbox rows; the sweep queues them once it is
    back) or "in-process" (JOB_QUEUE_URL=immediate)."""
    queue = current_app.extensions["jobs"].queue
    if queue.immediate:
        return "in-process"
    try:
        queue.pending_count()
    except Exception:
        return "unreachable"
    return "ok"


def _unavailable(**parts):
    from observer_portal.errors import RETRY_AFTER

    response = jsonify(status="unavailable", **parts)
    response.status_code = 503
    response.headers.update({"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"})
    return response


@bp.get("/readyz")
@public
@limiter.exempt
def readyz():
    """Each part on its own: the database and its schema (without them nothing works: 503),
    the rate-limit store and the job queue (without them the portal works, degraded: 200)."""
    parts = {"rate_limits": _rate_limit_store(), "queue": _queue()}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return _unavailable(database="unreachable", migrations="unknown", **parts)
    if current != _head_revisions():
        return _unavailable(database="ok", migrations="behind", **parts)
    degraded = parts["rate_limits"] == "memory" or parts["queue"] == "unreachable"
    return jsonify(status="degraded" if degraded else "ok", database="ok", migrations="head", **parts)
