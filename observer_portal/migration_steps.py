"""Steps several migrations take, written once. The values each revision allows stay in that
revision (a migration is a snapshot: later code must not change what an old one did); how a
list of allowed values becomes a CHECK constraint, and how the audit trail's is replaced, is
the same every time."""

from __future__ import annotations

from collections.abc import Iterable


def one_of(column: str, values: Iterable[str]) -> str:
    """SQL: `column IN ('a', 'b')` for a CHECK constraint or a DELETE."""
    return column + " IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def allow_audit_actions(op, actions: Iterable[str]) -> None:
    """Replace the audit trail's CHECK with these actions (SQLite rebuilds the table)."""
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_events_audit_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_audit_events_audit_action"), one_of("action", actions))


def forget_audit_actions(op, actions: Iterable[str]) -> None:
    """Downgrades: the events of actions the older schema does not know go first."""
    op.execute("DELETE FROM audit_events WHERE " + one_of("action", actions))  # noqa: S608 - our own constant names


_SQLITE_BUMP = (
    "UPDATE page_versions SET version = version + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = 1"
)
_PG_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION bump_page_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE page_versions SET version = version + 1,
        changed_at = CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT) WHERE id = 1;
    RETURN NULL;
END $$
"""
_SQLITE_EVENTS = ("insert", "update", "delete")


def watch_public_tables(op, tables: Iterable[str]) -> None:
    """(Re)create the triggers that add one to `page_versions.version` on every write to
    `tables`, in the writing transaction. SQLite drops a table's triggers with the table, and
    a batch migration rebuilds the table: a migration that alters one of these tables on
    SQLite calls this again at its end (tests/test_page_cache.py checks every table)."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(_PG_BUMP_FUNCTION)
    for table in tables:
        if postgresql:  # once per statement; TRUNCATE included
            op.execute(f"DROP TRIGGER IF EXISTS page_version_{table} ON {table}")
            op.execute(
                f"CREATE TRIGGER page_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_page_version()"
            )
            continue
        for event in _SQLITE_EVENTS:  # SQLite has row triggers only
            op.execute(f"DROP TRIGGER IF EXISTS page_version_{table}_{event}")
            op.execute(
                f"CREATE TRIGGER page_version_{table}_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN {_SQLITE_BUMP}; END"
            )


def unwatch_public_tables(op, tables: Iterable[str]) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS page_version_{table} ON {table}")
        else:
            for event in _SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS page_version_{table}_{event}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS bump_page_version()")


#: Made by migrations for searching, not described by the models: the FTS5 tables on SQLite
#: (with their shadow tables) and the trigram indexes on PostgreSQL (migration 0027).
SEARCH_TABLE_PREFIXES = ("visitor_text", "visit_notes_text")


def modelled(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's `include_object`: what autogenerate and the schema test compare."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIXES):
        return False
    return not (type_ == "index" and name and name.endswith("_trgm"))
