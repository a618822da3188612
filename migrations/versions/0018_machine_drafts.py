"""machine drafts are made by the job queue: one row per draft asked for (waiting, then
done or the reason it failed); one waiting draft per briefing language and per request

Revision ID: 9a4e1c6d2b70
Revises: 5d2b9f0c7a13
Create Date: 2026-11-26 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '9a4e1c6d2b70'
down_revision = '5d2b9f0c7a13'
branch_labels = None
depends_on = None

OUTCOMES = ('done', 'timeout', 'unavailable', 'unauthorised', 'no_result', 'unsupported', 'not_configured',
            'reviewed', 'not_allowed', 'closed', 'edited', 'expired')
WAITING = sa.text('outcome IS NULL')


def upgrade():
    op.create_table(
        'machine_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('briefing_id', sa.Integer(), nullable=True),
        sa.Column('locale', sa.String(length=5), nullable=True),
        sa.Column('request_id', sa.Integer(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.Column('claimed_at', observer_portal.models.base.UTCDateTime(), nullable=True),
        sa.Column('claim_token', sa.String(length=32), nullable=True),
        sa.Column('finished_at', observer_portal.models.base.UTCDateTime(), nullable=True),
        sa.Column('outcome', sa.Enum(*OUTCOMES, name='draft_outcome', native_enum=False, create_constraint=True,
                                     length=20), nullable=True),
        sa.CheckConstraint(
            '(briefing_id IS NOT NULL AND locale IS NOT NULL AND request_id IS NULL)'
            ' OR (briefing_id IS NULL AND locale IS NULL AND request_id IS NOT NULL)',
            name=op.f('ck_machine_drafts_one_target')),
        sa.ForeignKeyConstraint(['briefing_id'], ['briefings.id'], name=op.f('fk_machine_drafts_briefing_id_briefings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'],
                                name=op.f('fk_machine_drafts_request_id_service_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_machine_drafts_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_machine_drafts')),
    )
    with op.batch_alter_table('machine_drafts', schema=None) as batch_op:
        batch_op.create_index('ix_machine_drafts_briefing', ['briefing_id', 'locale', 'id'], unique=False)
        batch_op.create_index('ix_machine_drafts_request', ['request_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_machine_drafts_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('uq_machine_drafts_waiting_briefing', ['briefing_id', 'locale'], unique=True,
                              sqlite_where=WAITING, postgresql_where=WAITING)
        batch_op.create_index('uq_machine_drafts_waiting_request', ['request_id'], unique=True,
                              sqlite_where=WAITING, postgresql_where=WAITING)


def downgrade():
    op.drop_table('machine_drafts')
