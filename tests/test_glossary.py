"""The electoral glossary as data (issue 18): TBX and CSV that round-trip, a TBX file written
by another tool (translate-toolkit, what Weblate uses) read, files that are not a glossary
refused with a reason, and the UI catalogs held to the approved terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import TranslationJob
from observer_portal.services import glossary, glossary_terms
from observer_portal.services.glossary import GlossaryError, Term
from tests.briefing_helpers import make_briefing
from tests.helpers import login, make_centre, post_form
from tests.test_assistance import local

CATALOGS = Path(__file__).resolve().parents[1] / "translations"


def messages_of(code: str) -> dict[str, str]:
    """msgid → msgstr; each plural form under its own key (the English plural for n > 1)."""
    with open(CATALOGS / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    found = {}
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for index, text in enumerate(message.string):
                found[f"{message.id[min(index, 1)]}\u2063{index}"] = text  # invisible separator
        else:
            found[message.id] = message.string
    return found


@pytest.fixture
def seeded_glossary(app):
    """The installation's glossary as `flask demo` and `flask setup` load it."""
    with app.app_context():
        assert glossary_terms.load_seed(db.session, None).added == 21
        db.session.commit()


def test_the_seed_glossary_round_trips_through_tbx_and_csv():
    terms = glossary.seed_terms()
    assert len(terms) >= 20
    assert {"polling-station", "accreditation", "long-term-observer", "invataxi", "briefing", "on-duty"} <= {
        term.key for term in terms
    }
    assert all(set(term.texts) == {"en", "de", "fr", "ru", "kk"} and term.definition for term in terms)
    assert glossary.read_tbx(glossary.write_tbx(terms)) == terms
    assert glossary.read_csv(glossary.write_csv(terms)) == terms
    assert glossary.write_tbx(terms) == glossary.SEED.read_bytes()  # the file is what the code writes


def test_a_tbx_file_written_by_translate_toolkit_is_read():
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage="en", targetlanguage="ru")
    unit = store.addsourceunit("polling station")
    unit.target = "избирательный участок"
    read = glossary.read_tbx(bytes(store))
    assert [(term.key, term.texts) for term in read] == [
        ("polling-station", {"en": "polling station", "ru": "избирательный участок"})
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body>no</body></html>", "no term entries"),
        (
            b"<martif><text><body><termEntry><langSet lang='ru'><tig><term>x</term></tig></langSet></termEntry>"
            b"</body></text></martif>",
            "Term 1 has no English term",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><martif>&a;</martif>', "declares entities"),
        (b"\xff\xfe not xml", "not well-formed XML"),
    ],
)
def test_what_is_not_a_glossary_is_refused_with_a_reason(data, reason):
    with pytest.raises(GlossaryError, match=reason):
        glossary.read_tbx(data)


def test_a_csv_without_english_or_with_an_unknown_status_is_refused():
    with pytest.raises(GlossaryError, match="a column named “en”"):
        glossary.read_csv("ru\nучасток\n")
    with pytest.raises(GlossaryError, match="Line 2: the status is “approved” or “proposed”, not “maybe”"):
        glossary.read_csv("en,status\npolling station,maybe\n")


def test_an_inflected_form_is_recognised_by_its_stem():
    request = Term("request", {"en": "request", "ru": "заявка"}, stems={"ru": "заявк|заявок"})
    assert request.pattern("ru").search("Нет заявок")
    assert request.pattern("ru").search("Подать заявку")
    assert not request.pattern("ru").search("Неверный запрос")
    assert request.pattern("en").search("Open requests")
    assert not Term("visit", {"en": "visit"}).pattern("en").search("Visitors")
    anfrage = Term("request", {"en": "request", "de": "Anfrage"}, stems={"de": "anfrage"})
    assert anfrage.pattern("de").search("Jede Sprachanfrage ist vergeben.")  # German compounds


@pytest.mark.parametrize("code", ["de", "fr", "ru", "kk"])
def test_the_catalogs_use_the_approved_terms(code):
    """A message whose English names an approved term uses its approved translation (any
    inflection of the declared stem): "front desk" is «Réception» everywhere in French,
    "request" «заявка» everywhere in Russian."""
    messages = messages_of(code)
    assert glossary.inconsistencies(glossary.seed_terms(), messages, code) == []


def test_the_consistency_test_finds_a_term_translated_otherwise():
    terms = [Term("front-desk", {"en": "front desk", "fr": "réception"}, stems={"fr": "réception"})]
    messages = {"Register their visit at the front desk first.": "Enregistrez d’abord sa visite à l’accueil."}
    assert glossary.inconsistencies(terms, messages, "fr") == [
        ("front-desk", "Register their visit at the front desk first.", "Enregistrez d’abord sa visite à l’accueil.")
    ]


