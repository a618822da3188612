"""The restore drill (observer_portal/backups.py), on SQLite and on PostgreSQL: load the
demo, back up through `flask backup create`, destroy every table, restore through
`flask backup restore`, and find every table's count — and the schema version — as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from observer_portal.demo import load_demo
from observer_portal.extensions import db
from observer_portal.models import Base, User
from tests.helpers import make_user

pytestmark = pytest.mark.commits


def _counts() -> dict[str, int]:
    counts = {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables
    }
    counts["alembic_version"] = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    return counts


def _destroy() -> None:
    db.session.remove()
    Base.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    db.engine.dispose()


def test_back_up_destroy_restore_and_every_count_is_equal(app, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        load_demo(db.session, "a long demo passphrase")
        db.session.commit()
        before = _counts()
        assert before["users"] > 5
        assert before["visits"] > 50
        made = runner.invoke(args=["backup", "create", "--folder", str(tmp_path)])
        assert made.exit_code == 0, made.output
        written = Path(made.output.split("Backup written: ", 1)[1].strip())
        assert written.parent == tmp_path
        assert written.stat().st_size > 0
        assert list(tmp_path.glob("*.partial")) == []  # only the finished file remains
        try:
            _destroy()
            restored = runner.invoke(args=["backup", "restore", str(written), "--yes"])
            assert restored.exit_code == 0, restored.output
            assert _counts() == before
            assert db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))) == before["users"]
        finally:
            if not db.inspect(db.engine).has_table("users"):  # a failed drill leaves a usable schema
                db.session.remove()
                upgrade()
    page = app.test_client().get("/briefings/")
    assert page.status_code == 200
    assert "Atyrau" in page.get_data(as_text=True)


def test_a_restore_asks_first_and_a_no_changes_nothing(app, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        made = runner.invoke(args=["backup", "create", "--folder", str(tmp_path)])
        written = made.output.split("Backup written: ", 1)[1].strip()
        make_user("observer")  # written after the backup
        db.session.commit()
        before = _counts()
        declined = runner.invoke(args=["backup", "restore", written], input="n\n")
        assert declined.exit_code != 0
        assert "Stop the portal" in declined.output
        assert _counts() == before


def test_only_a_backup_of_the_portal_is_restored(app, tmp_path):
    """An empty file, another application's database, a damaged file or a dump of the wrong
    kind is refused before anything is asked or touched; the database keeps its data."""
    import sqlite3

    runner = app.test_cli_runner()
    engine = "sqlite3" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "pgdump"
    empty = tmp_path / f"empty.{engine}"
    empty.write_bytes(b"")
    damaged = tmp_path / f"damaged.{engine}"
    damaged.write_bytes(b"this is not a database at all" * 100)
    candidates = [empty, damaged, tmp_path / ("x.pgdump" if engine == "sqlite3" else "x.sqlite3")]
    candidates[-1].write_bytes(b"x")
    if engine == "sqlite3":
        other = tmp_path / "other-app.sqlite3"
        with sqlite3.connect(other) as connection:
            connection.execute("CREATE TABLE foo (id INTEGER)")
        candidates.append(other)
    with app.app_context():
        make_user("observer")
        db.session.commit()
        before = _counts()
        for candidate in candidates:
            result = runner.invoke(args=["backup", "restore", str(candidate)], input="y\n")
            assert result.exit_code != 0, candidate.name
            assert "Replace everything" not in result.output, candidate.name  # refused before asking
            assert "Traceback" not in result.output
        assert _counts() == before


def test_a_backup_is_readable_by_its_owner_only(app, tmp_path):
    with app.app_context():
        made = app.test_cli_runner().invoke(args=["backup", "create", "--folder", str(tmp_path)])
    written = Path(made.output.split("Backup written: ", 1)[1].strip())
    assert written.stat().st_mode & 0o777 == 0o600
