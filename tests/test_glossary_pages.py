"""The glossary in the database (issue 18): volunteers propose terms, coordinators correct,
approve and remove them, everyone on staff downloads TBX and CSV, coordinators import files
(ours round-trips unchanged; one from another tool merges; a broken one changes nothing),
the seed loads once, every change is audited, and the workspaces follow the database."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, GlossaryStatus, GlossaryTerm
from observer_portal.services import glossary, glossary_terms
from tests.briefing_helpers import make_briefing
from tests.helpers import csrf_from, make_centre, post_form

TERM = {
    "text_en": "ballot box",
    "text_de": "Wahlurne",
    "text_fr": "urne",
    "text_ru": "избирательный ящик",
    "text_kk": "сайлау жәшігі",
    "stem_ru": "избирательн|ящик",
    "definition": "The sealed box voters put their ballots in.",
    "note": "Not the mobile box for voters at home.",
}
TOOL_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" xml:lang="en"><text><body>
<termEntry id="c7"><langSet xml:lang="en"><tig><term>Ballot paper</term></tig></langSet>
<langSet xml:lang="de"><tig><term>Stimmzettel</term>
<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig></langSet>
<langSet xml:lang="ru-RU"><tig><term>бюллетень</term></tig></langSet></termEntry>
<termEntry id="c8"><langSet xml:lang="en"><tig><term>polling station</term></tig></langSet>
<langSet xml:lang="de"><tig><term>Wahlraum</term></tig></langSet></termEntry>
</body></text></tbx>""".encode()


@pytest.fixture
def seeded(app):
    with app.app_context():
        glossary_terms.load_seed(db.session, None)
        db.session.commit()


def _entry(app, english: str) -> GlossaryTerm | None:
    with app.app_context():
        for entry in db.session.scalars(select(GlossaryTerm)):
            if entry.english == english:
                db.session.expunge(entry)
                return entry
    return None


def _actions(app) -> list[str]:
    with app.app_context():
        return [str(action) for action in db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))]


def test_a_volunteer_proposes_a_coordinator_approves_and_translators_see_it(app, seeded, login_as):
    volunteer, _ = login_as("volunteer")
    response = post_form(volunteer, "/glossary/propose", TERM)
    assert response.status_code == 302
    proposed = _entry(app, "ballot box")
    assert proposed.status == GlossaryStatus.PROPOSED
    assert proposed.texts["kk"] == "сайлау жәшігі"
    assert proposed.stems == {"ru": "избирательн|ящик"}
    listed = volunteer.get("/glossary/").get_data(as_text=True)
    assert listed.index("ballot box") < listed.index("polling station")  # waiting ones first
    assert "<strong>Proposed, not yet approved</strong>" in listed
    assert "/approve" not in listed  # a volunteer cannot approve
    assert volunteer.post(f"/glossary/{proposed.id}/approve", data={"csrf_token": csrf_from(listed)}).status_code == 403

    coordinator, _ = login_as("coordinator")
    page = coordinator.get("/glossary/").get_data(as_text=True)
    assert coordinator.post(f"/glossary/{proposed.id}/approve", data={"csrf_token": csrf_from(page)}).status_code == 302
    approved = _entry(app, "ballot box")
    assert approved.status == GlossaryStatus.APPROVED
    assert approved.approved_by_id is not None
    # the proposer may no longer change it; a coordinator may
    assert volunteer.get(f"/glossary/{proposed.id}").status_code == 403
    with app.app_context():
        briefing_id = make_briefing(make_centre("atyrau"), body="Bring the ballot box to the count.").id
    workspace = coordinator.get(f"/briefings/{briefing_id}/translate/ru").get_data(as_text=True)
    panel = workspace.split('id="glossary-heading"')[1].split("</section>")[0]
    assert '<span class="term" lang="ru">избирательный ящик</span>' in panel
    assert [action for action in _actions(app) if action.startswith("glossary.")][-2:] == [
        "glossary.proposed",
        "glossary.approved",
    ]


