"""visit counts: each visit's local day at its centre, and a table of visits counted per
centre, election, local day, organisation, visitor kind, volunteer and purpose, kept by
triggers in the transaction of every write to visits and their purposes (the visit log's
totals, chart and summary read it instead of every visit)

Revision ID: 2c6d4e9f7a08
Revises: 1b5c3d8e6f97
Create Date: 2026-11-26 14:00:00

"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2c6d4e9f7a08'
down_revision = '1b5c3d8e6f97'
branch_labels = None
depends_on = None

KEY = 'centre_id, election_id, day, organisation_id, visitor_kind, registered_by_id, purpose'


def _key(row: str) -> str:
    """The key columns of a visit row (NEW, OLD or the visits table itself), NULLs as 0."""
    return (
        f'{row}.centre_id, coalesce({row}.election_id, 0), {row}.local_day, coalesce({row}.organisation_id, 0), '
        f'{row}.visitor_kind, coalesce({row}.registered_by_id, 0)'
    )


def _add(row: str, purposes: str) -> str:
    """Count the visit `row` once under "*" and under each of `purposes` (a SELECT of purpose)."""
    return (
        f'INSERT INTO visit_counts ({KEY}, visits) '
        f"SELECT {_key(row)}, p.purpose, 1 FROM (SELECT '*' AS purpose UNION ALL {purposes}) AS p WHERE true "
        f'ON CONFLICT ({KEY}) DO UPDATE SET visits = visit_counts.visits + 1'
    )


def _remove(row: str, purposes: str) -> str:
    return (
        f'UPDATE visit_counts SET visits = visits - 1 '
        f'WHERE ({KEY.replace(", purpose", "")}) = ({_key(row)}) '
        f"AND (purpose = '*' OR purpose IN ({purposes}))"
    )


def _purpose_key(row: str) -> str:
    """The key of a visit_purposes row, read from its visit (no row once the visit is gone)."""
    return f'(SELECT {_key("v")} FROM visits AS v WHERE v.id = {row}.visit_id)'


def _add_purpose(row: str) -> str:
    return (
        f'INSERT INTO visit_counts ({KEY}, visits) '
        f'SELECT {_key("v")}, {row}.purpose, 1 FROM visits AS v WHERE v.id = {row}.visit_id '
        f'ON CONFLICT ({KEY}) DO UPDATE SET visits = visit_counts.visits + 1'
    )


def _remove_purpose(row: str) -> str:
    return (
        f'UPDATE visit_counts SET visits = visits - 1 '
        f'WHERE purpose = {row}.purpose AND ({KEY.replace(", purpose", "")}) = {_purpose_key(row)}'
    )


def _purposes_of(visit_id: str) -> str:
    return f'SELECT purpose FROM visit_purposes WHERE visit_id = {visit_id}'


KEY_COLUMNS = 'centre_id, election_id, local_day, organisation_id, visitor_kind, registered_by_id'


def _sqlite_triggers() -> list[str]:
    return [
        f'CREATE TRIGGER visit_counts_visit_insert AFTER INSERT ON visits BEGIN '
        f"{_add('NEW', _purposes_of('NEW.id'))}; END",
        # before the row goes: its purposes are still there, whether the ORM deletes them first
        # or the foreign key's cascade after (their own trigger then finds no visit)
        f'CREATE TRIGGER visit_counts_visit_delete BEFORE DELETE ON visits BEGIN '
        f"{_remove('OLD', _purposes_of('OLD.id'))}; END",
        f'CREATE TRIGGER visit_counts_visit_update AFTER UPDATE OF {KEY_COLUMNS} ON visits BEGIN '
        f"{_remove('OLD', _purposes_of('OLD.id'))}; {_add('NEW', _purposes_of('NEW.id'))}; END",
        f"CREATE TRIGGER visit_counts_purpose_insert AFTER INSERT ON visit_purposes BEGIN {_add_purpose('NEW')}; END",
        f"CREATE TRIGGER visit_counts_purpose_delete AFTER DELETE ON visit_purposes BEGIN {_remove_purpose('OLD')}; END",
        f'CREATE TRIGGER visit_counts_purpose_update AFTER UPDATE ON visit_purposes BEGIN '
        f"{_remove_purpose('OLD')}; {_add_purpose('NEW')}; END",
    ]


def _postgresql_triggers() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION visit_counts_on_visit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        {_remove('OLD', _purposes_of('OLD.id'))};
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        {_remove('OLD', _purposes_of('OLD.id'))};
    END IF;
    {_add('NEW', _purposes_of('NEW.id'))};
    RETURN NULL;
END $$""",
        f"""CREATE OR REPLACE FUNCTION visit_counts_on_purpose() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_remove_purpose('OLD')};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_add_purpose('NEW')};
    END IF;
    RETURN NULL;
END $$""",
        'CREATE TRIGGER visit_counts_visit_delete BEFORE DELETE ON visits FOR EACH ROW EXECUTE FUNCTION visit_counts_on_visit()',
        f'CREATE TRIGGER visit_counts_visit_write AFTER INSERT OR UPDATE OF {KEY_COLUMNS} ON visits '
        'FOR EACH ROW EXECUTE FUNCTION visit_counts_on_visit()',
        'CREATE TRIGGER visit_counts_purpose_write AFTER INSERT OR UPDATE OR DELETE ON visit_purposes '
        'FOR EACH ROW EXECUTE FUNCTION visit_counts_on_purpose()',
    ]


