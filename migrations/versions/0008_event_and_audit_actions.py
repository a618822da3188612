"""request event and audit actions as checked enums; event subject and reason columns

Routing used to keep the chosen volunteer's id in `note` ("routed") and the reason
code there too ("unroutable"), so pages showed a number or a code. Both move to
columns, and the set of actions becomes a CHECK constraint on both tables.

Revision ID: 5c0e7a1d2b38
Revises: 41d7a4deee80
Create Date: 2026-11-25 23:40:00

"""
import sqlalchemy as sa
from alembic import op

import observer_portal.models.base  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '5c0e7a1d2b38'
down_revision = '41d7a4deee80'
branch_labels = None
depends_on = None

EVENT_ACTIONS = ('created', 'claim', 'assign', 'start', 'complete', 'decline', 'cancel', 'commented',
                 'routed', 'unroutable', 'released')
AUDIT_ACTIONS = (
    'login.succeeded', 'login.failed', 'account.signed_up', 'account.created', 'account.updated',
    'account.role_changed', 'account.centre_changed', 'account.password_changed', 'account.activated',
    'account.deactivated', 'volunteer.on_duty', 'volunteer.off_duty', 'visit.registered', 'visits.exported',
    'visits.anonymised', 'visitor.updated', 'visitor.merged', 'equipment.created', 'equipment.updated',
    'equipment.checked_out', 'equipment.checked_in', 'briefing.created', 'briefing.updated', 'briefing.published',
    'briefing.unpublished', 'briefing.translation_saved', 'briefing.machine_draft', 'briefing.restored',
)


def _in(column, values):
    return column + " IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_request_events_subject_id_users'), 'users', ['subject_id'], ['id'])

    events = sa.table('request_events', sa.column('id', sa.Integer), sa.column('action', sa.String),
                      sa.column('note', sa.Text), sa.column('subject_id', sa.Integer), sa.column('reason', sa.String))
    connection = op.get_bind()
    for event_id, note in connection.execute(
        sa.select(events.c.id, events.c.note).where(events.c.action == 'routed')
    ).all():
        subject = int(note) if (note or '').isdigit() else None
        connection.execute(events.update().where(events.c.id == event_id).values(subject_id=subject, note=''))
    connection.execute(
        events.update().where(events.c.action == 'unroutable').values(reason=sa.func.substr(events.c.note, 1, 40), note='')
    )

    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.VARCHAR(length=32), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_request_events_request_event_action'), _in('action', EVENT_ACTIONS))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_audit_events_audit_action'), _in('action', AUDIT_ACTIONS))


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_events_audit_action'), type_='check')
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_request_events_request_event_action'), type_='check')
        batch_op.alter_column('action', existing_type=sa.String(length=20), type_=sa.VARCHAR(length=32),
                              existing_nullable=False)

    events = sa.table('request_events', sa.column('action', sa.String), sa.column('note', sa.Text),
                      sa.column('subject_id', sa.Integer), sa.column('reason', sa.String))
    connection = op.get_bind()
    connection.execute(events.update().where(events.c.action == 'routed', events.c.subject_id.is_not(None))
                       .values(note=sa.cast(events.c.subject_id, sa.String)))
    connection.execute(events.update().where(events.c.action == 'unroutable', events.c.reason.is_not(None))
                       .values(note=events.c.reason))

    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_request_events_subject_id_users'), type_='foreignkey')
        batch_op.drop_column('reason')
        batch_op.drop_column('subject_id')