def test_a_proposer_corrects_their_own_proposal_but_not_another_ones(app, seeded, login_as):
    author, _ = login_as("volunteer")
    post_form(author, "/glossary/propose", TERM)
    entry = _entry(app, "ballot box")
    corrected = post_form(author, f"/glossary/{entry.id}", {**TERM, "text_fr": "urne électorale"})
    assert corrected.status_code == 302
    assert _entry(app, "ballot box").texts["fr"] == "urne électorale"
    other, _ = login_as("volunteer", email="other@example.org")
    assert other.get(f"/glossary/{entry.id}").status_code == 403
    polling = _entry(app, "polling station")
    assert author.get(f"/glossary/{polling.id}").status_code == 403  # approved: coordinators only


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"text_en": "  "}, "text_en", "Give the term in English"),
        ({"text_en": "Polling Station"}, "text_en", "This term is in the glossary already."),
        ({"text_de": "Wahl\u202eurne"}, "text_de", "Write this on one line, without tabs or control characters."),
        ({"stem_kk": "x" * 201}, "stem_kk", "longer than 200 characters"),
    ],
)
def test_a_bad_term_is_refused_at_its_field_and_nothing_is_stored(app, seeded, login_as, change, field, message):
    coordinator, _ = login_as("coordinator")
    response = post_form(coordinator, "/glossary/propose", {**TERM, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html or f'aria-describedby="{field}-' in html
    assert message.lower() in html.lower()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GlossaryTerm)) == 21


def test_a_refused_field_is_named_in_the_users_language(app, seeded, login_as):
    coordinator, _ = login_as("coordinator", preferred_locale="de")
    html = post_form(coordinator, "/glossary/propose", {**TERM, "text_en": ""}).get_data(as_text=True)
    assert "Geben Sie den Begriff auf Englisch an" in html


