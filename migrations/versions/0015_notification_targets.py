"""notifications store no URL: where one leads is decided when it is read (its kind and
parameters, and what its reader may open); an overdue-loan notice keeps its item's id

Revision ID: 6b1e8d3f5c27
Revises: 2d9b6e0c4a13
Create Date: 2026-11-26 06:30:00

"""
import re

import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '6b1e8d3f5c27'
down_revision = '2d9b6e0c4a13'
branch_labels = None
depends_on = None

notifications = sa.table('notifications', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                         sa.column('params', sa.JSON), sa.column('link', sa.String))


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(notifications).where(notifications.c.kind == 'loan_overdue')).all()
    for row in rows:
        found = re.fullmatch(r"/inventory/(\d+)", row.link or "")
        if found and "item" not in (row.params or {}):
            connection.execute(notifications.update().where(notifications.c.id == row.id)
                               .values(params={**(row.params or {}), "item": int(found.group(1))}))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('link')


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link', sa.String(length=200), nullable=False, server_default=''))
