"""equal-treatment figures: a request keeps the mission or outlet and the kind of visitor of
whoever it was filed for, as they were then (a visit copies them too), when someone of the
centre first took it on, and how many times it was handed to someone and given back; filled
here for every request already filed; an index holds every column the reports count

Revision ID: 6a0b8c3d1e42
Revises: 5f9a7b2c0d31
Create Date: 2026-11-26 22:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base

# revision identifiers, used by Alembic.
revision = '6a0b8c3d1e42'
down_revision = '5f9a7b2c0d31'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'assigned', 'in_progress', 'unroutable')")
OPEN_QUEUE = ('ix_service_requests_open_queue', ['centre_id', 'priority', 'needed_by', 'id'])
# the events that mean someone of the centre took the request on (services/assistance.py)
RESPONSES = ('claim', 'assign', 'start', 'complete')
REPORT_COLUMNS = ['election_id', 'centre_id', 'created_at', 'organisation_id', 'visitor_kind', 'kind', 'status',
                  'first_response_at', 'completed_at', 'handovers', 'declines']


def _keep_open_queue_partial():
    """A batch rebuild on SQLite may recreate the partial index without its WHERE: recreate it."""
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index(OPEN_QUEUE[0], table_name='service_requests')
        op.create_index(OPEN_QUEUE[0], 'service_requests', OPEN_QUEUE[1], sqlite_where=OPEN)


def upgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('visitor_kind', sa.Enum('observer', 'media', name='visitor_kind',
                                                              native_enum=False, create_constraint=True,
                                                              length=20), nullable=True))
        batch_op.add_column(sa.Column('first_response_at', observer_portal.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('handovers', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('declines', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_service_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_service_requests_organisation_id_organisations'),
                                    'organisations', ['organisation_id'], ['id'])
    _keep_open_queue_partial()
    # one statement per column, set-based: the profile the request was filed for, else the
    # requester's own profile
    op.execute("""
        UPDATE service_requests SET
          organisation_id = (SELECT p.organisation_id FROM visitor_profiles p
                             WHERE p.id = service_requests.visitor_id
                                OR (service_requests.visitor_id IS NULL AND p.user_id = service_requests.requester_id)),
          visitor_kind = (SELECT p.kind FROM visitor_profiles p
                          WHERE p.id = service_requests.visitor_id
                             OR (service_requests.visitor_id IS NULL AND p.user_id = service_requests.requester_id))
    """)
    responses = ", ".join(f"'{action}'" for action in RESPONSES)
    op.execute(f"""
        UPDATE service_requests SET first_response_at = (
          SELECT min(e.created_at) FROM request_events e
          WHERE e.request_id = service_requests.id AND e.action IN ({responses}) AND e.actor_id IS NOT NULL)
    """)
    op.execute("""
        UPDATE service_requests SET
          handovers = (SELECT count(*) FROM request_events e
                       WHERE e.request_id = service_requests.id AND e.action IN ('claim', 'assign', 'routed')),
          declines = (SELECT count(*) FROM request_events e
                      WHERE e.request_id = service_requests.id AND e.action = 'decline')
    """)
    op.create_index('ix_request_events_action', 'request_events', ['action', 'request_id'])
    op.create_index('ix_service_requests_completed', 'service_requests',
                    ['election_id', 'centre_id', 'completed_at', 'status'])
    # the election-and-centre index grows into one the reports read alone (no table access)
    op.drop_index('ix_service_requests_election_centre', table_name='service_requests')
    op.create_index('ix_service_requests_report', 'service_requests', REPORT_COLUMNS)


def downgrade():
    op.drop_index('ix_service_requests_report', table_name='service_requests')
    op.drop_index('ix_service_requests_completed', table_name='service_requests')
    op.create_index('ix_service_requests_election_centre', 'service_requests', ['election_id', 'centre_id', 'created_at'])
    op.drop_index('ix_request_events_action', table_name='request_events')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if not sqlite:
        op.execute('ALTER TABLE service_requests DROP CONSTRAINT IF EXISTS ck_service_requests_visitor_kind')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        if sqlite:  # the table is rebuilt from its reflected CHECKs: this one names a dropped column
            batch_op.drop_constraint(op.f('ck_service_requests_visitor_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_service_requests_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_service_requests_organisation_id'))
        batch_op.drop_column('declines')
        batch_op.drop_column('handovers')
        batch_op.drop_column('first_response_at')
        batch_op.drop_column('visitor_kind')
        batch_op.drop_column('organisation_id')
    _keep_open_queue_partial()
