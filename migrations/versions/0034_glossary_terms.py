"""the electoral glossary in the database: terms with their translations and stems per
language, definition, note, status (approved or proposed), who proposed and who approved
them; the audit trail records glossary changes and imports

Revision ID: ae4f2a7b5c86
Revises: 9d3e1f6a4b75
Create Date: 2026-11-27 04:00:00

"""

import sqlalchemy as sa
from alembic import op

import observer_portal.models.base
from observer_portal.migration_steps import allow_audit_actions, forget_audit_actions

# revision identifiers, used by Alembic.
revision = "ae4f2a7b5c86"
down_revision = "9d3e1f6a4b75"
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
    'report.note_saved', 'report.subscribed', 'report.unsubscribed', 'requests.exported',
    'token.created', 'token.revoked',
)
NEW_ACTIONS = ('glossary.proposed', 'glossary.updated', 'glossary.approved', 'glossary.deleted', 'glossary.imported')


def upgrade():
    op.create_table(
        "glossary_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("stems", sa.JSON(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("approved", "proposed", name="glossary_status", native_enum=False, create_constraint=True,
                    length=20),
            nullable=False,
        ),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"], name=op.f("fk_glossary_terms_approved_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["users.id"], name=op.f("fk_glossary_terms_proposed_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossary_terms")),
        sa.UniqueConstraint("key", name=op.f("uq_glossary_terms_key")),
    )
    with op.batch_alter_table("glossary_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_glossary_terms_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_glossary_terms_proposed_by_id"), ["proposed_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_glossary_terms_approved_by_id"), ["approved_by_id"], unique=False)
    allow_audit_actions(op, BEFORE + NEW_ACTIONS)


def downgrade():
    forget_audit_actions(op, NEW_ACTIONS)
    allow_audit_actions(op, BEFORE)
    op.drop_table("glossary_terms")
