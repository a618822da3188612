"""visitor search forms: visitor_profiles.search_name holds each name's forms for the front
desk's search (case, accents and script aside: observer_portal/search_text.py), filled here for
everyone registered; a trigram index answers it on PostgreSQL

Revision ID: 5f9a7b2c0d31
Revises: 4e8f6a1b9c20
Create Date: 2026-11-26 17:00:00

"""
import sqlalchemy as sa
from alembic import op

from observer_portal.search_text import MAX_KEY, search_key

# revision identifiers, used by Alembic.
revision = '5f9a7b2c0d31'
down_revision = '4e8f6a1b9c20'
branch_labels = None
depends_on = None

INDEX = 'ix_visitor_profiles_search_name_trgm'


def upgrade():
    # a plain ADD COLUMN (no table copy on SQLite: the full-text triggers of 0027 stay)
    op.add_column('visitor_profiles', sa.Column('search_name', sa.String(MAX_KEY), nullable=False, server_default=''))
    bind = op.get_bind()
    profiles = sa.table('visitor_profiles', sa.column('id'), sa.column('full_name'), sa.column('search_name'))
    rows = bind.execute(sa.select(profiles.c.id, profiles.c.full_name).where(profiles.c.full_name != '')).all()
    for start in range(0, len(rows), 500):
        bind.execute(
            profiles.update().where(profiles.c.id == sa.bindparam('row_id')).values(search_name=sa.bindparam('key')),
            [{'row_id': row.id, 'key': search_key(row.full_name)} for row in rows[start : start + 500]],
        )
    if bind.dialect.name == 'postgresql':
        op.execute(f'CREATE INDEX {INDEX} ON visitor_profiles USING gin (search_name gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX {INDEX}')
    op.drop_column('visitor_profiles', 'search_name')
