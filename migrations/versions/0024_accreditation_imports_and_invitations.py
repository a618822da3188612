"""accreditation lists and invitations: a visitor profile knows the centre that registered or
imported it; an uploaded list waits (file, column mapping) until imported; an invitation is
a single-use link (only its secret's hash stored) to create the account of an imported
person; the audit trail records imports and invitations

Revision ID: 0a4b2c7d5e86
Revises: 9f3a1b6c4d75
Create Date: 2026-11-26 12:30:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base
from observer_portal.migration_steps import allow_audit_actions, forget_audit_actions

# revision identifiers, used by Alembic.
revision = '0a4b2c7d5e86'
down_revision = '9f3a1b6c4d75'
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
)
NEW_ACTIONS = ('accreditations.imported', 'invitation.sent', 'invitation.accepted')




def upgrade():
    with op.batch_alter_table('visitor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_visitor_profiles_centre_id_centres'), 'centres', ['centre_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_visitor_profiles_centre_id'), ['centre_id'], unique=False)
    op.create_table(
        'accreditation_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=True),
        sa.Column('encoding', sa.String(length=20), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('default_kind', sa.Enum('observer', 'media', name='visitor_kind', native_enum=False,
                                          create_constraint=True, length=20), nullable=False),
        sa.Column('state', sa.Enum('uploaded', 'imported', name='import_state', native_enum=False,
                                   create_constraint=True, length=20), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('created_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.Column('imported_at', observer_portal.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_accreditation_imports_centre_id_centres')),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_accreditation_imports_election_id_elections')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_accreditation_imports_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accreditation_imports')),
    )
    with op.batch_alter_table('accreditation_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accreditation_imports_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accreditation_imports_election_id'), ['election_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accreditation_imports_created_at'), ['created_at'], unique=False)
    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visitor_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.Column('expires_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.Column('used_at', observer_portal.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['visitor_id'], ['visitor_profiles.id'],
                                name=op.f('fk_invitations_visitor_id_visitor_profiles'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_invitations_secret_hash')),
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_visitor_id'), ['visitor_id'], unique=False)
    allow_audit_actions(op, BEFORE + NEW_ACTIONS)


def downgrade():
    forget_audit_actions(op, NEW_ACTIONS)
    allow_audit_actions(op, BEFORE)
    op.drop_table('invitations')
    op.drop_table('accreditation_imports')
    with op.batch_alter_table('visitor_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitor_profiles_centre_id'))
        batch_op.drop_constraint(op.f('fk_visitor_profiles_centre_id_centres'), type_='foreignkey')
        batch_op.drop_column('centre_id')
