"""personal access tokens for the API: a name, scopes, an expiry, the token's SHA-256 (the
token itself is shown once), its last use and its revocation; the audit trail records
tokens created and revoked

Revision ID: 9d3e1f6a4b75
Revises: 8c2d0e5f3a64
Create Date: 2026-11-27 02:00:00

"""

import sqlalchemy as sa
from alembic import op

import observer_portal.models.base
from observer_portal.migration_steps import allow_audit_actions, forget_audit_actions

# revision identifiers, used by Alembic.
revision = "9d3e1f6a4b75"
down_revision = "8c2d0e5f3a64"
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
)
NEW_ACTIONS = ('token.created', 'token.revoked')


def upgrade():
    op.create_table(
        "personal_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", observer_portal.models.base.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", observer_portal.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_personal_tokens_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_personal_tokens_digest")),
    )
    with op.batch_alter_table("personal_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personal_tokens_user_id"), ["user_id"], unique=False)
    allow_audit_actions(op, BEFORE + NEW_ACTIONS)


def downgrade():
    forget_audit_actions(op, NEW_ACTIONS)
    allow_audit_actions(op, BEFORE)
    op.drop_table("personal_tokens")
