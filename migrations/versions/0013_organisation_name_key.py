"""organisations are unique whatever the case and spacing of their name ("OSCE/ODIHR" and
"osce/odihr "): a name_key column (Unicode case folding, done in Python, the same on both
databases); existing duplicates are merged into the oldest first

Revision ID: 8e3c5a7b1f90
Revises: 4f6a0b9d2e71
Create Date: 2026-11-26 05:30:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '8e3c5a7b1f90'
down_revision = '4f6a0b9d2e71'
branch_labels = None
depends_on = None

organisations = sa.table('organisations', sa.column('id', sa.Integer), sa.column('name', sa.String),
                         sa.column('name_key', sa.String))
REFERENCES = ('visitor_profiles', 'visits')


def key(name: str) -> str:  # models.visitor.organisation_key, as it was when this was written
    return " ".join(name.split()).casefold()


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), nullable=True))
    connection = op.get_bind()
    kept: dict[str, int] = {}
    for row in connection.execute(sa.select(organisations.c.id, organisations.c.name).order_by(organisations.c.id)):
        first = kept.setdefault(key(row.name), row.id)
        if first == row.id:
            connection.execute(organisations.update().where(organisations.c.id == row.id)
                               .values(name_key=key(row.name)))
            continue
        for table in REFERENCES:  # the same organisation typed twice: its people and visits move to the first
            referencing = sa.table(table, sa.column('organisation_id', sa.Integer))
            connection.execute(referencing.update().where(referencing.c.organisation_id == row.id)
                               .values(organisation_id=first))
        connection.execute(organisations.delete().where(organisations.c.id == row.id))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_organisations_name_key'), ['name_key'])


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisations_name_key'), type_='unique')
        batch_op.drop_column('name_key')
