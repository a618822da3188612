"""a partial index for the volunteer queue as it is opened (a centre's open requests in
urgency order): read in index order, no sort, whatever the number of finished requests

Revision ID: 2d9b6e0c4a13
Revises: 8e3c5a7b1f90
Create Date: 2026-11-26 06:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '2d9b6e0c4a13'
down_revision = '8e3c5a7b1f90'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'assigned', 'in_progress', 'unroutable')")


def upgrade():
    op.create_index('ix_service_requests_open_queue', 'service_requests',
                    ['centre_id', 'priority', 'needed_by', 'id'], sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('ix_service_requests_open_queue', table_name='service_requests')
