"""The electoral glossary as data: each term with its definition, an approved (or proposed)
translation in every language of the portal, a note, and the stem by which an inflected
form is still recognised ("заявк" finds заявка, заявку, заявки).

It is kept as TBX (`observer_portal/data/glossary.tbx`, TBX-Basic: the termbase exchange
format Weblate, CAT tools and translate-toolkit read and write) and can be exported and
imported as TBX or CSV (`flask glossary export|import`). The UI catalogs are tested against
it (`tests/test_glossary.py`): a message whose English names an approved term must use the
term's approved translation in every language."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - writing, and reading through defusedxml below
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml.ElementTree import fromstring

from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.services.csv_safety import csv_line, typed_text

SEED = Path(__file__).resolve().parents[1] / "data" / "glossary.tbx"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
APPROVED, PROPOSED = "approved", "proposed"
STATUSES = (APPROVED, PROPOSED)
#: TBX-Basic's administrative status values for ours
TBX_STATUS = {APPROVED: "preferredTerm-admn-sts", PROPOSED: "admittedTerm-admn-sts"}


class GlossaryError(ValueError):
    """A file that is not a glossary this portal can read: says where and why."""


@dataclass
class Term:
    key: str  # a stable identifier ("polling-station")
    texts: dict[str, str]  # locale → the term
    definition: str = ""  # in English
    note: str = ""
    status: str = APPROVED
    stems: dict[str, str] = field(default_factory=dict)  # locale → what every inflected form contains
    line: int | None = field(default=None, compare=False)  # where a CSV file gave it

    def stem(self, locale: str) -> str:
        return self.stems.get(locale) or self.texts.get(locale, "")

    def pattern(self, locale: str) -> re.Pattern:
        """Where the term stands in a text of `locale` (any case; inflected, by its stem; a
        stem may list alternatives with "|" where the word changes inside: "заявк|заявок")."""
        stem = "(?:" + "|".join(re.escape(part) for part in self.stem(locale).split("|")) + ")"
        # any ending of a declared stem (in every language, English too); without one, English
        # the term or its plural ("visit" is not "visitor"), others the term itself; German
        # compounds hold it at their end ("Sprachanfrage")
        ending = r"\w*" if self.stems.get(locale) else "s?" if locale == "en" else ""
        start = r"\w*" if locale == "de" else r"(?<!\w)"
        return re.compile(rf"{start}{stem}{ending}(?!\w)", re.IGNORECASE)


# ------------------------------------------------------------------------------------ TBX


#: TBX 2 (martif, TBX-Basic) and TBX 3 (ISO 30042:2019, namespaced) name the same parts otherwise
ENTRY, LANGUAGE, TERM_GROUP = ("termEntry", "conceptEntry"), ("langSet", "langSec"), ("tig", "ntig", "termSec")
#: a form a termbase marks as not to be used is never taken for the term
NOT_TO_USE = ("deprecatedTerm-admn-sts", "supersededTerm-admn-sts", "deprecated", "superseded")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, names: tuple[str, ...]) -> list:
    return [child for child in element if _local(child.tag) in names]


def _definition(element, *, deep: bool = True) -> str:
    """The definition of an entry (its own, `deep=False`) or of a language (anywhere in it)."""
    for child in element.iter() if deep else element:
        if _local(child.tag) == "descrip" and child.get("type") == "definition":
            return " ".join("".join(child.itertext()).split())
    return ""


def _form(group) -> tuple[str, str, str]:
    """(the term, its administrative status, its stem) of one term group of a language."""
    text = status = stem = ""
    for child in group.iter():
        name = _local(child.tag)
        if name == "term":
            text = " ".join("".join(child.itertext()).split())
        elif name == "termNote" and child.get("type") == "administrativeStatus":
            status = (child.text or "").strip()
        elif name == "termNote" and child.get("type") == "x-stem":
            stem = (child.text or "").strip()
    return text, status, stem


def read_tbx(data: bytes) -> list[Term]:
    """A TBX file's term entries: ours, or one written by another tool — TBX 2 or 3, any
    subset of the languages, regional tags (ru-RU), a definition on the entry or on a
    language, several forms per language (a form marked deprecated or superseded is never
    taken for the term). A tool that writes no id gets one from the English term."""
    try:
        root = fromstring(data)
    except Exception:  # defusedxml's (entities, bombs) and ElementTree's (not XML) errors alike
        raise GlossaryError(_l("This is not a TBX file: it is not well-formed XML, or it declares entities.")) from None
    entries = [element for element in root.iter() if _local(element.tag) in ENTRY]
    if _local(root.tag) not in ("martif", "tbx") or not entries:
        raise GlossaryError(_l("This is not a TBX file: it holds no term entries."))
    terms = []
    for number, entry in enumerate(entries, start=1):
        term = Term(key=entry.get("id", ""), texts={})
        notes = [" ".join("".join(note.itertext()).split()) for note in _children(entry, ("note",))]
        term.note = " ".join(note for note in notes if note)
        term.definition = _definition(entry, deep=False)
        statuses = []
        for language in _children(entry, LANGUAGE):
            locale = (language.get(XML_LANG) or language.get("lang") or "").split("-")[0].split("_")[0].lower()
            forms = [_form(group) for group in _children(language, TERM_GROUP)]
            usable = [form for form in forms if form[0] and form[1] not in NOT_TO_USE]
            if locale not in LOCALES or not usable:
                continue
            text, status, stem = next((form for form in usable if form[1] == TBX_STATUS[APPROVED]), usable[0])
            term.texts[locale] = text
            statuses.append(status)
            if stem:
                term.stems[locale] = stem
            if locale == "en" and not term.definition:
                term.definition = _definition(language)
        if "en" not in term.texts:
            raise GlossaryError(_l("Term %(n)d has no English term.", n=number))
        # proposed when a language's form is only admitted; approved otherwise (a tool that
        # writes no status gives the coordinator's file as it is)
        term.status = PROPOSED if TBX_STATUS[PROPOSED] in statuses else APPROVED
        term.key = term.key or slug(term.texts["en"])
        terms.append(term)
    return terms


def write_tbx(terms: list[Term]) -> bytes:
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "Observer Portal electoral glossary"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for term in terms:
        entry = ET.SubElement(body, "termEntry", {"id": term.key})
        if term.definition:
            ET.SubElement(entry, "descrip", {"type": "definition"}).text = term.definition
        if term.note:
            ET.SubElement(entry, "note").text = term.note
        for locale in LOCALES:
            if locale not in term.texts:
                continue
            tig = ET.SubElement(ET.SubElement(entry, "langSet", {XML_LANG: locale}), "tig")
            ET.SubElement(tig, "term").text = term.texts[locale]
            ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = TBX_STATUS[term.status]
            if term.stems.get(locale):
                ET.SubElement(tig, "termNote", {"type": "x-stem"}).text = term.stems[locale]
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


# ------------------------------------------------------------------------------------ CSV

CSV_COLUMNS = ["key", "status", "definition", "note", *LOCALES, *(f"stem_{code}" for code in LOCALES)]


def write_csv(terms: list[Term]) -> str:
    """Through the portal's one safe CSV writer (a term never runs as a spreadsheet formula)."""
    lines = [csv_line(CSV_COLUMNS)]
    for term in terms:
        row = [term.key, term.status, term.definition, term.note]
        row += [term.texts.get(code, "") for code in LOCALES] + [term.stems.get(code, "") for code in LOCALES]
        lines.append(csv_line(row))
    return "".join(lines)


