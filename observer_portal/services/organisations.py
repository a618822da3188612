"""The registry of missions, delegations and outlets: coordinators add, name (in each
language), confirm and merge them (a merged duplicate's names stay as aliases of the one
kept, so the next list or sign-up that uses them finds it); sign-up and the front desk pick from it, and a name typed
there that the registry does not know becomes an unconfirmed organisation to review.

One organisation per name whatever the case, spacing or language: its registered name is
unique in the database (`name_key`), and a name is refused when it is already any
organisation's name in any language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from observer_portal.collation import in_reading_order, sort_key
from observer_portal.lazy_text import _l
from observer_portal.models import (
    BriefingRead,
    Organisation,
    OrganisationKind,
    ServiceRequest,
    User,
    Visit,
    VisitorProfile,
)
from observer_portal.models.visitor import organisation_key
from observer_portal.multilingual import tidy_texts
from observer_portal.services import ServiceError
from observer_portal.services.audit import record

MAX_NAME = 200


@dataclass
class OrganisationInput:
    name: str
    kind: OrganisationKind
    names: dict[str, str] = field(default_factory=dict)


def find_by_name(session: Session, name: str) -> Organisation | None:
    """The organisation called `name` — as registered or in any language — whatever the case."""
    key = organisation_key(name)
    if not key:
        return None
    found = session.scalar(select(Organisation).where(Organisation.name_key == key))
    if found is not None:
        return found
    for organisation in session.scalars(select(Organisation)):  # a registry is hundreds, not thousands
        others = [*(organisation.names or {}).values(), *(organisation.aliases or [])]
        if any(organisation_key(text) == key for text in others):
            return organisation
    return None


def find_or_create_organisation(session: Session, name: str, kind: OrganisationKind) -> Organisation:
    """What sign-up and the desk call with the name a person typed: the registry's
    organisation of that name, else a new one for a coordinator to confirm or merge."""
    clean = " ".join(name.split())
    existing = find_by_name(session, clean)
    if existing is not None:
        return existing
    organisation = Organisation(name=clean, kind=kind, confirmed=False)
    session.add(organisation)
    session.flush()
    return organisation


def _checked(session: Session, data: OrganisationInput, itself: Organisation | None) -> tuple[str, dict[str, str]]:
    name, names = " ".join(data.name.split()), tidy_texts(data.names)
    if not name:
        raise ServiceError(_l("Give the organisation's name."), field="name")
    if len(name) > MAX_NAME or any(len(text) > MAX_NAME for text in names.values()):
        raise ServiceError(_l("At most %(n)d characters.", n=MAX_NAME), field="name")
    if data.kind not in OrganisationKind:
        raise ServiceError(_l("Choose one of the kinds listed."), field="kind")
    for code, text in {"name": name, **{f"name_{code}": text for code, text in names.items()}}.items():
        other = find_by_name(session, text)
        if other is not None and other is not itself:
            raise ServiceError(
                _l("“%(name)s” is already in the registry: merge the two instead.", name=other.label), field=code
            )
    return name, names


def create_organisation(session: Session, actor: User, data: OrganisationInput) -> Organisation:
    name, names = _checked(session, data, None)
    organisation = Organisation(name=name, names=names, kind=data.kind, confirmed=True)
    session.add(organisation)
    session.flush()
    record(session, actor, "organisation.created", organisation)
    return organisation


def update_organisation(session: Session, actor: User, organisation: Organisation, data: OrganisationInput) -> None:
    """Saving a reviewed organisation confirms it."""
    organisation.name, organisation.names = _checked(session, data, organisation)
    organisation.kind, organisation.confirmed = data.kind, True
    record(session, actor, "organisation.updated", organisation)


def confirm(session: Session, actor: User, organisation: Organisation) -> None:
    if not organisation.confirmed:
        organisation.confirmed = True
        record(session, actor, "organisation.confirmed", organisation)


@dataclass(frozen=True)
class Merged:
    visitors: int
    visits: int


def merge(session: Session, actor: User, keep: Organisation, duplicate: Organisation) -> Merged:
    """Everything that points at `duplicate` points at `keep` afterwards; names `keep` lacks
    in a language are taken from it; then it is deleted. One transaction, audited."""
    if keep.id == duplicate.id:
        raise ServiceError(_l("Choose another organisation than this one."), field="duplicate")
    visitors = session.execute(
        update(VisitorProfile).where(VisitorProfile.organisation_id == duplicate.id).values(organisation_id=keep.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    visits = session.execute(
        update(Visit).where(Visit.organisation_id == duplicate.id).values(organisation_id=keep.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    for counted in (ServiceRequest, BriefingRead):  # the mission as recorded: the same one under its kept name
        session.execute(
            update(counted).where(counted.organisation_id == duplicate.id).values(organisation_id=keep.id),
            execution_options={"synchronize_session": False},
        )
    keep.names = {**duplicate.names, **keep.names}
    taken = {organisation_key(text) for text in [keep.name, *keep.names.values(), *(keep.aliases or [])]}
    extra = [duplicate.name, *duplicate.names.values(), *(duplicate.aliases or [])]
    keep.aliases = [*(keep.aliases or []), *dict.fromkeys(t for t in extra if organisation_key(t) not in taken)]
    keep.confirmed = True
    duplicate_name = duplicate.name
    session.delete(duplicate)
    session.flush()
    session.expire_all()
    record(session, actor, "organisation.merged", keep, duplicate_name=duplicate_name, visitors=visitors, visits=visits)
    return Merged(visitors, visits)


@dataclass(frozen=True)
class RegistryRow:
    organisation: Organisation
    visitors: int


def registry(session: Session, *, unconfirmed_only: bool = False) -> list[RegistryRow]:
    """Every organisation with its number of visitors (one grouped query), those waiting for
    review first, then by name in the reader's language."""
    counts = (
        select(VisitorProfile.organisation_id, func.count(VisitorProfile.id).label("n"))
        .group_by(VisitorProfile.organisation_id)
        .subquery()
    )
    stmt = select(Organisation, func.coalesce(counts.c.n, 0)).outerjoin(
        counts, counts.c.organisation_id == Organisation.id
    )
    if unconfirmed_only:
        stmt = stmt.where(Organisation.confirmed.is_(False))
    rows = [RegistryRow(organisation, n) for organisation, n in session.execute(stmt)]
    key = sort_key()
    return sorted(rows, key=lambda row: (row.organisation.confirmed, key(row.organisation.label)))


def suggestions(session: Session) -> list[str]:
    """What the name fields of sign-up and the desk offer: each confirmed organisation by its
    name in the reader's language and as registered."""
    offered: dict[str, str] = {}
    for organisation in session.scalars(select(Organisation).where(Organisation.confirmed.is_(True))):
        for text in (organisation.label, organisation.name):
            offered.setdefault(organisation_key(text), text)
    return sorted(offered.values(), key=sort_key())


def choices(session: Session) -> list[tuple[int, str]]:
    """(id, name in the reader's language), alphabetical: the visit log's filter."""
    organisations = session.scalars(select(Organisation))
    return in_reading_order(((o.id, o.label) for o in organisations), lambda pair: pair[1])
