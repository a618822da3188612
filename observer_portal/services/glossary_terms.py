"""The installation's glossary in the database: volunteers (its translators) propose terms,
coordinators correct and approve them, and files from translators' tools merge into it.

The portal ships a seed (`data/glossary.tbx`, the vocabulary of the seed story and the
portal's own words); `flask demo`, `flask setup` and the import page load it, adding only
the terms an installation does not have. Both translation workspaces read the terms from
here (`terms`); `services/glossary.py` reads and writes the files and finds the terms in a
text."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from observer_portal import policies
from observer_portal.collation import in_reading_order
from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import LazyText, _l
from observer_portal.models import GlossaryStatus, GlossaryTerm, User
from observer_portal.services import InvalidInput, ServiceError
from observer_portal.services.audit import record
from observer_portal.services.glossary import GlossaryError, Term, seed_terms, slug
from observer_portal.text_rules import is_one_line, is_text

MAX_TERM = 200
ENGLISH_REQUIRED = _l("Give the term in English: it is what every translation is of.")
MAX_TEXT = 2000
MAX_KEY = 80


@dataclass
class TermInput:
    """A term as a form or a file gives it: locale → term, locale → stem, and the English
    definition and note."""

    texts: dict[str, str]
    definition: str = ""
    note: str = ""
    stems: dict[str, str] = field(default_factory=dict)


def terms(session: Session) -> list[Term]:
    """The glossary as the workspaces, the files and the catalog check read it."""
    return [as_term(entry) for entry in _all(session)]


def as_term(entry: GlossaryTerm) -> Term:
    return Term(
        key=entry.key,
        texts=dict(entry.texts),
        definition=entry.definition,
        note=entry.note,
        status=entry.status.value,
        stems=dict(entry.stems or {}),
    )


def _all(session: Session) -> list[GlossaryTerm]:
    return list(session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.id)))


def listing(session: Session, query: str = "", status: GlossaryStatus | None = None) -> list[GlossaryTerm]:
    """The page's list: the terms whose text in any language, definition or note holds
    `query` (any case), proposed ones first, each group in the alphabetical order of the
    English term. A glossary is hundreds of terms, not thousands: filtered here."""
    stmt = select(GlossaryTerm).options(selectinload(GlossaryTerm.proposed_by), selectinload(GlossaryTerm.approved_by))
    if status is not None:
        stmt = stmt.where(GlossaryTerm.status == status)
    wanted = " ".join(query.split()).casefold()
    found = [
        entry
        for entry in session.scalars(stmt)
        if not wanted
        or any(wanted in text.casefold() for text in (*entry.texts.values(), entry.definition, entry.note))
    ]
    ordered = in_reading_order(found, lambda entry: entry.english, "en")
    return sorted(ordered, key=lambda entry: entry.status != GlossaryStatus.PROPOSED)


def counts(session: Session) -> dict[GlossaryStatus, int]:
    found = dict.fromkeys(GlossaryStatus, 0)
    found.update(
        session.execute(select(GlossaryTerm.status, func.count()).group_by(GlossaryTerm.status)).tuples().all()
    )
    return found


# ------------------------------------------------------------------------------ checking


def _one_line(text: str) -> str:
    """Spacing tidied and composed (NFC): "café" typed with a combining accent is the same
    term as "café"."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _clean(data: TermInput) -> TermInput:
    return TermInput(
        texts={code: _one_line(text) for code, text in data.texts.items() if code in LOCALES and text.strip()},
        definition=unicodedata.normalize("NFC", data.definition.strip()),
        note=unicodedata.normalize("NFC", data.note.strip()),
        stems={code: _one_line(text) for code, text in data.stems.items() if code in LOCALES and text.strip()},
    )