def read_csv(text: str) -> list[Term]:
    """The portal's own CSV (or a spreadsheet's with its columns): the formula neutraliser
    the export adds (`'=…`) is taken off again, so an export imported back changes nothing."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        rows, columns = list(reader), reader.fieldnames
    except csv.Error:  # a field over the csv module's limit, a NUL byte
        raise GlossaryError(
            _l("This CSV file cannot be read: a field is too long or holds a character CSV cannot.")
        ) from None
    if not columns or "en" not in columns:
        raise GlossaryError(_l("A glossary in CSV needs a column named “en” (and one per language it translates)."))
    terms = []
    for number, raw in enumerate(rows, start=2):
        row = {name: typed_text(value or "") for name, value in raw.items() if isinstance(name, str)}
        texts = {code: " ".join(row.get(code, "").split()) for code in LOCALES if row.get(code, "").strip()}
        if "en" not in texts:
            raise GlossaryError(_l("Line %(n)d has no English term.", n=number))
        status = row.get("status", "").strip() or APPROVED
        if status not in STATUSES:
            raise GlossaryError(
                _l("Line %(n)d: the status is “approved” or “proposed”, not “%(status)s”.", n=number, status=status)
            )
        terms.append(
            Term(
                key=row.get("key", "").strip() or slug(texts["en"]),
                texts=texts,
                definition=row.get("definition", "").strip(),
                note=row.get("note", "").strip(),
                status=status,
                stems={code: row[f"stem_{code}"].strip() for code in LOCALES if row.get(f"stem_{code}", "").strip()},
                line=number,
            )
        )
    return terms


def read_file(data: bytes, filename: str) -> list[Term]:
    """A file of terms: CSV when its name says so, else TBX."""
    if not filename.lower().endswith(".csv"):
        return read_tbx(data)
    try:
        return read_csv(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise GlossaryError(_l("This CSV file is not in UTF-8: save it as “CSV UTF-8” and send it again.")) from None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def seed_terms() -> list[Term]:
    return read_tbx(SEED.read_bytes())


#: UI messages whose English word is not the glossary's term there: (term, msgid) → why
OTHER_SENSES = {
    ("request", "Bad request"): "an HTTP request",
    ("request", "The request could not be understood. Please check what you entered and try again."): "HTTP",
    ("visit", "Centre you will visit"): "the verb",
    ("briefing", "Briefing about the region"): "a spoken briefing, a purpose of a visit: not the written note",
}


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")  # "%(visits)s" names a value, not the term "visit"


def inconsistencies(terms: list[Term], messages: dict[str, str], locale: str) -> list[tuple[str, str, str]]:
    """(term, msgid, msgstr) where an English message names an approved term and its
    translation in `locale` does not use the term's approved translation (a plural form's
    msgid may carry a suffix after U+2063)."""
    found = []
    for term in terms:
        if term.status != APPROVED or locale not in term.texts:
            continue
        english, translated = term.pattern("en"), term.pattern(locale)
        for msgid, msgstr in messages.items():
            if (term.key, msgid.split("\u2063")[0]) in OTHER_SENSES:
                continue
            if msgstr and english.search(PLACEHOLDER.sub(" ", msgid)) and not translated.search(msgstr):
                found.append((term.key, msgid, msgstr))
    return found


# ------------------------------------------------------------------- in translation work


@dataclass(frozen=True)
class Hit:
    """A glossary term found in a text to translate, with its approved translation; whether
    the machine draft uses it (None: there is no draft to check)."""

    source: str
    target: str
    note: str
    approved: bool
    draft_uses_it: bool | None


def hits(terms: list[Term], text: str, source: str, target: str, draft: str | None = None) -> list[Hit]:
    """The terms of `text` (in `source`) that have a translation into `target`, in glossary order."""
    found = []
    for term in terms:
        if source in term.texts and target in term.texts and term.pattern(source).search(text):
            checked = draft is not None and term.status == APPROVED  # a proposal binds nobody yet
            uses = bool(term.pattern(target).search(draft)) if checked else None
            found.append(Hit(term.texts[source], term.texts[target], term.note, term.status == APPROVED, uses))
    return found
