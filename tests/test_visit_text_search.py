"""The visit log's text filter answers from an index on both databases (migration 0027):
FTS5 trigram tables kept by triggers on SQLite, pg_trgm GIN indexes on PostgreSQL; it finds
a visitor's name (any case, any script), card number and the visit's notes, follows every
insert, correction and deletion, and under three characters reads the rows as before."""

from __future__ import annotations

from sqlalchemy import delete, text

from observer_portal.extensions import db
from observer_portal.models import Visit, VisitorKind, VisitorProfile
from observer_portal.services import visit_log
from tests.helpers import make_centre


def _visit(centre, name: str, card: str | None = None, notes: str = "") -> Visit:
    visitor = VisitorProfile(full_name=name, kind=VisitorKind.OBSERVER, accreditation_number=card, centre_id=centre.id)
    db.session.add(visitor)
    db.session.flush()
    visit = Visit(centre_id=centre.id, visitor_id=visitor.id, visitor_kind=VisitorKind.OBSERVER, notes=notes)
    db.session.add(visit)
    db.session.flush()
    return visit


def _found(centre, words: str) -> set[int]:
    flt = visit_log.VisitFilter(centre_id=centre.id, timezone="Asia/Atyrau", text=words)
    return {visit.id for visit in db.session.scalars(visit_log.filtered(db.session, flt))}


def test_the_text_filter_finds_names_cards_and_notes_and_follows_every_change(app):
    with app.app_context():
        centre = make_centre("atyrau")
        ivanov = _visit(centre, "Иван Петрович ИВАНОВ", card="OSCE-2022-0117")
        smith = _visit(centre, "John Smith", notes="Needs a printer for 50% of the day")
        muller = _visit(centre, "Hanna Müller")
        assert _found(centre, "иванов") == {ivanov.id}  # Cyrillic, any case
        assert _found(centre, "MÜLL") == {muller.id}
        assert _found(centre, "osce-2022") == {ivanov.id}
        assert _found(centre, "50% of") == {smith.id}  # % is a character, not a wildcard
        assert _found(centre, '"quoted"') == set()
        assert _found(centre, "Jo") == {smith.id}  # two characters: read as before
        visitor = db.session.get(VisitorProfile, smith.visitor_id)
        visitor.full_name = "John Smythe"  # corrected at the desk
        db.session.flush()
        assert _found(centre, "smith") == set()
        assert _found(centre, "smythe") == {smith.id}
        db.session.get(Visit, muller.id).notes = "Brought her own laptop"
        db.session.flush()
        assert _found(centre, "own laptop") == {muller.id}
        db.session.execute(delete(Visit).where(Visit.id == muller.id))
        assert _found(centre, "own laptop") == set()


def test_the_text_filter_is_answered_from_an_index(app):
    with app.app_context():
        centre = make_centre("atyrau")
        _visit(centre, "Иван Петрович ИВАНОВ", card="OSCE-2022-0117")
        flt = visit_log.VisitFilter(centre_id=centre.id, timezone="Asia/Atyrau", text="иванов")
        statement = visit_log.filtered(db.session, flt)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text("SET LOCAL enable_seqscan = off")
            )  # a tiny table: make the planner show its options
        plan = " ".join(
            str(row)
            for row in db.session.execute(
                text(f"EXPLAIN {'QUERY PLAN ' if db.engine.dialect.name == 'sqlite' else ''}{compiled}")
            )
        )
        if db.engine.dialect.name == "postgresql":
            assert "ix_visitor_profiles_full_name_trgm" in plan, plan
        else:
            assert "VIRTUAL TABLE INDEX" in plan, plan
            assert "visitor_text" in plan, plan


def test_every_search_index_is_in_place_after_all_migrations(app):
    """SQLite drops a table's triggers when a batch migration rebuilds it (a later migration
    of visits or visitor_profiles must make them again); PostgreSQL keeps its indexes."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            names = set(db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")))
            expected = {
                "ix_visitor_profiles_full_name_trgm",
                "ix_visitor_profiles_accreditation_number_trgm",
                "ix_visits_notes_trgm",
            }
        else:
            names = set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            expected = {
                f"{index}_{event}"
                for index in ("visitor_text", "visit_notes_text")
                for event in ("insert", "update", "delete")
            }
        assert expected <= names