def problems(data: TermInput) -> list[ServiceError]:
    """Every problem of one term, each under its field (`text_en`, `stem_kk`, `definition`)."""
    found = []
    if not data.texts.get("en"):
        found.append(ServiceError(ENGLISH_REQUIRED, "text_en"))
    for kind, values in (("text", data.texts), ("stem", data.stems)):
        for code, text in values.items():
            if len(text) > MAX_TERM:
                found.append(ServiceError(_l("At most %(n)d characters.", n=MAX_TERM), f"{kind}_{code}"))
            elif not is_one_line(text):
                found.append(
                    ServiceError(_l("Write this on one line, without tabs or control characters."), f"{kind}_{code}")
                )
            elif kind == "stem" and not all(part.strip() for part in text.split("|")):
                found.append(
                    ServiceError(_l("Separate alternatives with “|”: none of them may be empty."), f"stem_{code}")
                )
    for name in ("definition", "note"):
        text = getattr(data, name)
        if len(text) > MAX_TEXT:
            found.append(ServiceError(_l("At most %(n)d characters.", n=MAX_TEXT), name))
        elif not is_text(text):
            found.append(ServiceError(_l("Remove the invisible control characters from this text."), name))
    return found


def _same_english(session: Session, english: str, itself: GlossaryTerm | None) -> GlossaryTerm | None:
    wanted = _english_key(english)
    for entry in _all(session):
        if entry is not itself and _english_key(entry.english) == wanted:
            return entry
    return None


def _new_key(session: Session, english: str) -> str:
    key = slug(english)[:MAX_KEY].strip("-") or "term-" + hashlib.sha256(english.encode()).hexdigest()[:12]
    taken = set(session.scalars(select(GlossaryTerm.key)))
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = f"{key[: MAX_KEY - 6]}-{number}"
    return candidate


def _checked(session: Session, data: TermInput, itself: GlossaryTerm | None) -> TermInput:
    clean = _clean(data)
    found = problems(clean)
    if not found and _same_english(session, clean.texts["en"], itself) is not None:
        found.append(ServiceError(_l("This term is in the glossary already."), "text_en"))
    if found:
        raise InvalidInput(found)
    return clean


def _fill(entry: GlossaryTerm, data: TermInput) -> None:
    entry.texts, entry.stems = data.texts, data.stems
    entry.definition, entry.note = data.definition, data.note


# ------------------------------------------------------------------------------- changes


def propose(session: Session, actor: User, data: TermInput) -> GlossaryTerm:
    """A new term, proposed: translators see it (marked as not yet approved) until a
    coordinator approves it."""
    clean = _checked(session, data, None)
    entry = GlossaryTerm(key=_new_key(session, clean.texts["en"]), status=GlossaryStatus.PROPOSED, proposed_by=actor)
    _fill(entry, clean)
    session.add(entry)
    session.flush()
    record(session, actor, "glossary.proposed", entry, term=entry.english)
    return entry


may_edit = may_remove = policies.can_change_glossary_term


def update(session: Session, actor: User, entry: GlossaryTerm, data: TermInput) -> None:
    if not may_edit(actor, entry):
        raise ServiceError(_l("Only a coordinator can change an approved term."))
    _fill(entry, _checked(session, data, entry))
    record(session, actor, "glossary.updated", entry, term=entry.english)


def approve(session: Session, actor: User, entry: GlossaryTerm) -> None:
    """Translators must use it from now on, in each language it gives."""
    if entry.status == GlossaryStatus.APPROVED:
        return
    entry.status, entry.approved_by = GlossaryStatus.APPROVED, actor
    record(session, actor, "glossary.approved", entry, term=entry.english)


def remove(session: Session, actor: User, entry: GlossaryTerm) -> None:
    if not may_remove(actor, entry):
        raise ServiceError(_l("Only a coordinator can change an approved term."))
    record(session, actor, "glossary.deleted", entry, term=entry.english)
    session.delete(entry)


# -------------------------------------------------------------------------------- files


