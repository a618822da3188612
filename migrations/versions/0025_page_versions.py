"""page versions: one row that database triggers bump on every write to what public pages
show (briefings, their texts and figures, centres, elections), so a cached public page is
never served after a change is committed

Revision ID: 1b5c3d8e6f97
Revises: 0a4b2c7d5e86
Create Date: 2026-11-26 13:30:00

"""
import sqlalchemy as sa
from alembic import op

from observer_portal.migration_steps import unwatch_public_tables, watch_public_tables

# revision identifiers, used by Alembic.
revision = '1b5c3d8e6f97'
down_revision = '0a4b2c7d5e86'
branch_labels = None
depends_on = None

PUBLIC_TABLES = ('briefings', 'briefing_translations', 'briefing_figures', 'centres', 'centre_elections', 'elections')


def upgrade():
    page_versions = op.create_table(
        'page_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('changed_at', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_page_versions')),
    )
    op.bulk_insert(page_versions, [{'id': 1, 'version': 1, 'changed_at': 0}])
    watch_public_tables(op, PUBLIC_TABLES)


def downgrade():
    unwatch_public_tables(op, PUBLIC_TABLES)
    op.drop_table('page_versions')