def _fill_local_days() -> None:
    """Each visit's arrival as a date at its centre (its time zone then)."""
    bind = op.get_bind()
    zones = dict(bind.execute(sa.text('SELECT id, timezone FROM centres')).all())
    rows = bind.execute(sa.text('SELECT id, centre_id, arrived_at FROM visits')).all()
    for start in range(0, len(rows), 5000):
        batch = []
        for visit_id, centre_id, arrived_at in rows[start : start + 5000]:
            if isinstance(arrived_at, str):
                arrived_at = datetime.fromisoformat(arrived_at)
            if arrived_at.tzinfo is None:
                arrived_at = arrived_at.replace(tzinfo=UTC)
            batch.append({'id': visit_id, 'day': arrived_at.astimezone(ZoneInfo(zones[centre_id])).date()})
        bind.execute(sa.text('UPDATE visits SET local_day = :day WHERE id = :id'), batch)


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('local_day', sa.Date(), nullable=True))
    _fill_local_days()
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.alter_column('local_day', existing_type=sa.Date(), nullable=False)
    op.create_table(
        'visit_counts',
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('visitor_kind', sa.String(length=20), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('visits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            'centre_id', 'election_id', 'day', 'organisation_id', 'visitor_kind', 'registered_by_id', 'purpose',
            name=op.f('pk_visit_counts'),
        ),
    )
    op.execute(
        f'INSERT INTO visit_counts ({KEY}, visits) '
        f"SELECT {_key('v')}, p.purpose, count(*) FROM visits AS v "
        f"JOIN (SELECT id AS visit_id, '*' AS purpose FROM visits UNION ALL SELECT visit_id, purpose FROM visit_purposes) AS p "
        f'ON p.visit_id = v.id GROUP BY {_key("v")}, p.purpose'
    )
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS visit_counts_visit_delete ON visits')
        op.execute('DROP TRIGGER IF EXISTS visit_counts_visit_write ON visits')
        op.execute('DROP TRIGGER IF EXISTS visit_counts_purpose_write ON visit_purposes')
        op.execute('DROP FUNCTION IF EXISTS visit_counts_on_visit()')
        op.execute('DROP FUNCTION IF EXISTS visit_counts_on_purpose()')
    else:
        for name in ('visit_insert', 'visit_delete', 'visit_update', 'purpose_insert', 'purpose_delete', 'purpose_update'):
            op.execute(f'DROP TRIGGER IF EXISTS visit_counts_{name}')
    op.drop_table('visit_counts')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('local_day')
