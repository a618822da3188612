"""The Alembic migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from observer_portal.extensions import db
from observer_portal.migration_steps import modelled
from observer_portal.models.base import Base


@pytest.fixture
def empty_database(db_url, tmp_path):
    """A brand-new empty database of the same kind as the suite's (SQLite file or PostgreSQL)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_matches_models_and_downgrade_round_trips(empty_database, make_app):
    app = make_app(url=empty_database)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": modelled})
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()
        assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(db.engine).get_table_names())


def test_database_enforces_lowercase_unique_email(app_ctx):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (email, password_hash, display_name, role, active, on_duty, session_token, "
                "created_at, updated_at) VALUES ('UPPER@example.org', 'x', 'x', 'observer', true, false, 't1', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def test_database_refuses_unknown_role(app_ctx):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (email, password_hash, display_name, role, active, on_duty, session_token, "
                "created_at, updated_at) VALUES ('x@example.org', 'x', 'x', 'superuser', true, false, 't2', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def test_migrations_keep_data_when_stepping_back_and_forth(empty_database, make_app):
    """Rebuilding tables (SQLite batch mode) must not trip over foreign keys or lose rows."""
    from sqlalchemy import func, select

    from observer_portal.demo import load_demo
    from observer_portal.models import ServiceRequest, User

    app = make_app(url=empty_database)
    with app.app_context():
        upgrade()
        load_demo(db.session)
        db.session.commit()
        users = db.session.scalar(select(func.count(User.id)))
        requests = db.session.scalar(select(func.count(ServiceRequest.id)))
        db.session.remove()
        downgrade(revision="05a33de52786")  # before the language-help tables and the calendar column
        upgrade()
        assert db.session.scalar(select(func.count(User.id))) == users
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == requests


def test_figure_keys_migration_keeps_translated_labels_and_history(empty_database, make_app):
    """0010: labels written under figure ids still name the same figures, and the original's
    earlier snapshots learn which figure each entry was (so a restore keeps the labels)."""
    from observer_portal.models import Briefing, BriefingVersion

    app = make_app(url=empty_database)
    with app.app_context():
        upgrade(revision="7a41c2e9d0f6")
        from datetime import UTC, datetime

        from sqlalchemy import MetaData

        tables = MetaData()
        tables.reflect(db.engine)
        now = datetime(2026, 11, 1, 10, tzinfo=UTC)
        rows = [
            (
                "centres",
                {
                    "id": 1,
                    "slug": "atyrau",
                    "name": "Centre",
                    "region": "Atyrau",
                    "address": "",
                    "timezone": "Asia/Atyrau",
                    "phone": "",
                    "email": "",
                    "opening_hours": "",
                    "created_at": now,
                },
            ),
            (
                "briefings",
                {
                    "id": 1,
                    "centre_id": 1,
                    "slug": "overview",
                    "topic": "overview",
                    "published": True,
                    "original_locale": "en",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                },
            ),
            (
                "briefing_figures",
                {"id": 7, "briefing_id": 1, "position": 0, "label": "Voters", "value": 100, "unit": ""},
            ),
            (
                "briefing_figures",
                {"id": 9, "briefing_id": 1, "position": 1, "label": "Call centres", "value": 8, "unit": ""},
            ),
            (
                "briefing_translations",
                {
                    "briefing_id": 1,
                    "locale": "de",
                    "title": "Überblick",
                    "body": "",
                    "figure_labels": {"9": {"label": "Callcenter", "unit": ""}},
                    "origin": "human",
                    "state": "reviewed",
                    "source_version": 1,
                    "updated_at": now,
                },
            ),
            (
                "briefing_versions",
                {
                    "briefing_id": 1,
                    "locale": "en",
                    "source_version": 1,
                    "title": "Overview",
                    "body": "",
                    "figures": [
                        {"label": "Voters", "value": "100", "unit": ""},
                        {"label": "Call centres", "value": "8", "unit": ""},
                    ],
                    "origin": "original",
                    "state": "reviewed",
                    "saved_at": now,
                },
            ),
        ]
        for table, row in rows:
            db.session.execute(tables.tables[table].insert().values(**row))
        db.session.commit()
        upgrade()
        briefing = db.session.get(Briefing, 1)
        assert [figure.key for figure in briefing.figures] == ["7", "9"]
        german = briefing.translation("de")
        assert [german.figure_label(figure)[0] for figure in briefing.figures] == ["Voters", "Callcenter"]
        assert german.figure_labels["9"]["source"] == "Call centres"
        snapshot = db.session.scalar(db.select(BriefingVersion))
        assert [entry["id"] for entry in snapshot.figures] == ["7", "9"]


def test_language_request_placeholder_details_are_cleared(empty_database, make_app):
    """0011: "Sprachhilfe" stored as the details of a language request goes; the same words
    typed as the details of another request stay."""
    from sqlalchemy import select

    from observer_portal.demo import load_demo
    from observer_portal.models import RequestKind, ServiceRequest, TranslationJob

    app = make_app(url=empty_database)
    with app.app_context():
        upgrade()
        load_demo(db.session)
        language = db.session.scalar(select(ServiceRequest).join(TranslationJob).limit(1))
        other = db.session.scalar(select(ServiceRequest).where(ServiceRequest.kind == RequestKind.EQUIPMENT).limit(1))
        language.details = other.details = "Sprachhilfe"
        ids = language.id, other.id
        db.session.commit()
        db.session.remove()
        downgrade(revision="3b8d51f0c6a2")
        upgrade()
        assert [db.session.get(ServiceRequest, i).details for i in ids] == ["", "Sprachhilfe"]


def test_organisations_differing_in_case_are_merged_and_kept_unique(empty_database, make_app):
    """0013: "OSCE/ODIHR" and "osce/odihr " (and Cyrillic "ОБСЕ"/"обсе", which SQLite's lower()
    misses) become one organisation, their people moving to the first; the database then
    refuses a new spelling of an existing name."""
    from datetime import UTC, datetime

    from sqlalchemy import MetaData, func, select
    from sqlalchemy.exc import IntegrityError

    from observer_portal.models import Organisation, VisitorProfile
    from observer_portal.services.organisations import find_or_create_organisation

    app = make_app(url=empty_database)
    with app.app_context():
        upgrade(revision="4f6a0b9d2e71")
        tables = MetaData()
        tables.reflect(db.engine)
        now = datetime(2026, 11, 1, tzinfo=UTC)
        names = ["OSCE/ODIHR", "osce/odihr ", "ОБСЕ", "обсе", "AFP"]
        for i, name in enumerate(names, start=1):
            db.session.execute(
                tables.tables["organisations"].insert().values(id=i, name=name, kind="other", created_at=now)
            )
            db.session.execute(
                tables.tables["visitor_profiles"]
                .insert()
                .values(
                    kind="observer",
                    full_name=f"Person {i}",
                    organisation_id=i,
                    nationality="",
                    phone="",
                    contact_email="",
                    created_at=now,
                )
            )
        db.session.commit()
        upgrade()
        assert sorted(db.session.scalars(select(Organisation.name))) == ["AFP", "OSCE/ODIHR", "ОБСЕ"]
        people = dict(db.session.execute(select(VisitorProfile.full_name, VisitorProfile.organisation_id)).all())
        assert people == {"Person 1": 1, "Person 2": 1, "Person 3": 3, "Person 4": 3, "Person 5": 5}
        assert find_or_create_organisation(db.session, "  Обсе ", "other").id == 3
        assert db.session.scalar(select(func.count(Organisation.id))) == 3
        db.session.add(Organisation(name="afp", kind="other"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
