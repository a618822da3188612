"""volunteers and coordinators always work at a centre (a CHECK): a centre-less
coordinator would otherwise be read as working for every centre

Revision ID: 5d2b9f0c7a13
Revises: 0c7f2a9e4b58
Create Date: 2026-11-26 08:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d2b9f0c7a13'
down_revision = '0c7f2a9e4b58'
branch_labels = None
depends_on = None

RULE = "role NOT IN ('volunteer', 'coordinator') OR centre_id IS NOT NULL"


def upgrade():
    stray = op.get_bind().execute(sa.text(f"SELECT email FROM users WHERE NOT ({RULE})")).scalars().all()
    if stray:  # a person has to decide where they work; guessing would hand them a centre's records
        raise RuntimeError("Give these volunteer or coordinator accounts a centre first "
                           "on the Accounts page: " + ", ".join(stray))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_users_staff_centre'), RULE)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_staff_centre'), type_='check')
