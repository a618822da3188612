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
