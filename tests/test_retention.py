"""Retention that really erases (services/erasure.py, `flask elections enforce-retention`):
after an election's retention date, a dump of every table (SQLite's, or pg_dump's) holds
none of its visitors' names, e-mails, phones, accreditation numbers or free text, while
every figure of the visit log, the coverage page and the equal-treatment report is what it was."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import (
    BriefingRead,
    EquipmentItem,
    EquipmentKind,
    HelpMode,
    Proficiency,
    Role,
    TranslationJob,
    User,
    VisitorProfile,
    VisitPurpose,
)
from observer_portal.models.base import utcnow
from observer_portal.services import visit_log
from observer_portal.services.accounts import SignUp, sign_up
from observer_portal.services.briefing_reads import record_read
from observer_portal.services.elections import ElectionInput, activate, create_election
from observer_portal.services.inventory import check_out
from observer_portal.services.language_help import overview
from observer_portal.services.language_help.filing import JobInput, file_job
from observer_portal.services.language_help.work import save_final_text
from observer_portal.services.reports import equal_treatment
from observer_portal.services.reports.daily_admin import save_note
from observer_portal.services.reports.scope import Scope
from observer_portal.services.request_actions import perform
from observer_portal.services.visitor_registry import merge_visitors
from observer_portal.services.visits import NewVisitor, VisitInput, register_visit
from observer_portal.services.workflow import Action
from tests.briefing_helpers import make_briefing
from tests.helpers import make_centre, make_user
from tests.upload_helpers import word

#: everything personal the 2022 election's visitors left behind; none may survive
SECRETS = [
    "Zarina Erasable",
    "zarina.erasable@example.org",
    "+7 701 555 0101",
    "ERASE-ACC-0001",
    "Walter Walkin",
    "walter.walkin@example.org",
    "+49 151 555 0202",
    "ERASE-PRESS-0002",
    "Duplicate Dora",
    "met at the hotel Renaissance, room 412",
    "please call my driver Yerlan",
    "Confidential statement of Zarina about precinct 17",
    "Vertrauliche Erklärung von Zarina",
    "spare battery for Walter",
    "Document of Walter Walkin",
    "comment naming Zarina",
    "the daily note naming Zarina",
]
KEPT = ["Karl Kept", "KEEP-ACC-0003"]  # came in 2022 and comes again now: kept for this election
SINCE_2022 = date(2023, 3, 1)  # the 2022 election's retention ended on 18 February 2023


def _build(app) -> dict:
    """The 2022 election, lived through the services as the centre would, then the current one."""
    with app.app_context():
        centre = make_centre("atyrau")
        past = create_election(
            db.session, None, ElectionInput({"en": "2022 election"}, date(2022, 11, 20)), active=True
        )
        desk = make_user(
            "volunteer", name="Desk Volunteer", languages={"en": Proficiency.FLUENT, "de": Proficiency.FLUENT}
        )
        desk.on_duty = True
        observer = sign_up(
            db.session,
            SignUp(
                email="zarina.erasable@example.org",
                password="a long passphrase for zarina",
                display_name="Zarina Erasable",
                role=Role.OBSERVER,
                organisation_name="OSCE/ODIHR",
                accreditation_number="ERASE-ACC-0001",
                nationality="KZ",
                phone="+7 701 555 0101",
                centre_id=centre.id,
                languages=["en", "ru"],
            ),
        )
        db.session.flush()
        walter = register_visit(
            db.session,
            desk,
            VisitInput(
                [VisitPurpose.EQUIPMENT],
                utcnow(),
                notes="met at the hotel Renaissance, room 412",
                new_visitor=NewVisitor(
                    "Walter Walkin",
                    "media",
                    "Deutsche Welle",
                    accreditation_number="ERASE-PRESS-0002",
                    nationality="DE",
                    languages=["de"],
                    phone="+49 151 555 0202",
                    contact_email="walter.walkin@example.org",
                ),
            ),
        ).visitor
        dora = register_visit(
            db.session,
            desk,
            VisitInput(
                [VisitPurpose.INTERNET], utcnow(), new_visitor=NewVisitor("Duplicate Dora", "media", "Deutsche Welle")
            ),
        ).visitor
        register_visit(
            db.session, desk, VisitInput([VisitPurpose.BRIEFING], utcnow(), visitor_id=observer.visitor_profile.id)
        )
        karl = register_visit(
            db.session,
            desk,
            VisitInput(
                [VisitPurpose.BRIEFING],
                utcnow(),
                new_visitor=NewVisitor("Karl Kept", "observer", "OSCE/ODIHR", accreditation_number="KEEP-ACC-0003"),
            ),
        ).visitor
        merge_visitors(db.session, make_user("coordinator"), walter, dora)
        written, _ = file_job(
            db.session,
            observer,
            JobInput(
                "en",
                "de",
                HelpMode.WRITTEN,
                utcnow() + timedelta(hours=5),
                text="Confidential statement of Zarina about precinct 17",
                notes="please call my driver Yerlan",
            ),
            ("en", "de", "ru"),
        )
        document, _ = file_job(
            db.session,
            observer,
            JobInput(
                "en",
                "de",
                HelpMode.DOCUMENT,
                utcnow() + timedelta(hours=5),
                document_name="walter.docx",
                document_data=word(b"<w:p><w:r><w:t>Document of Walter Walkin</w:t></w:r></w:p>"),
            ),
            ("en", "de", "ru"),
        )
        perform(db.session, desk, written, Action.START)  # routed to the desk volunteer, who speaks both
        save_final_text(db.session, desk, written, "Vertrauliche Erklärung von Zarina")
        perform(db.session, desk, written, Action.COMMENT, note="comment naming Zarina")
        perform(db.session, desk, written, Action.COMPLETE)
        item = EquipmentItem(centre_id=centre.id, kind=EquipmentKind.LAPTOP, asset_tag="ATR-LAP-09")
        db.session.add(item)
        db.session.flush()
        check_out(db.session, desk, item, walter, utcnow() + timedelta(hours=4), notes="spare battery for Walter")
        coordinator = make_user("coordinator")
        save_note(db.session, coordinator, centre.id, date(2022, 11, 20), "the daily note naming Zarina", "en")
        record_read(db.session, observer, make_briefing(centre), "en", "de")  # counted in the 2022 election
        db.session.commit()
        current = create_election(db.session, None, ElectionInput({"en": "Now"}, utcnow().date() + timedelta(days=20)))
        activate(db.session, None, current)
        register_visit(
            db.session,
            desk,
            VisitInput([VisitPurpose.BRIEFING], utcnow(), card_number="KEEP-ACC-0003", visitor_id=karl.id),
        )
        db.session.commit()
        return {
            "centre": centre.id,
            "past": past.id,
            "walter": walter.id,
            "written": written.id,
            "document": document.id,
        }


def _figures(world: dict) -> tuple:
    """What the visit log (every election, and 2022 alone) and the coverage page show as numbers."""
    figures = []
    for election_id in (None, world["past"]):
        flt = visit_log.VisitFilter(centre_id=world["centre"], timezone="Asia/Atyrau", election_id=election_id)
        figures += [
            visit_log.total(db.session, flt),
            visit_log.per_day(db.session, flt),
            visit_log.per_organisation(db.session, flt),
        ]
    figures.append(overview.coverage(db.session, world["centre"], ("en", "de", "ru")))
    scope = Scope(world["past"], date(2020, 1, 1), date(2030, 1, 1), centre_id=world["centre"])
    fairness = equal_treatment.build(db.session, scope)
    figures.append(
        (fairness.whole, fairness.kinds, [(row.organisation_id, row.figures) for row in fairness.organisations])
    )
    return tuple(figures)


def _dump(url: str) -> str:
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    from observer_portal.backups import _libpq_url, _tool

    return subprocess.run(  # noqa: S603 - our own tool on our own test database
        [_tool("pg_dump"), "--data-only", "--no-owner", _libpq_url(url)], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.commits  # the dump reads the database through a connection of its own
def test_enforce_retention_leaves_no_personal_data_in_any_table_and_every_figure_unchanged(app, db_url):
    world = _build(app)
    before_dump = _dump(db_url)
    assert [secret for secret in SECRETS + KEPT if secret not in before_dump] == []  # the dump sees them
    with app.app_context():
        before = _figures(world)

    not_yet = app.test_cli_runner().invoke(args=["elections", "enforce-retention", "--today", "2023-02-17"])
    assert not_yet.exit_code == 0
    assert "No election is past its retention date." in not_yet.output
    result = app.test_cli_runner().invoke(args=["elections", "enforce-retention", "--today", SINCE_2022.isoformat()])
    assert result.exit_code == 0, result.output
    assert "personal data of 2 visitor(s) erased" in result.output
    assert "1 kept for a later election" in result.output

    dump = _dump(db_url)
    assert [secret for secret in SECRETS if secret in dump] == []
    assert all(kept in dump for kept in KEPT)
    with app.app_context():
        assert _figures(world) == before
        job = db.session.get(TranslationJob, world["document"])
        assert job.document_data is None
        assert job.source_text == ""
        account = db.session.scalar(select(User).where(User.role == "observer"))
        assert not account.active
        assert account.email.endswith("@invalid.example")
        staff = db.session.scalars(select(User.display_name).where(User.role.in_(["volunteer", "coordinator"])))
        assert "Desk Volunteer" in set(staff)  # staff accounts are untouched
        assert db.session.get(VisitorProfile, world["walter"]).full_name == ""
        assert db.session.execute(select(BriefingRead.user_id, BriefingRead.shown_locale)).all() == [(None, "en")]

    again = app.test_cli_runner().invoke(args=["elections", "enforce-retention", "--today", SINCE_2022.isoformat()])
    assert "No election is past its retention date." in again.output


@pytest.mark.engine_independent
def test_the_pages_of_erased_work_still_open_for_staff(app, login_as):
    world = _build(app)
    app.test_cli_runner().invoke(args=["elections", "enforce-retention", "--today", SINCE_2022.isoformat()])
    coordinator, _user = login_as("coordinator", email="coord2@example.org")
    for url in (
        f"/requests/{world['written']}",
        f"/requests/{world['document']}",
        f"/visits/?election={world['past']}",
        "/visits/?election=all",
        "/requests/queue?election=all",
    ):
        response = coordinator.get(url)
        assert response.status_code == 200, url
        assert "Zarina" not in response.get_data(as_text=True)
    assert coordinator.get(f"/visits/visitors/{world['walter']}").status_code == 404  # nobody to show
