"""database CHECKs: a booking and a meeting end after they start; priority is 0, 1 or 2

Revision ID: 7a41c2e9d0f6
Revises: 5c0e7a1d2b38
Create Date: 2026-11-26 01:40:00

"""
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '7a41c2e9d0f6'
down_revision = '5c0e7a1d2b38'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interpretation_bookings', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_interpretation_bookings_ends_after_start'), 'ends_at > starts_at')
    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_translation_jobs_meeting_ends_after_start'),
                                         'starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_service_requests_priority'), 'priority IN (0, 1, 2)')


def downgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_service_requests_priority'), type_='check')
    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_translation_jobs_meeting_ends_after_start'), type_='check')
    with op.batch_alter_table('interpretation_bookings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_interpretation_bookings_ends_after_start'), type_='check')
