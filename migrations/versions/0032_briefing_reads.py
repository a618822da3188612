"""briefing reads: a signed-in observer or journalist opened a centre's briefing — kept with
their mission or outlet, their kind, the language shown and their own language, never the
person — for the equal-treatment report

Revision ID: 8c2d0e5f3a64
Revises: 7b1c9d4e2f53
Create Date: 2026-11-27 01:00:00

"""

import sqlalchemy as sa
from alembic import op

import observer_portal.models.base

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


def upgrade():
    op.create_table(
        "briefing_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=True),
        sa.Column("read_at", observer_portal.models.base.UTCDateTime(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_reads")),
    )
    with op.batch_alter_table("briefing_reads", schema=None) as batch_op:
        batch_op.create_index("ix_briefing_reads_report", REPORT_COLUMNS, unique=False)
        batch_op.create_index(batch_op.f("ix_briefing_reads_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    op.drop_table("briefing_reads")
