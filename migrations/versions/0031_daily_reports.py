"""daily centre reports: a coordinator's notes per centre and day, the addresses the report
is sent to (with their language), the days already sent; the audit trail records notes and
subscriptions

Revision ID: 7b1c9d4e2f53
Revises: 6a0b8c3d1e42
Create Date: 2026-11-26 23:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base
from observer_portal.migration_steps import allow_audit_actions, forget_audit_actions

# revision identifiers, used by Alembic.
revision = '7b1c9d4e2f53'
down_revision = '6a0b8c3d1e42'
branch_labels = None
depends_on = None

BEFORE = (
    'login.succeeded', 'login.failed', 'account.signed_up', 'account.created', 'account.updated',
    'account.role_changed', 'account.centre_changed', 'account.password_changed', 'account.activated',
    'account.deactivated', 'volunteer.on_duty', 'volunteer.off_duty', 'visit.registered', 'visits.exported',
    'visits.anonymised', 'visitor.updated', 'visitor.merged', 'equipment.created', 'equipment.updated',
    'equipment.checked_out', 'equipment.checked_in', 'briefing.created', 'briefing.updated', 'briefing.published',
    'briefing.unpublished', 'briefing.translation_saved', 'briefing.machine_draft', 'briefing.restored',
    'election.created', 'election.updated', 'election.activated', 'election.closed',
    'centre.created', 'centre.updated', 'centre.deactivated', 'centre.reactivated', 'election.erased',
    'organisation.created', 'organisation.updated', 'organisation.confirmed', 'organisation.merged',
    'accreditations.imported', 'invitation.sent', 'invitation.accepted',
)
NEW_ACTIONS = ('report.note_saved', 'report.subscribed', 'report.unsubscribed')


def upgrade():
    op.create_table(
        'daily_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_daily_notes_centre_id_centres')),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_daily_notes_election_id_elections')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_daily_notes_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_notes')),
        sa.UniqueConstraint('centre_id', 'day', name=op.f('uq_daily_notes_centre_id')),
    )
    with op.batch_alter_table('daily_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_notes_election_id'), ['election_id'], unique=False)
    op.create_table(
        'report_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_report_subscriptions_centre_id_centres')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_report_subscriptions_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_subscriptions')),
        sa.UniqueConstraint('centre_id', 'email', name=op.f('uq_report_subscriptions_centre_id')),
    )
    with op.batch_alter_table('report_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_subscriptions_centre_id'), ['centre_id'], unique=False)
    op.create_table(
        'report_deliveries',
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('sent_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_report_deliveries_centre_id_centres')),
        sa.PrimaryKeyConstraint('centre_id', 'day', name=op.f('pk_report_deliveries')),
    )
    allow_audit_actions(op, BEFORE + NEW_ACTIONS)


def downgrade():
    forget_audit_actions(op, NEW_ACTIONS)
    allow_audit_actions(op, BEFORE)
    op.drop_table('report_deliveries')
    op.drop_table('report_subscriptions')
    op.drop_table('daily_notes')
