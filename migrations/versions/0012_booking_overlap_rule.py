"""the database refuses overlapping bookings of one interpreter: an exclusion constraint on
PostgreSQL, triggers on SQLite (the same rule the routing checks under a row lock)

Revision ID: 4f6a0b9d2e71
Revises: 9c2e7f4a1d05
Create Date: 2026-11-26 05:00:00

"""
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '4f6a0b9d2e71'
down_revision = '9c2e7f4a1d05'
branch_labels = None
depends_on = None

OVERLAP = """
    SELECT RAISE(ABORT, 'interpretation_bookings_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM interpretation_bookings AS other
        WHERE other.volunteer_id = NEW.volunteer_id AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at
    );
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")  # a trusted extension: = on integers in GiST
        op.execute(
            "ALTER TABLE interpretation_bookings ADD CONSTRAINT interpretation_bookings_no_overlap "
            "EXCLUDE USING gist (volunteer_id WITH =, tstzrange(starts_at, ends_at) WITH &&)"
        )
    else:
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER interpretation_bookings_no_overlap_{event.lower()} "
                f"BEFORE {event} ON interpretation_bookings FOR EACH ROW BEGIN {OVERLAP} END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE interpretation_bookings DROP CONSTRAINT interpretation_bookings_no_overlap")
    else:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER interpretation_bookings_no_overlap_{event}")