def test_the_command_line_exports_imports_and_checks_the_installations_glossary(app, seeded_glossary, tmp_path):
    runner = app.test_cli_runner()
    exported = tmp_path / "glossary.csv"
    result = runner.invoke(args=["glossary", "export", "--format", "csv", "--output", str(exported)])
    assert result.exit_code == 0, result.output
    assert exported.read_text(encoding="utf-8").startswith(
        '"key","status","definition","note","en","de","fr","ru","kk"'
    )
    edited = exported.read_text(encoding="utf-8").replace('"Wahllokal"', '"Wahlraum"')
    exported.write_text(edited, encoding="utf-8")
    imported = runner.invoke(args=["glossary", "import", str(exported)])
    assert imported.exit_code == 0, imported.output
    assert "0 terms added, 1 changed, 20 unchanged." in imported.output
    with app.app_context():
        assert {term.key: term.texts["de"] for term in glossary_terms.terms(db.session)}[
            "polling-station"
        ] == "Wahlraum"
    broken = tmp_path / "broken.tbx"
    broken.write_bytes(b"<html/>")
    refused = runner.invoke(args=["glossary", "import", str(broken)])
    assert refused.exit_code == 1
    assert "no term entries" in refused.output
    checked = runner.invoke(args=["glossary", "check"])
    assert checked.exit_code == 1  # "Wahlraum" is now the approved term: the catalogs say "Wahllokal"
    assert "de\tpolling-station\t" in checked.output
    with app.app_context():
        glossary_terms.merge(db.session, None, glossary.seed_terms())
        db.session.commit()
    checked = runner.invoke(args=["glossary", "check"])
    assert checked.exit_code == 0, checked.output
    assert "Every message uses the approved terms of the glossary's 21." in checked.output


# ------------------------------------------------------------------- in translation work


def test_hits_are_the_terms_of_the_text_with_their_approved_translation_and_the_drafts_misses():
    terms = glossary.seed_terms()
    text = "Адрес избирательного участка № 12 и список избирателей."
    found = glossary.hits(terms, text, "ru", "en", draft="Address of voting place No. 12 and the voter list.")
    assert [(hit.source, hit.target, hit.draft_uses_it) for hit in found] == [
        ("избирательный участок", "polling station", False),
        ("список избирателей", "voter list", True),
    ]
    assert all(hit.draft_uses_it is None for hit in glossary.hits(terms, text, "ru", "en"))
    assert glossary.hits(terms, "Nothing of ours here.", "en", "ru") == []


def test_the_language_job_workspace_shows_the_terms_and_flags_the_machine_draft(app, seeded_glossary, login_as):
    from tests.test_language_help import volunteer

    observer, _ = login_as("observer")
    with app.app_context():
        translator_email = volunteer("Timur", ["ru", "en"]).email
    form = {"source": "ru", "target": "en", "mode": "written", "text": "Адрес избирательного участка № 12."}
    response = post_form(observer, "/language-help/new", {**form, "needed_by": local(5, app)})
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        job = db.session.scalar(select(TranslationJob).where(TranslationJob.request_id == request_id))
        job.machine_draft = "Address of voting place No. 12."
        db.session.commit()
    timur = app.test_client()
    login(timur, translator_email)
    html = timur.get(f"/language-help/{request_id}/work").get_data(as_text=True)
    panel = html.split('id="glossary-heading"')[1].split("</section>")[0]
    assert '<dt lang="ru"><dfn>избирательный участок</dfn></dt>' in panel
    assert '<span class="term" lang="en">polling station</span>' in panel
    assert "The machine draft does not use this term." in panel


def test_the_briefing_translation_workspace_shows_the_terms(app, seeded_glossary, login_as):
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        briefing_id = make_briefing(make_centre("atyrau")).id  # "The region votes at 261 polling stations."
    html = coordinator.get(f"/briefings/{briefing_id}/translate/ru").get_data(as_text=True)
    panel = html.split('id="glossary-heading"')[1].split("</section>")[0]
    assert '<dt lang="en"><dfn>polling station</dfn></dt>' in panel
    assert '<span class="term" lang="ru">избирательный участок</span>' in panel
    assert "does not use" not in panel  # no machine draft to check


def test_a_proposed_term_is_shown_but_a_draft_is_not_held_to_it():
    proposed = Term("turnout", {"en": "voter turnout", "de": "Wahlbeteiligung"}, status="proposed")
    (hit,) = glossary.hits([proposed], "The voter turnout was high.", "en", "de", draft="Die Beteiligung war hoch.")
    assert not hit.approved
    assert hit.draft_uses_it is None


def test_a_declared_english_stem_finds_every_ending():
    term = Term("elect", {"en": "electorate"}, stems={"en": "elector"})
    assert term.pattern("en").search("the electoral roll")
    assert not Term("visit", {"en": "visit"}).pattern("en").search("a visitor")  # without a stem: plural only
