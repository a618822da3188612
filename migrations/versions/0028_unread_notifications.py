"""unread notifications counted on the user: users.unread_notifications, kept by triggers on
notifications (a new unread one, one read or unread again, one removed), so the header of
every page reads it with the signed-in user instead of counting

Revision ID: 4e8f6a1b9c20
Revises: 3d7e5f0a8b19
Create Date: 2026-11-26 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4e8f6a1b9c20'
down_revision = '3d7e5f0a8b19'
branch_labels = None
depends_on = None

ADD = 'UPDATE users SET unread_notifications = unread_notifications + 1 WHERE id = NEW.user_id'
REMOVE = 'UPDATE users SET unread_notifications = unread_notifications - 1 WHERE id = OLD.user_id'

SQLITE = [
    f'CREATE TRIGGER unread_notifications_insert AFTER INSERT ON notifications WHEN NEW.read_at IS NULL BEGIN {ADD}; END',
    f'CREATE TRIGGER unread_notifications_delete AFTER DELETE ON notifications WHEN OLD.read_at IS NULL BEGIN {REMOVE}; END',
    'CREATE TRIGGER unread_notifications_update AFTER UPDATE OF read_at, user_id ON notifications BEGIN '
    f'{REMOVE} AND OLD.read_at IS NULL; {ADD} AND NEW.read_at IS NULL; END',
]
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION unread_notifications_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.read_at IS NULL THEN
        {REMOVE};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.read_at IS NULL THEN
        {ADD};
    END IF;
    RETURN NULL;
END $$""",
    'CREATE TRIGGER unread_notifications_count AFTER INSERT OR DELETE OR UPDATE OF read_at, user_id ON notifications '
    'FOR EACH ROW EXECUTE FUNCTION unread_notifications_count()',
]


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unread_notifications', sa.Integer(), server_default='0', nullable=False))
    op.execute(
        'UPDATE users SET unread_notifications = '
        '(SELECT count(*) FROM notifications AS n WHERE n.user_id = users.id AND n.read_at IS NULL)'
    )
    for statement in POSTGRESQL if op.get_bind().dialect.name == 'postgresql' else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS unread_notifications_count ON notifications')
        op.execute('DROP FUNCTION IF EXISTS unread_notifications_count()')
    else:
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS unread_notifications_{name}')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('unread_notifications')
