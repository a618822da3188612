"""one-time submission keys: a form sent twice is carried out once (the key and where the
first submission led, stored with the change it made; kept a day)

Revision ID: 3f8c2d6a9e41
Revises: 9a4e1c6d2b70
Create Date: 2026-11-26 09:30:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '3f8c2d6a9e41'
down_revision = '9a4e1c6d2b70'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('location', sa.String(length=2000), nullable=False),
        sa.Column('created_at', observer_portal.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submissions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
        sa.UniqueConstraint('user_id', 'key', name='uq_submissions_user_key'),
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_created_at'), ['created_at'], unique=False)


def downgrade():
    op.drop_table('submissions')
