"""Importing an accreditation list: map its columns, preview every row's problems (a dry run
that writes nothing), then import all of it or nothing.

The accreditation (or press card) number is the key, compared as the front desk compares
cards (`policies.card_number`): importing the same list again changes nothing, and a
changed row updates that person, field by field. Imported people become visitor profiles of
the centre and of the election the list was uploaded for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from observer_portal.lazy_text import _l
from observer_portal.models import (
    AccreditationImport,
    ImportState,
    OrganisationKind,
    User,
    VisitorKind,
    VisitorLanguage,
    VisitorProfile,
)
from observer_portal.models.base import utcnow
from observer_portal.models.visitor import organisation_key
from observer_portal.policies import belongs_elsewhere, card_number
from observer_portal.services import ServiceError
from observer_portal.services.accreditation_files import Table, read_table
from observer_portal.services.accreditation_rows import FIELDS, Person, RowProblem, check_mapping, read_person
from observer_portal.services.audit import record
from observer_portal.services.organisations import find_by_name, find_or_create_organisation

#: what an update can change besides the columns: the election whose list the person is on
CHANGE_LABELS = {**FIELDS, "election": _l("Election")}
SHOWN_PROBLEMS = 2000  # a page lists this many; the command line prints them all


@dataclass(frozen=True)
class RowChange:
    line: int
    name: str
    fields: tuple[str, ...]


@dataclass
class Preview:
    rows: int = 0
    created: int = 0
    updated: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Rows with at least one problem."""
        return len({problem.line for problem in self.problems})

    def counts(self) -> str:
        """The line the command line prints."""
        return f"created {self.created}, updated {len(self.updated)}, unchanged {self.unchanged}, errors {self.errors}"


@dataclass
class Known:
    """An existing profile, as compared (plain values: 20,000 of them stay light)."""

    id: int
    values: dict = field(default_factory=dict)
    elsewhere: bool = False  # registered, served or imported by another centre
    has_account: bool = False


def _known(session: Session, centre_id: int) -> dict[str, Known]:
    """Every profile with a card number, as compared; which of them belong to another centre,
    and which have an account of their own (whose e-mail is theirs to change)."""
    elsewhere = set(
        session.scalars(
            select(VisitorProfile.id).where(
                VisitorProfile.accreditation_number.is_not(None), belongs_elsewhere(centre_id)
            )
        )
    )
    rows = session.execute(
        select(
            VisitorProfile.id,
            VisitorProfile.accreditation_number,
            VisitorProfile.full_name,
            VisitorProfile.kind,
            VisitorProfile.organisation_id,
            VisitorProfile.nationality,
            VisitorProfile.contact_email,
            VisitorProfile.phone,
            VisitorProfile.election_id,
            VisitorProfile.user_id,
        ).where(VisitorProfile.accreditation_number.is_not(None))
    )
    known = {
        card_number(row[1]): Known(
            row[0],
            {
                "full_name": row[2],
                "kind": row[3],
                "organisation": row[4],
                "nationality": row[5],
                "email": row[6],
                "phone": row[7],
                "election": row[8],
            },
            elsewhere=row[0] in elsewhere,
            has_account=row[9] is not None,
        )
        for row in rows
    }
    by_id = {entry.id: entry for entry in known.values()}
    languages: dict[int, list[str]] = {}
    for visitor_id, code in session.execute(select(VisitorLanguage.visitor_id, VisitorLanguage.language)):
        if visitor_id in by_id:
            languages.setdefault(visitor_id, []).append(code)
    for entry in by_id.values():
        entry.values["languages"] = tuple(sorted(languages.get(entry.id, [])))
    return known


class OrganisationNames:
    """Which registry organisation a name in the list is (looked up once per name)."""

    def __init__(self, session: Session) -> None:
        self.session, self.ids = session, {}

    def id_of(self, name: str) -> int | None:
        key = organisation_key(name)
        if key not in self.ids:
            found = find_by_name(self.session, name)
            self.ids[key] = found.id if found is not None else None
        return self.ids[key]


def _changes(person: Person, known: Known, election_id: int | None, names: OrganisationNames) -> tuple[str, ...]:
    """The fields the list changes (an empty cell changes nothing); a person on the list of
    another election than their profile's moves to this one (kept as long as it is)."""
    wanted = {
        "election": election_id,
        "email": "" if known.has_account else person.email,  # an account holder's address is theirs
        "full_name": person.full_name,
        "kind": person.kind,
        "organisation": (names.id_of(person.organisation) or -1) if person.organisation else None,
        "nationality": person.nationality,
        "phone": person.phone,
        "languages": tuple(sorted(person.languages)),
    }
    return tuple(name for name, value in wanted.items() if value and value != known.values.get(name))


