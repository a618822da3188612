"""elections as data: a name per language, voting day, the days the centres serve, the
retention period, a state (one active at a time); the audit trail records election changes

Revision ID: 6e0b7c3d1a92
Revises: 3f8c2d6a9e41
Create Date: 2026-11-26 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '6e0b7c3d1a92'
down_revision = '3f8c2d6a9e41'
branch_labels = None
depends_on = None

AUDIT_ACTIONS = (
    'login.succeeded', 'login.failed', 'account.signed_up', 'account.created', 'account.updated',
    'account.role_changed', 'account.centre_changed', 'account.password_changed', 'account.activated',
    'account.deactivated', 'volunteer.on_duty', 'volunteer.off_duty', 'visit.registered', 'visits.exported',
    'visits.anonymised', 'visitor.updated', 'visitor.merged', 'equipment.created', 'equipment.updated',
    'equipment.checked_out', 'equipment.checked_in', 'briefing.created', 'briefing.updated', 'briefing.published',
    'briefing.unpublished', 'briefing.translation_saved', 'briefing.machine_draft', 'briefing.restored',
)
ELECTION_ACTIONS = ('election.created', 'election.updated', 'election.activated', 'election.closed')
ACTIVE_ONLY = sa.text("state = 'active'")


def _in(column, values):
    return column + " IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table(
        'elections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('names', sa.JSON(), nullable=False),
        sa.Column('voting_day', sa.Date(), nullable=False),
        sa.Column('serves_from', sa.Date(), nullable=False),
        sa.Column('serves_to', sa.Date(), nullable=False),
        sa.Column('retention_days', sa.Integer(), nullable=False),
        sa.Column('state', sa.Enum('preparing', 'active', 'closed', name='election_state', native_enum=False,
                                   create_constraint=True, length=20), nullable=False),
        sa.Column('created_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint('serves_from <= serves_to', name=op.f('ck_elections_serves_in_order')),
        sa.CheckConstraint('retention_days >= 0', name=op.f('ck_elections_retention_not_negative')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_elections')),
    )
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.create_index('uq_elections_one_active', ['state'], unique=True,
                              sqlite_where=ACTIVE_ONLY, postgresql_where=ACTIVE_ONLY)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_events_audit_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_events_audit_action'),
                                         _in('action', AUDIT_ACTIONS + ELECTION_ACTIONS))


def downgrade():
    op.execute("DELETE FROM audit_events WHERE " + _in('action', ELECTION_ACTIONS))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_events_audit_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_events_audit_action'), _in('action', AUDIT_ACTIONS))
    op.drop_table('elections')
