"""Words a native reader found wrong (issue 18), fixed once and kept fixed: the approved
term of each language where one was chosen, the rejected one nowhere in the catalog, and
language names written as a sentence of each language writes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from observer_portal.labels import unroutable_message

CATALOGS = Path(__file__).resolve().parents[1] / "translations"

#: (language, msgid) → the approved translation
APPROVED = {
    ("ru", "Briefing"): "Брифинг",
    ("ru", "Briefings"): "Брифинги",
    ("kk", "Status"): "Мәртебесі",
    ("kk", "Condition"): "Жай-күйі",
    ("kk", "State"): "Жағдайы",
    ("kk", "Cancelled"): "Тоқтатылды",
    ("de", "From"): "Ausgangssprache",
    ("de", "Into"): "Zielsprache",
    ("de", "Back by (local time)"): "Rückgabe bis (Ortszeit)",
    ("fr", "Language jobs"): "Tâches linguistiques",
    ("fr", "Front desk"): "Réception",
}
#: words a language's catalog must not use: what the native reader rejected, and why
REJECTED = {
    "ru": (re.compile(r"справк|справок", re.I), "a briefing is «брифинг», «справка» reads as a certificate"),
    "kk": (re.compile(r"\bжоба", re.I), "a draft is «нобай», «жоба» is a project"),
    "de": (re.compile(r"Freiwillige/r"), "one gender-neutral form: «freiwillige Person», plural «Freiwillige»"),
    "fr": (
        re.compile(r"Personne trouvé|Missions linguistiques|du %\(source\)s"),
        "agreement, and missions are observers'",
    ),
}


def catalog(code: str):
    with open(CATALOGS / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


@pytest.mark.parametrize("code", ["de", "fr", "ru", "kk"])
def test_approved_terms_are_used_and_rejected_ones_are_gone(code):
    messages = catalog(code)
    for (language, msgid), approved in APPROVED.items():
        if language == code:
            assert messages[msgid].string == approved, msgid
    pattern, why = REJECTED[code]
    found = []
    for message in messages:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [text for text in texts if text and pattern.search(text)]
    assert found == [], why


@pytest.mark.parametrize(
    ("code", "expected", "not_expected"),
    [
        ("fr", "ne parle à la fois allemand et français", "Allemand"),
        ("ru", "«немецкий» и «французский»", "«Немецкий»"),
        ("kk", "қатар білетін ешкім жоқ: неміс тілі, француз тілі.", "тілдерін"),
        ("de", "sowohl Deutsch als auch Französisch", "deutsch "),
        ("en", "both German and French", "german"),
    ],
)
def test_language_names_inside_a_sentence_are_written_as_the_language_writes_them(app, code, expected, not_expected):
    with app.test_request_context(), force_locale(code):
        sentence = unroutable_message({"code": "nobody_speaks_both", "params": {"source": "de", "target": "fr"}})
    assert expected in sentence
    assert not_expected not in sentence


def test_an_unknown_reason_is_a_sentence_not_its_code(app):
    with app.test_request_context(), force_locale("en"):
        assert unroutable_message({"code": "some_new_reason"}) == "No reason was recorded."


@pytest.mark.parametrize("code", ["en", "de", "fr", "ru", "kk"])
def test_no_two_labels_of_one_kind_read_the_same(code):
    """Statuses, kinds, conditions, actions…: two different labels of one table that read
    the same in a language would make two states indistinguishable to its readers."""
    from babel.support import Translations

    from observer_portal import labels

    translations = Translations.load(str(CATALOGS), [code])
    same = {}
    for name, table in vars(labels).items():
        if not (name.endswith(("_LABELS", "_TITLES", "_BUTTONS")) and isinstance(table, dict)):
            continue
        read = {}
        for text in table.values():
            msgid = text._msgid  # a LazyText's msgid
            read.setdefault(translations.ugettext(msgid), set()).add(msgid)
        same |= {(name, reading): msgids for reading, msgids in read.items() if len(msgids) > 1}
    assert same == {}


def test_the_portals_wording_of_a_wtforms_message_wins_over_wtforms_own():
    """WTForms' Russian "точно 1 символа" (wrong case for one) and "Выбор не может быть None"
    (a raw value) are replaced by the portal's reviewed text."""
    from observer_portal.wtforms_messages import wtforms_catalog

    russian = wtforms_catalog("ru")
    exactly = ("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.")
    assert russian.ungettext(*exactly, 1) == "Значение должно содержать ровно %(max)d символ."
    assert "None" not in russian.ugettext("Choices cannot be None.")


