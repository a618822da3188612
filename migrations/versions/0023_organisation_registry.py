"""the registry of missions and outlets: a name per language, foreign observer delegations as
a kind of their own, the names of duplicates merged into it, and whether a coordinator has
confirmed an organisation (one typed in at
sign-up or at the desk waits to be confirmed or merged); the audit trail records changes

Revision ID: 9f3a1b6c4d75
Revises: 8d2e0f5a3c64
Create Date: 2026-11-26 12:00:00

"""
import sqlalchemy as sa
from alembic import op

from observer_portal.migration_steps import allow_audit_actions, forget_audit_actions, one_of


# revision identifiers, used by Alembic.
revision = '9f3a1b6c4d75'
down_revision = '8d2e0f5a3c64'
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
)
ORGANISATION_ACTIONS = ('organisation.created', 'organisation.updated', 'organisation.confirmed',
                        'organisation.merged')
KINDS = ('observer_mission', 'media_outlet', 'other')
FOREIGN = 'foreign_delegation'




def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('names', sa.JSON(), nullable=False, server_default='{}'))
        # names of duplicates merged into it: a list or a sign-up using one finds it again
        batch_op.add_column(sa.Column('aliases', sa.JSON(), nullable=False, server_default='[]'))
        # those already there predate the registry: they have been in use, none waits for review
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.create_index(batch_op.f('ix_organisations_confirmed'), ['confirmed'], unique=False)
        batch_op.drop_constraint(op.f('ck_organisations_organisation_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_organisations_organisation_kind'), one_of('kind', KINDS + (FOREIGN,)))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('names', server_default=None)
        batch_op.alter_column('aliases', server_default=None)
        batch_op.alter_column('confirmed', server_default=None)
    allow_audit_actions(op, BEFORE + ORGANISATION_ACTIONS)


def downgrade():
    forget_audit_actions(op, ORGANISATION_ACTIONS)
    allow_audit_actions(op, BEFORE)
    op.execute(f"UPDATE organisations SET kind = 'observer_mission' WHERE kind = '{FOREIGN}'")
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_organisation_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_organisations_organisation_kind'), one_of('kind', KINDS))
        batch_op.drop_index(batch_op.f('ix_organisations_confirmed'))
        batch_op.drop_column('confirmed')
        batch_op.drop_column('aliases')
        batch_op.drop_column('names')
