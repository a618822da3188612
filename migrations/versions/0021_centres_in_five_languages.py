"""centres in five languages, managed in the app: name, region, address and opening hours
per language with the centre's own language, active or not, the elections each serves;
the audit trail records centre changes (and an election's erasure, migration 0022)

Revision ID: 7c1d9e4f2b53
Revises: 6e0b7c3d1a92
Create Date: 2026-11-26 11:00:00

"""
import sqlalchemy as sa
from alembic import op

from observer_portal.migration_steps import allow_audit_actions, forget_audit_actions


# revision identifiers, used by Alembic.
revision = '7c1d9e4f2b53'
down_revision = '6e0b7c3d1a92'
branch_labels = None
depends_on = None

BEFORE = (
    'login.succeeded', 'login.failed', 'account.signed_up', 'account.created', 'account.updated',
    'account.role_changed', 'account.centre_changed', 'account.password_changed', 'account.activated',
    'account.deactivated', 'volunteer.on_duty', 'volunteer.off_duty', 'visit.registered', 'visits.exported',
    'visits.anonymised', 'visitor.updated', 'visitor.merged', 'equipment.created', 'equipment.updated',
    'equipment.checked_out', 'equipment.checked_in', 'briefing.created', 'briefing.updated', 'briefing.published',
    'briefing.unpublished', 'briefing.translation_saved', 'briefing.machine_draft', 'briefing.restored',
    'election.created', 'election.updated', 'election.activated', 'election.closed',
)
CENTRE_ACTIONS = ('centre.created', 'centre.updated', 'centre.deactivated', 'centre.reactivated', 'election.erased')
TEXTS = (('name', 'names'), ('region', 'regions'), ('address', 'addresses'), ('opening_hours', 'hours'))




def upgrade():
    op.create_table(
        'centre_elections',
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_centre_elections_centre_id_centres'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_centre_elections_election_id_elections'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('centre_id', 'election_id', name=op.f('pk_centre_elections')),
    )
    op.create_index(op.f('ix_centre_elections_election_id'), 'centre_elections', ['election_id'], unique=False)
    with op.batch_alter_table('centres', schema=None) as batch_op:
        for _old, new in TEXTS:
            batch_op.add_column(sa.Column(new, sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default='kk'))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.create_index(batch_op.f('ix_centres_active'), ['active'], unique=False)

    old = sa.table('centres', sa.column('id', sa.Integer), *(sa.column(o, sa.String) for o, _n in TEXTS))
    new = sa.table('centres', sa.column('id', sa.Integer), *(sa.column(n, sa.JSON) for _o, n in TEXTS))
    connection = op.get_bind()
    for row in connection.execute(sa.select(old)).mappings().all():
        values = {n: ({'en': row[o].strip()} if (row[o] or '').strip() else {}) for o, n in TEXTS}
        connection.execute(sa.update(new).where(new.c.id == row['id']).values(**values))
    # the centres there are served every election there is
    op.execute("INSERT INTO centre_elections (centre_id, election_id) SELECT centres.id, elections.id "
               "FROM centres CROSS JOIN elections")

    with op.batch_alter_table('centres', schema=None) as batch_op:
        for o, n in TEXTS:
            batch_op.alter_column(n, existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('language', server_default=None)
        batch_op.alter_column('active', server_default=None)
        batch_op.drop_index('ix_centres_region')
        for o, _n in TEXTS:
            batch_op.drop_column(o)
    allow_audit_actions(op, BEFORE + CENTRE_ACTIONS)


def downgrade():
    forget_audit_actions(op, CENTRE_ACTIONS)
    allow_audit_actions(op, BEFORE)
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('region', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('opening_hours', sa.String(length=200), nullable=False, server_default=''))
    old = sa.table('centres', sa.column('id', sa.Integer), *(sa.column(o, sa.String) for o, _n in TEXTS))
    new = sa.table('centres', sa.column('id', sa.Integer), sa.column('language', sa.String),
                   *(sa.column(n, sa.JSON) for _o, n in TEXTS))
    connection = op.get_bind()
    for row in connection.execute(sa.select(new)).mappings().all():
        def pick(texts, own=row['language']):
            texts = texts or {}
            for code in ('en', own, 'ru', 'kk', 'de', 'fr'):
                if texts.get(code):
                    return texts[code]
            return ''
        connection.execute(sa.update(old).where(old.c.id == row['id'])
                           .values(**{o: pick(row[n]) for o, n in TEXTS}))
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.create_index('ix_centres_region', ['region'], unique=False)
        batch_op.drop_index(batch_op.f('ix_centres_active'))
        for _o, n in TEXTS:
            batch_op.drop_column(n)
        batch_op.drop_column('language')
        batch_op.drop_column('active')
    op.drop_index(op.f('ix_centre_elections_election_id'), table_name='centre_elections')
    op.drop_table('centre_elections')
