"""briefing figures get a key that outlives the row: translated labels and saved versions
refer to it, so a figure moved to another row or restored after removal keeps its labels

Revision ID: 3b8d51f0c6a2
Revises: 7a41c2e9d0f6
Create Date: 2026-11-26 03:00:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '3b8d51f0c6a2'
down_revision = '7a41c2e9d0f6'
branch_labels = None
depends_on = None

figures = sa.table('briefing_figures', sa.column('id', sa.Integer), sa.column('briefing_id', sa.Integer),
                   sa.column('position', sa.Integer), sa.column('figure_key', sa.String),
                   sa.column('label', sa.String), sa.column('unit', sa.String))
translations = sa.table('briefing_translations', sa.column('id', sa.Integer), sa.column('briefing_id', sa.Integer),
                        sa.column('figure_labels', sa.JSON))
briefings = sa.table('briefings', sa.column('id', sa.Integer), sa.column('original_locale', sa.String))
versions = sa.table('briefing_versions', sa.column('id', sa.Integer), sa.column('briefing_id', sa.Integer),
                    sa.column('locale', sa.String), sa.column('figures', sa.JSON))


def upgrade():
    with op.batch_alter_table('briefing_figures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('figure_key', sa.String(length=16), nullable=True))
    # the labels written so far name a figure by its id: that id becomes its key
    op.execute(figures.update().values(figure_key=sa.cast(figures.c.id, sa.String(16))))
    with op.batch_alter_table('briefing_figures', schema=None) as batch_op:
        batch_op.alter_column('figure_key', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint('uq_briefing_figures_briefing_key', ['briefing_id', 'figure_key'])
    # snapshots of originals did not say which figure each entry was; figures used to be kept by
    # row, so the figure now in that row is the one it was
    connection = op.get_bind()
    rows = connection.execute(sa.select(figures)).all()
    keys = {(row.briefing_id, row.position): row.figure_key for row in rows}
    # each translated label now remembers the original wording it translated: the wording of today
    wording = {(row.briefing_id, row.figure_key): (row.label, row.unit) for row in rows}
    for translation in connection.execute(sa.select(translations)).all():
        labels = {key: dict(value, source=wording[(translation.briefing_id, key)][0],
                            source_unit=wording[(translation.briefing_id, key)][1])
                  if (translation.briefing_id, key) in wording and "source" not in value else value
                  for key, value in (translation.figure_labels or {}).items()}
        if labels != (translation.figure_labels or {}):
            connection.execute(translations.update().where(translations.c.id == translation.id)
                               .values(figure_labels=labels))
    originals = sa.select(versions.c.id, versions.c.briefing_id, versions.c.figures).join(
        briefings, sa.and_(briefings.c.id == versions.c.briefing_id, briefings.c.original_locale == versions.c.locale)
    )
    for version in connection.execute(originals).all():
        entries = [dict(entry, id=keys[(version.briefing_id, position)])
                   if "id" not in entry and (version.briefing_id, position) in keys else entry
                   for position, entry in enumerate(version.figures or [])]
        if entries != (version.figures or []):
            connection.execute(versions.update().where(versions.c.id == version.id).values(figures=entries))


def downgrade():
    with op.batch_alter_table('briefing_figures', schema=None) as batch_op:
        batch_op.drop_constraint('uq_briefing_figures_briefing_key', type_='unique')
        batch_op.drop_column('figure_key')