def _addresses(session: Session) -> set[str]:
    """The e-mail addresses visitors already have (on their profile or as their account's)."""
    from observer_portal.models import User

    on_profiles = select(VisitorProfile.contact_email).where(VisitorProfile.contact_email != "")
    of_accounts = select(User.email).join(VisitorProfile, VisitorProfile.user_id == User.id)
    return {address.lower() for query in (on_profiles, of_accounts) for address in session.scalars(query)}


def check_table(session: Session, table: Table, upload: AccreditationImport):
    """Every row checked against the rules and the registry: (people, preview); writes nothing.
    A number that is another centre's visitor is refused: a list changes its own centre's
    people only (and says nothing more about the other)."""
    check_mapping(upload.mapping, table.header)
    preview, people, seen = Preview(rows=len(table.rows)), [], {}
    known, names, addresses = _known(session, upload.centre_id), OrganisationNames(session), _addresses(session)
    for line, cells in table.rows:
        person = read_person(line, cells, upload.mapping, upload.default_kind, preview.problems)
        if person is None:
            continue
        key = card_number(person.accreditation_number)
        if key in seen:
            preview.problems.append(
                RowProblem(line, "accreditation_number", _l("The same number as line %(line)s.", line=seen[key]))
            )
            continue
        seen[key] = line
        if key in known and known[key].elsewhere:
            preview.problems.append(
                RowProblem(
                    line,
                    "accreditation_number",
                    _l("This number is held by a visitor of another centre. Ask an administrator to check it."),
                )
            )
            continue
        if key not in known and person.email and person.email in addresses:
            preview.problems.append(  # a returning observer with a new card: not a second person
                RowProblem(
                    line,
                    "email",
                    _l(
                        "A visitor with another card number has this address already. If it is the same "
                        "person, correct the number on their page first; otherwise correct the address."
                    ),
                )
            )
            continue
        people.append(person)
        if key not in known:
            preview.created += 1
        elif changed := _changes(person, known[key], upload.election_id, names):
            preview.updated.append(RowChange(line, person.full_name, changed))
        else:
            preview.unchanged += 1
    return people, preview, known


def upload_list(
    session: Session,
    actor: User | None,  # None: the command line
    centre_id: int,
    filename: str,
    data: bytes,
    encoding: str,
    default_kind: VisitorKind,
    election_id: int | None = None,
) -> AccreditationImport:
    """Keep an uploaded list (readable, or refused now) with the columns guessed from its header,
    for an election not closed (default: the active one) — a list for the next election is
    imported while it is being prepared, and kept as long as that election is."""
    from observer_portal.models import Centre, Election, ElectionState
    from observer_portal.policies import manages
    from observer_portal.services.accreditation_rows import guess_mapping
    from observer_portal.services.elections import active_election

    table = read_table(filename, data, encoding)
    if not centre_id or session.get(Centre, centre_id) is None or (actor is not None and not manages(actor, centre_id)):
        raise ServiceError(_l("Choose a centre from the list."), field="centre")
    if election_id is None:
        active = active_election(session)
        election_id = active.id if active else None
    elif (chosen := session.get(Election, election_id)) is None or chosen.state == ElectionState.CLOSED:
        raise ServiceError(_l("Choose an election that is not closed."), field="election")
    upload = AccreditationImport(
        centre_id=centre_id,
        election_id=election_id,
        uploaded_by_id=actor.id if actor else None,
        filename=filename[-200:],
        data=data,
        encoding=table.encoding,
        mapping=guess_mapping(table.header),
        default_kind=default_kind,
    )
    session.add(upload)
    session.flush()
    return upload


def choose_columns(upload: AccreditationImport, mapping: dict[str, int], default_kind: VisitorKind) -> None:
    """What the coordinator said each column holds (checked against the file's header)."""
    check_mapping(mapping, _table(upload).header)
    upload.mapping, upload.default_kind = mapping, default_kind


def forget_stale_uploads(session: Session) -> int:
    """Lists uploaded over a day ago and never imported: their files hold personal data."""
    from datetime import timedelta

    from sqlalchemy import delete

    stale = delete(AccreditationImport).where(
        AccreditationImport.state == ImportState.UPLOADED, AccreditationImport.created_at < utcnow() - timedelta(days=1)
    )
    return session.execute(stale).rowcount


def _table(upload: AccreditationImport) -> Table:
    if upload.data is None:
        raise ServiceError(_l("This list has been imported already; its file is no longer kept."))
    return read_table(upload.filename, upload.data, upload.encoding)


