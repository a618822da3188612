"""text search in the visit log by index: trigram indexes on the visitor's name and card
number and on the visit's notes — pg_trgm GIN indexes on PostgreSQL (ILIKE uses them),
FTS5 trigram tables kept by triggers on SQLite (case folded in every script)

Revision ID: 3d7e5f0a8b19
Revises: 2c6d4e9f7a08
Create Date: 2026-11-26 14:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3d7e5f0a8b19'
down_revision = '2c6d4e9f7a08'
branch_labels = None
depends_on = None

#: FTS5 table → (content table, indexed columns)
SQLITE_INDEXES = {
    'visitor_text': ('visitor_profiles', ('full_name', 'accreditation_number')),
    'visit_notes_text': ('visits', ('notes',)),
}
PG_INDEXES = {
    'ix_visitor_profiles_full_name_trgm': ('visitor_profiles', 'full_name'),
    'ix_visitor_profiles_accreditation_number_trgm': ('visitor_profiles', 'accreditation_number'),
    'ix_visits_notes_trgm': ('visits', 'notes'),
}


def _values(row: str, columns: tuple[str, ...]) -> str:
    return ', '.join(f"coalesce({row}.{column}, '')" for column in columns)


def sqlite_text_index(name: str, table: str, columns: tuple[str, ...]) -> list[str]:
    listed = ', '.join(columns)
    return [
        f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='{table}', content_rowid='id', tokenize='trigram')",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
        f'CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN '
        f'INSERT INTO {name}(rowid, {listed}) VALUES (NEW.id, {_values("NEW", columns)}); END',
        f'CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN '
        f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', OLD.id, {_values('OLD', columns)}); END",
        f'CREATE TRIGGER {name}_update AFTER UPDATE OF {listed} ON {table} BEGIN '
        f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', OLD.id, {_values('OLD', columns)}); "
        f'INSERT INTO {name}(rowid, {listed}) VALUES (NEW.id, {_values("NEW", columns)}); END',
    ]


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')  # trusted: the database owner may
        for name, (table, column) in PG_INDEXES.items():
            op.execute(f'CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)')
        return
    for name, (table, columns) in SQLITE_INDEXES.items():
        for statement in sqlite_text_index(name, table, columns):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name in PG_INDEXES:
            op.execute(f'DROP INDEX IF EXISTS {name}')
        return
    for name in SQLITE_INDEXES:
        for suffix in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}_{suffix}')
        op.execute(f'DROP TABLE IF EXISTS {name}')