def test_the_downloads_round_trip_through_the_import_unchanged(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    tbx = coordinator.get("/glossary/glossary.tbx")
    assert tbx.status_code == 200
    assert "attachment" in tbx.headers["Content-Disposition"]
    csv = coordinator.get("/glossary/glossary.csv")
    assert csv.data.startswith("\ufeff".encode())
    assert b'"polling-station"' in csv.data
    for name, data in (("glossary.tbx", tbx.data), ("glossary.csv", csv.data)):
        response = post_form(
            coordinator, "/glossary/import", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
        )
        assert response.status_code == 302
        flashed = coordinator.get("/glossary/").get_data(as_text=True)
        assert "Terms added: 0. Changed: 0. Left as they were: 21." in flashed
    with app.app_context():
        assert glossary.write_tbx(glossary_terms.terms(db.session)) == tbx.data
    assert _actions(app).count("glossary.imported") == 1  # the seed's; nothing changed since, nothing recorded


def test_a_tbx_file_from_another_tool_merges_by_english_term(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    response = post_form(
        coordinator,
        "/glossary/import",
        {"file": (io.BytesIO(TOOL_TBX), "from-weblate.tbx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    added = _entry(app, "Ballot paper")
    assert added.texts == {"en": "Ballot paper", "de": "Stimmzettel", "ru": "бюллетень"}
    assert added.status == GlossaryStatus.APPROVED
    assert added.key == "c7"
    polling = _entry(app, "polling station")
    assert polling.key == "polling-station"
    assert polling.texts["de"] == "Wahlraum"  # the file's German; its other languages stay
    assert polling.texts["kk"] == "сайлау учаскесі"
    assert _actions(app)[-1] == "glossary.imported"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.tbx", b"<html/>", "it holds no term entries"),
        ("bomb.tbx", b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><martif>&a;</martif>', "entities"),
        ("terms.csv", "en,de\nWahl\u202eurne,x\n".encode(), "Line 2: Write this on one line"),
        ("terms.csv", b"en,status\nballot,maybe\n", "Line 2: the status is"),
        ("terms.csv", "en\nurne électorale\n".encode("latin-1"), "not in UTF-8"),
        ("big.tbx", b" " * (1024 * 1024 + 1), "larger than 1 MB"),
    ],
)
def test_a_file_that_is_not_a_glossary_is_refused_and_changes_nothing(app, seeded, login_as, name, data, message):
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        before = glossary.write_tbx(glossary_terms.terms(db.session))
    response = post_form(
        coordinator, "/glossary/import", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert glossary.write_tbx(glossary_terms.terms(db.session)) == before


def test_loading_the_seed_adds_only_what_is_missing_and_keeps_corrections(app, login_as):
    coordinator, _ = login_as("coordinator")
    empty = coordinator.get("/glossary/").get_data(as_text=True)
    assert "The glossary is empty." in empty
    assert "/glossary/import" in empty
    page = coordinator.get("/glossary/import").get_data(as_text=True)
    assert coordinator.post("/glossary/load-seed", data={"csrf_token": csrf_from(page)}).status_code == 302
    polling = _entry(app, "polling station")
    post_form(coordinator, f"/glossary/{polling.id}", {**_form_of(polling), "text_de": "Wahlraum"})
    page = coordinator.get("/glossary/import").get_data(as_text=True)
    coordinator.post("/glossary/load-seed", data={"csrf_token": csrf_from(page)})
    assert "Terms added: 0. Changed: 0. Left as they were: 21." in coordinator.get("/glossary/").get_data(as_text=True)
    assert _entry(app, "polling station").texts["de"] == "Wahlraum"


def _form_of(entry: GlossaryTerm) -> dict[str, str]:
    data = {f"text_{code}": text for code, text in entry.texts.items()}
    data.update({f"stem_{code}": text for code, text in (entry.stems or {}).items()})
    return {**data, "definition": entry.definition, "note": entry.note}


def test_a_coordinator_removes_a_term_and_the_audit_log_names_it(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    invataxi = _entry(app, "invataxi")
    page = coordinator.get(f"/glossary/{invataxi.id}").get_data(as_text=True)
    assert coordinator.post(f"/glossary/{invataxi.id}/remove", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert _entry(app, "invataxi") is None
    assert _actions(app)[-1] == "glossary.deleted"
    admin, _ = login_as("admin")
    audit = admin.get("/staff/audit").get_data(as_text=True)
    assert "Glossary term removed" in audit


def test_the_list_searches_every_language_and_filters_by_status(app, seeded, login_as):
    volunteer, _ = login_as("volunteer")
    post_form(volunteer, "/glossary/propose", TERM)
    found = volunteer.get("/glossary/?q=УЧАСТ").get_data(as_text=True).split("<table")[1]  # Russian, any case
    assert "polling station" in found
    assert "ballot box" not in found
    proposed = volunteer.get("/glossary/?status=proposed").get_data(as_text=True).split("<table")[1]
    assert "ballot box" in proposed
    assert "polling station" not in proposed
    refused = volunteer.get("/glossary/?status=secret")
    assert refused.status_code == 400
    assert "<table" not in refused.get_data(as_text=True)  # nothing shown as matching a refused search
    assert "No term matches this search." in volunteer.get("/glossary/?q=zzzz").get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "observer", "media"])
def test_the_glossary_is_for_staff(app, login_as, role):
    client, _ = login_as(role)
    response = client.get("/glossary/")
    assert response.status_code in (302, 403)


# ------------------------------------------------------- what an outside review found


def _import(coordinator, name: str, data: bytes):
    return post_form(
        coordinator, "/glossary/import", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


PARTIAL_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<tbx xml:lang="en"><text><body><termEntry>
<langSet xml:lang="en-GB"><descrip type="definition">Where voters cast their ballots.</descrip>
<tig><term>Polling station</term></tig></langSet>
<langSet xml:lang="ru-RU">
<tig><term>избирательный участок (ИУ)</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
</langSet></termEntry></body></text></tbx>""".encode()


def test_a_partial_file_keeps_what_it_does_not_give_and_never_takes_a_deprecated_form(app, seeded, login_as):
    before = _entry(app, "polling station")
    coordinator, _ = login_as("coordinator")
    assert _import(coordinator, "partial.tbx", PARTIAL_TBX).status_code == 302
    after = _entry(app, "Polling station")
    assert after.id == before.id
    assert after.texts == {**before.texts, "en": "Polling station"}  # de, fr, ru, kk kept; ru not the deprecated form
    assert (after.note, after.stems) == (before.note, before.stems)
    assert after.definition == "Where voters cast their ballots."  # given on the English language


def test_another_tools_ids_never_turn_a_term_into_another(app, seeded, login_as):
    clash = b"""<martif type="TBX-Basic"><text><body>
    <termEntry id="visit"><langSet xml:lang="en"><tig><term>ballot paper</term></tig></langSet></termEntry>
    <termEntry id="1"><langSet xml:lang="en"><tig><term>VOLUNTEER</term></tig></langSet></termEntry>
    </body></text></martif>"""
    coordinator, _ = login_as("coordinator")
    assert _import(coordinator, "other-tool.tbx", clash).status_code == 302
    assert _entry(app, "visit") is not None  # the seed's "visit" keeps its name
    assert _entry(app, "ballot paper").key != "visit"
    with app.app_context():
        english = [entry.english.casefold() for entry in db.session.scalars(select(GlossaryTerm))]
    assert len(english) == len(set(english)) == 22  # "VOLUNTEER" is the seed's volunteer, not a second one


def test_the_csv_export_imported_back_changes_nothing_even_for_formula_like_text(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    for english, note in (("+1+1", "- first\n- second"), ("@SUM(A1)", "=1+1"), ("-2+3", "")):
        post_form(coordinator, "/glossary/propose", {**TERM, "text_en": english, "note": note})
    exported = coordinator.get("/glossary/glossary.csv")
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert b"'+1+1" in exported.data  # a spreadsheet never runs it
    with app.app_context():
        before = glossary.write_tbx(glossary_terms.terms(db.session))
    assert _import(coordinator, "glossary.csv", exported.data).status_code == 302
    assert "Terms added: 0. Changed: 0. Left as they were: 24." in coordinator.get("/glossary/").get_data(as_text=True)
    with app.app_context():
        assert glossary.write_tbx(glossary_terms.terms(db.session)) == before


def test_a_tbx_3_file_is_read(app, seeded, login_as):
    tbx3 = """<?xml version="1.0"?>
    <tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en"><text><body>
    <conceptEntry id="c1"><descrip type="definition">A list of voters.</descrip>
    <langSec xml:lang="en"><termSec><term>electoral roll</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
    <langSec xml:lang="kk"><termSec><term>сайлаушылар тізімі</term></termSec></langSec>
    </conceptEntry></body></text></tbx>""".encode()
    coordinator, _ = login_as("coordinator")
    assert _import(coordinator, "v3.tbx", tbx3).status_code == 302
    roll = _entry(app, "electoral roll")
    assert roll.texts == {"en": "electoral roll", "kk": "сайлаушылар тізімі"}
    assert roll.definition == "A list of voters."


def test_a_csv_with_an_enormous_field_is_refused_with_its_reason(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    response = _import(coordinator, "big.csv", b"en,note\nbig," + b"a" * 200_000 + b"\n")
    assert response.status_code == 422
    assert "a field is too long" in response.get_data(as_text=True)


def test_a_csv_problem_names_its_line(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    response = _import(coordinator, "terms.csv", "en,stem_ru\nfine,\nbad,заявк|\n".encode())
    assert response.status_code == 422
    assert "Line 3 (“bad”): Separate alternatives with “|”" in response.get_data(as_text=True)


def test_the_same_term_composed_otherwise_is_the_same_term(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    assert post_form(coordinator, "/glossary/propose", {**TERM, "text_en": "café list"}).status_code == 302
    again = post_form(coordinator, "/glossary/propose", {**TERM, "text_en": "cafe\u0301 list"})
    assert again.status_code == 422
    assert "This term is in the glossary already." in again.get_data(as_text=True)


def test_every_problem_of_a_term_is_told_at_once_and_each_field_by_its_name(app, seeded, login_as):
    coordinator, _ = login_as("coordinator")
    html = post_form(coordinator, "/glossary/propose", {"text_en": "", "stem_ru": "x" * 201}).get_data(as_text=True)
    assert "Give the term in English" in html
    assert "Stem: Русский: Field cannot be longer than 200 characters." in html


def test_the_audit_log_names_a_removed_term_and_counts_an_import_for_every_centres_coordinators(app, seeded, login_as):
    from tests.helpers import make_user

    with app.app_context():
        other_email = make_user("coordinator", email="karaganda@example.org", centre="karaganda").email
    coordinator, _ = login_as("coordinator")
    invataxi = _entry(app, "invataxi")
    page = coordinator.get(f"/glossary/{invataxi.id}/remove")
    assert page.status_code == 200
    assert "Remove it" in page.get_data(as_text=True)  # asked first
    coordinator.post(f"/glossary/{invataxi.id}/remove", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    _import(coordinator, "t.tbx", TOOL_TBX)
    from tests.helpers import login

    karaganda = app.test_client()
    login(karaganda, other_email)
    audit = karaganda.get("/staff/audit").get_data(as_text=True)
    assert "Glossary term removed" in audit
    assert "Glossary term “invataxi”" in audit
    assert "Terms added: 1. Changed: 1." in audit


def test_a_volunteer_withdraws_their_own_proposal(app, seeded, login_as):
    volunteer, _ = login_as("volunteer")
    post_form(volunteer, "/glossary/propose", TERM)
    entry = _entry(app, "ballot box")
    assert post_form(volunteer, f"/glossary/{entry.id}/remove", {}).status_code == 302
    assert _entry(app, "ballot box") is None
    polling = _entry(app, "polling station")
    assert volunteer.get(f"/glossary/{polling.id}/remove").status_code == 403
