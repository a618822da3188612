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


@bp.get("/readyz")
@public
@limiter.exempt
def readyz():
    """The database answers and its schema is at the newest migration: safe to send traffic."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    expected = _head_revisions()
    if current != expected:
        return jsonify(status="unavailable", database="ok", migrations="behind"), 503
    return jsonify(status="ok", database="ok", migrations="head")
