"""notifications are the outbox of their e-mail copies, sent by the job queue: attempts,
when a worker claimed one, when it was sent (rows written before count as handled)

Revision ID: 0c7f2a9e4b58
Revises: 6b1e8d3f5c27
Create Date: 2026-11-26 07:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0c7f2a9e4b58'
down_revision = '6b1e8d3f5c27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('email_claimed_at', observer_portal.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('emailed_at', observer_portal.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
    # what was written before was e-mailed inline (or not at all): nothing to send again
    op.execute("UPDATE notifications SET emailed_at = created_at")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('email_attempts', server_default=None)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('emailed_at')
        batch_op.drop_column('email_claimed_at')
        batch_op.drop_column('email_attempts')