def test_the_words_of_the_label_tables_tell_translators_what_they_name():
    """A status, a condition, a role: one word out of context ("Cancelled", "Worn") needs
    the context a translator cannot see (a `# Translators:` comment, in the template)."""
    from observer_portal import labels

    with open(CATALOGS / "messages.pot", "rb") as template:
        commented = {message.id for message in read_po(template) if message.auto_comments}
    tables = ("ROLE_LABELS", "STATUS_LABELS", "PRIORITY_LABELS", "CONDITION_LABELS", "ACTION_LABELS")
    silent = [text._msgid for name in tables for text in getattr(labels, name).values()]
    assert [msgid for msgid in silent if msgid not in commented] == []


#: one English word used as a noun and a verb, a state of things of different genders, a
#: column whose meaning the header alone does not give: each tells translators which it is
AMBIGUOUS_WORDS = (
    "Open", "Close", "Closed", "Out", "Due", "Returned", "File", "Uploaded", "Filed", "Find",
    "From", "Into", "Kept", "Left", "Lend", "New", "Overdue", "Report", "Request", "Revoked",
    "Expired", "Show", "Visit", "Published", "Prepared", "Accepted", "Confirmed", "Deactivated",
    "Comment", "Cancelled", "Assigned",
)  # fmt: skip


def test_every_ambiguous_word_tells_translators_what_it_is():
    with open(CATALOGS / "messages.pot", "rb") as template:
        entries = [message for message in read_po(template) if message.id in AMBIGUOUS_WORDS]
    assert {message.id for message in entries} == set(AMBIGUOUS_WORDS)
    assert [message.id for message in entries if not (message.auto_comments or message.context)] == []


#: (language, context, msgid) → its translation: one English word, two uses a language words apart
CONTEXTS = {
    ("kk", "person", "Name"): "Аты-жөні",
    ("kk", "thing", "Name"): "Атауы",
    ("ru", "thing", "Name"): "Название",
    ("ru", "account", "Active"): "Активна",
    ("ru", "election", "Active"): "Активны",
    ("fr", "account", "Active"): "Actif",
    ("fr", "events", "Newest first"): "Les plus récents d’abord",
    ("fr", "requests or visits", "Newest first"): "Les plus récentes d’abord",
    ("ru", "kind of help", "Translation"): "Письменный перевод",
    ("ru", "the translated text", "Translation"): "Перевод",
    ("kk", "an account exists", "yes"): "бар",
    ("ru", "number of loans", "Equipment lent"): "Выдано единиц техники",
}


@pytest.mark.parametrize(("code", "context", "msgid"), sorted(CONTEXTS))
def test_one_english_word_in_two_uses_is_translated_for_each(app, code, context, msgid):
    from observer_portal.lazy_text import _lp

    with app.test_request_context(), force_locale(code):
        assert str(_lp(context, msgid)) == CONTEXTS[code, context, msgid]
        assert _lp(context, msgid).__html__() == CONTEXTS[code, context, msgid]


def test_a_page_uses_the_word_of_its_use(app, login_as):
    from observer_portal.extensions import db
    from observer_portal.models import OrganisationKind
    from observer_portal.services.organisations import find_or_create_organisation

    with app.app_context():
        find_or_create_organisation(db.session, "OSCE/ODIHR", OrganisationKind.OBSERVER_MISSION)
        db.session.commit()
    coordinator, _ = login_as("coordinator", preferred_locale="kk")
    assert '<th scope="col">Атауы</th>' in coordinator.get("/manage/organisations/").get_data(as_text=True)
    assert '<th scope="col">Аты-жөні</th>' in coordinator.get("/staff/").get_data(as_text=True)