def preview(session: Session, upload: AccreditationImport) -> Preview:
    _people, result, _known_rows = check_table(session, _table(upload), upload)
    return result


def run_import(session: Session, actor: User | None, upload: AccreditationImport) -> Preview:
    """All rows or none: any problem refuses the whole list (ServiceError, nothing written)."""
    people, result, known = check_table(session, _table(upload), upload)
    if result.problems:
        raise ServiceError(_l("Correct the rows listed below, then upload the list again. Nothing was imported."))
    organisations: dict[str, int | None] = {}
    names = OrganisationNames(session)

    def organisation_id(name: str, kind: VisitorKind) -> int | None:
        if not name:
            return None
        key = organisation_key(name)
        if key not in organisations:
            org_kind = (
                OrganisationKind.OBSERVER_MISSION if kind == VisitorKind.OBSERVER else OrganisationKind.MEDIA_OUTLET
            )
            organisations[key] = find_or_create_organisation(session, name, org_kind).id
        return organisations[key]

    for batch_start in range(0, len(people), 1000):
        added: list[tuple[dict, tuple[str, ...]]] = []
        moved: list[int] = []  # on this election's list, nothing else changed: one UPDATE for all
        for person in people[batch_start : batch_start + 1000]:
            entry = known.get(card_number(person.accreditation_number))
            if entry is None:
                row = {
                    "kind": person.kind,
                    "full_name": person.full_name,
                    "accreditation_number": person.accreditation_number,
                    "organisation_id": organisation_id(person.organisation, person.kind),
                    "nationality": person.nationality,
                    "contact_email": person.email,
                    "phone": person.phone,
                    "centre_id": upload.centre_id,
                    "election_id": upload.election_id,
                }
                added.append((row, person.languages))
            else:
                changed = _changes(person, entry, upload.election_id, names)
                if changed == ("election",):
                    moved.append(entry.id)
                elif changed:
                    _update(session, entry.id, person, changed, organisation_id, upload)
        _insert(session, added)
        _move_to_election(session, moved, upload)
    upload.state, upload.imported_at, upload.data = ImportState.IMPORTED, utcnow(), None
    upload.summary = {"created": result.created, "updated": len(result.updated), "unchanged": result.unchanged}
    record(session, actor, "accreditations.imported", upload, **upload.summary)
    return result


def _insert(session: Session, added: list[tuple[dict, tuple[str, ...]]]) -> None:
    """New people, a thousand per statement (and their languages), without building ORM
    objects: the import's time and memory are the list's, not the identity map's."""
    if not added:
        return
    inserted = session.execute(
        insert(VisitorProfile).returning(
            VisitorProfile.id, VisitorProfile.accreditation_number, sort_by_parameter_order=True
        ),
        [row for row, _languages in added],
    ).all()
    languages = [
        {"visitor_id": visitor_id, "language": code}
        for (visitor_id, _number), (_row, codes) in zip(inserted, added, strict=True)
        for code in codes
    ]
    if languages:
        session.execute(insert(VisitorLanguage), languages)


def _move_to_election(session: Session, visitor_ids: list[int], upload: AccreditationImport) -> None:
    """People a list of another election names again, unchanged: kept for this one (a list of
    returning observers is thousands of rows, two statements)."""
    if not visitor_ids:
        return
    chosen = VisitorProfile.id.in_(visitor_ids)
    options = {"synchronize_session": False}
    session.execute(
        update(VisitorProfile).where(chosen).values(election_id=upload.election_id), execution_options=options
    )
    session.execute(  # a visitor from before centres kept their visitors: now this one's
        update(VisitorProfile).where(chosen, VisitorProfile.centre_id.is_(None)).values(centre_id=upload.centre_id),
        execution_options=options,
    )


def _update(session: Session, visitor_id: int, person: Person, changed, organisation_id, upload) -> None:
    profile = session.get(VisitorProfile, visitor_id)
    values = {
        "full_name": person.full_name,
        "kind": person.kind,
        "nationality": person.nationality,
        "email": person.email,
        "phone": person.phone,
    }
    if profile.centre_id is None:  # a visitor from before centres kept their visitors: now this one's
        profile.centre_id = upload.centre_id
    if "email" in changed:  # a corrected address: a link sent to the old one must not work
        from observer_portal.services.invitations import revoke

        revoke(session, profile.id)
    for name in changed:
        if name == "election":
            profile.election_id = upload.election_id
        elif name == "organisation":
            profile.organisation_id = organisation_id(person.organisation, person.kind)
        elif name == "languages":
            profile.languages = [VisitorLanguage(language=code) for code in person.languages]
        else:
            setattr(profile, "contact_email" if name == "email" else name, values[name])
