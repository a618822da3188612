"""briefing reads: a signed-in observer or journalist read a centre's briefing — once per
reader, briefing, language shown and election, with their mission or outlet, their kind,
the language shown and their own language — for the equal-treatment report (the reader is
forgotten when erased); the audit trail records request-list downloads

Revision ID: 8c2d0e5f3a64
Revises: 7b1c9d4e2f53
Create Date: 2026-11-27 01:00:00

"""

import sqlalchemy as sa
from alembic import op

import observer_portal.models.base
from observer_portal.migration_steps import allow_audit_actions, forget_audit_actions

# revision identifiers, used by Alembic.
revision = "8c2d0e5f3a64"
down_revision = "7b1c9d4e2f53"
branch_labels = None
depends_on = None

REPORT_COLUMNS = [
    "election_id",
    "centre_id",
    "read_at",
    "organisation_id",
    "visitor_kind",
    "shown_locale",
    "wanted_locale",
]

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
    'report.note_saved', 'report.subscribed', 'report.unsubscribed',
)
NEW_ACTIONS = ('requests.exported',)


def upgrade():
    op.create_table(
        "briefing_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=True),
        sa.Column("read_at", observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("briefing_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "visitor_kind",
            sa.Enum("observer", "media", name="visitor_kind", native_enum=False, create_constraint=True, length=20),
            nullable=True,
        ),
        sa.Column("shown_locale", sa.String(length=5), nullable=False),
        sa.Column("wanted_locale", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name=op.f("fk_briefing_reads_centre_id_centres")),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_briefing_reads_election_id_elections")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_briefing_reads_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_briefing_reads_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["briefings.id"], name=op.f("fk_briefing_reads_briefing_id_briefings"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_reads")),
        sa.UniqueConstraint("user_id", "briefing_id", "shown_locale", "election_id", name="uq_briefing_reads_reader"),
    )
    with op.batch_alter_table("briefing_reads", schema=None) as batch_op:
        batch_op.create_index("ix_briefing_reads_report", REPORT_COLUMNS, unique=False)
        batch_op.create_index(batch_op.f("ix_briefing_reads_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_briefing_reads_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_briefing_reads_briefing_id"), ["briefing_id"], unique=False)
    allow_audit_actions(op, BEFORE + NEW_ACTIONS)


def downgrade():
    forget_audit_actions(op, NEW_ACTIONS)
    allow_audit_actions(op, BEFORE)
    op.drop_table("briefing_reads")