@dataclass
class Merged:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def checked_file_terms(found: list[Term]) -> list[Term]:
    """A file's terms held to the form's rules; the first problem names its term (by its
    line in a CSV file, its place in a TBX file)."""
    for number, term in enumerate(found, start=1):
        data = _clean(TermInput(term.texts, term.definition, term.note, term.stems))
        trouble = problems(data)
        if trouble:
            raise GlossaryError(_where(term.line, number, data.texts.get("en", ""), trouble[0].message))
        term.texts, term.definition, term.note, term.stems = data.texts, data.definition, data.note, data.stems
        if len(term.key) > MAX_KEY or not is_one_line(term.key):
            term.key = ""
    return found


def _where(line: int | None, number: int, english: str, problem) -> LazyText:
    """ "Line 3 (“ballot”): …" for a CSV file, "Term 3 (“ballot”): …" for a TBX file; a term
    that would show otherwise than it is (a control character) is not shown."""
    if not (english and is_one_line(english)):
        if line:
            return _l("Line %(n)d: %(problem)s", n=line, problem=problem)
        return _l("Term %(n)d: %(problem)s", n=number, problem=problem)
    if line:
        return _l("Line %(n)d (“%(term)s”): %(problem)s", n=line, term=english, problem=problem)
    return _l("Term %(n)d (“%(term)s”): %(problem)s", n=number, term=english, problem=problem)


def _merged(entry: GlossaryTerm, term: Term) -> Term:
    """The entry with what the file gives: its languages' terms and stems, and its definition
    and note where it has one; what the file does not give stays."""
    return Term(
        key=entry.key,
        texts={**entry.texts, **term.texts},
        definition=term.definition or entry.definition,
        note=term.note or entry.note,
        status=term.status,
        stems={**(entry.stems or {}), **term.stems},
    )


def _english_key(text: str) -> str:
    return _one_line(text).casefold()


def _match(by_key: dict, by_english: dict, term: Term) -> GlossaryTerm | None:
    """The glossary's term a file's term is: the one of the same English term, else the one
    of the same key and the same English. Another tool's ids ("1", "c7") never turn a
    term into one of another English name: such a term is added."""
    english = _english_key(term.texts["en"])
    entry = by_english.get(english)
    if entry is None and term.key in by_key and _english_key(by_key[term.key].english) == english:
        entry = by_key[term.key]
    return entry


def merge(session: Session, actor: User | None, found: list[Term], *, add_only: bool = False) -> Merged:
    """Each term of a file updates the glossary's term of the same English term, or is
    added; nothing is removed, and a language, stem, definition or note the file does not
    give stays as it was. `add_only`: terms it has already are left as they are (loading
    the seed never undoes a coordinator's correction)."""
    result = Merged()
    entries = _all(session)
    by_key = {entry.key: entry for entry in entries}
    by_english = {_english_key(entry.english): entry for entry in entries}
    for term in checked_file_terms(found):
        entry = _match(by_key, by_english, term)
        if entry is None:
            key = term.key if term.key and term.key not in by_key else _new_key(session, term.texts["en"])
            entry = GlossaryTerm(key=key, proposed_by=actor)
            session.add(entry)
            result.added += 1
            merged = Term(key, term.texts, term.definition, term.note, term.status, term.stems)
        else:
            merged = _merged(entry, term)
            if add_only or as_term(entry) == merged:
                result.unchanged += 1
                continue
            result.updated += 1
        _fill(entry, TermInput(merged.texts, merged.definition, merged.note, merged.stems))
        entry.status = GlossaryStatus(merged.status)
        if entry.status == GlossaryStatus.APPROVED:
            entry.approved_by = actor
        session.flush()
        by_key[entry.key], by_english[_english_key(entry.english)] = entry, entry
    if result.added or result.updated:
        record(session, actor, "glossary.imported", None, added=result.added, updated=result.updated)
    return result


def load_seed(session: Session, actor: User | None) -> Merged:
    """The portal's own glossary, for the terms this installation does not have yet."""
    return merge(session, actor, seed_terms(), add_only=True)
