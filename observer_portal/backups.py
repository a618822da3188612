"""Backups that restore: one file per backup, made and put back by the database's own tools.

- **SQLite**: the online backup API (`sqlite3.Connection.backup`), a consistent copy taken
  while the portal keeps serving; restoring copies it back page by page the same way.
- **PostgreSQL**: `pg_dump --format=custom` (a consistent snapshot, while serving) and
  `pg_restore --clean --if-exists --single-transaction` (all of it or nothing). The client
  tools must be of the server's major version or newer (Debian: `postgresql-client`).

Restoring replaces everything in the database with the backup: stop the portal and its
worker first (`make restore` says so and asks). Before asking, the file is read: it must be
a backup of this portal (its tables and a schema version this code knows), so an empty
file, another application's database or a damaged file is refused and nothing is touched.
Backups hold personal data and password hashes: they are written readable by their owner
only. The job queue's own file is not backed up: what it holds is rebuilt from the
database (the outbox rows, the waiting drafts) by the worker's sweep. `tests/test_backups.py` runs the drill on
both engines: back up, destroy, restore, every table's count equal.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore could not be made; the message says why, for the command line."""


def _is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


def _sqlite_path(database_url: str) -> str:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def _libpq_url(database_url: str) -> str:
    """The address as PostgreSQL's own tools read it (no SQLAlchemy driver name)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    """`pg_dump` / `pg_restore` on the PATH, else the newest installed server's own."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return str(candidates[-1])


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup_name(database_url: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"observer-portal-{stamp}.{'sqlite3' if _is_sqlite(database_url) else 'pgdump'}"


def make_backup(database_url: str, folder: Path) -> Path:
    """Write a backup of the database into `folder` (made if missing); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_name(database_url)
    partial = target.with_name(target.name + ".partial")  # never a half-written file under the final name
    if _is_sqlite(database_url):
        source = sqlite3.connect(_sqlite_path(database_url))
        copy = sqlite3.connect(partial)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), _libpq_url(database_url)])
    partial.chmod(0o600)
    partial.replace(target)
    return target


def backup_revision(database_url: str, backup: Path) -> str:
    """The schema version a backup was made at; BackupError when it is not one of ours."""
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    if _is_sqlite(database_url):
        if backup.suffix != ".sqlite3":
            raise BackupError(f"{backup.name} is not a SQLite backup of the portal")
        try:
            with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source:
                tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not {"alembic_version", "users", "centres"} <= tables:
                    raise BackupError(f"{backup.name} is not a backup of the portal (its tables are missing)")
                row = source.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup.name} cannot be read as a SQLite database: {error}") from None
        if row is None:
            raise BackupError(f"{backup.name} has no schema version")
        return row[0]
    if backup.suffix != ".pgdump":
        raise BackupError(f"{backup.name} is not a PostgreSQL backup of the portal")
    listing = subprocess.run(  # noqa: S603
        [_tool("pg_restore"), "--list", str(backup)], capture_output=True, text=True, timeout=600, check=False
    )
    if listing.returncode != 0 or "TABLE DATA public alembic_version" not in listing.stdout:
        raise BackupError(f"{backup.name} is not a pg_dump archive of the portal")
    contents = subprocess.run(  # noqa: S603
        [_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(backup)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    ).stdout
    versions = [line.strip() for line in contents.split("FROM stdin;", 1)[-1].splitlines() if line.strip()]
    if not versions or versions[0] == "\\.":
        raise BackupError(f"{backup.name} has no schema version")
    return versions[0]


def restore_backup(database_url: str, backup: Path, known_revisions: set[str]) -> None:
    """Replace the database's contents with the backup's (checked first: `backup_revision`)."""
    revision = backup_revision(database_url, backup)
    if revision not in known_revisions:
        raise BackupError(f"{backup.name} was made at schema version {revision}, which this code does not know")
    if _is_sqlite(database_url):
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path(database_url))
        try:
            source.backup(live)
        finally:
            live.close()
            source.close()
        return
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(database_url),
            str(backup),
        ]
    )
