"""translation and interpretation requests no longer store the words "Language help" (in the
asker's language) as their details: the page describes them from the language job

Revision ID: 9c2e7f4a1d05
Revises: 3b8d51f0c6a2
Create Date: 2026-11-26 04:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '9c2e7f4a1d05'
down_revision = '3b8d51f0c6a2'
branch_labels = None
depends_on = None

# what file_job stored when the asker left the notes empty, in each of the five languages
STORED = ("Language help", "Sprachhilfe", "Aide linguistique", "Языковая помощь", "Тілдік көмек")


def upgrade():
    requests = sa.table('service_requests', sa.column('id', sa.Integer), sa.column('details', sa.Text))
    jobs = sa.table('translation_jobs', sa.column('request_id', sa.Integer))
    op.execute(requests.update()
               .where(requests.c.details.in_(STORED), requests.c.id.in_(sa.select(jobs.c.request_id)))
               .values(details=''))


def downgrade():
    pass  # the placeholder words are not worth restoring: pages show the language job instead
