"""what happens at the centres belongs to an election: visits, requests (and so their
translation work), loans and visitor profiles carry the election they happened in; rows
already there get the election whose serving days hold them; an election remembers when
its visitors' personal data was erased

Revision ID: 8d2e0f5a3c64
Revises: 7c1d9e4f2b53
Create Date: 2026-11-26 11:30:00

"""
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from alembic import op

import observer_portal.models.base

# revision identifiers, used by Alembic.
revision = '8d2e0f5a3c64'
down_revision = '7c1d9e4f2b53'
branch_labels = None
depends_on = None

#: table → the moment that places a row in an election's serving days
TABLES = {'visits': 'arrived_at', 'service_requests': 'created_at', 'loans': 'out_at', 'visitor_profiles': 'created_at'}
INDEXES = {
    'visits': ('ix_visits_election_centre_arrived', ['election_id', 'centre_id', 'arrived_at', 'id']),
    'service_requests': ('ix_service_requests_election_centre', ['election_id', 'centre_id', 'created_at']),
    'loans': ('ix_loans_election_id', ['election_id']),
    'visitor_profiles': ('ix_visitor_profiles_election_id', ['election_id']),
}
SLACK = timedelta(hours=12)  # the centres' local days, whatever their time zone


def upgrade():
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', observer_portal.models.base.UTCDateTime(), nullable=True))
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('election_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f(f'fk_{table}_election_id_elections'), 'elections', ['election_id'], ['id'])
            name, columns = INDEXES[table]
            batch_op.create_index(name, columns, unique=False)
    connection = op.get_bind()
    elections = connection.execute(sa.text('SELECT id, serves_from, serves_to FROM elections ORDER BY voting_day')).all()
    for table, moment in TABLES.items():
        rows = sa.table(table, sa.column('election_id', sa.Integer),
                        sa.column(moment, observer_portal.models.base.UTCDateTime()))
        for election_id, serves_from, serves_to in elections:
            if isinstance(serves_from, str):  # SQLite hands dates back as text
                serves_from, serves_to = (datetime.strptime(d, '%Y-%m-%d').date() for d in (serves_from, serves_to))
            start = datetime.combine(serves_from, time.min, tzinfo=UTC) - SLACK
            end = datetime.combine(serves_to + timedelta(days=1), time.min, tzinfo=UTC) + SLACK
            connection.execute(
                sa.update(rows)
                .where(rows.c.election_id.is_(None), rows.c[moment] >= start, rows.c[moment] < end)
                .values(election_id=election_id)
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(INDEXES[table][0])
            batch_op.drop_constraint(op.f(f'fk_{table}_election_id_elections'), type_='foreignkey')
            batch_op.drop_column('election_id')
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
