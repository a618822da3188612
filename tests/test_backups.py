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


def test_a_restore_asks_first_and_refuses_what_is_not_a_backup(app, tmp_path):
    runner = app.test_cli_runner()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with app.app_context():
        refused = runner.invoke(args=["backup", "restore", str(not_a_backup), "--yes"])
        assert refused.exit_code != 0
        assert "is not a" in refused.output
        declined = runner.invoke(args=["backup", "restore", str(not_a_backup)], input="n\n")
        assert declined.exit_code != 0
        assert "Stop the portal" in declined.output
