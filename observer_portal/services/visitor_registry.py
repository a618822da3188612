"""The visitor registry: browse and correct visitors, and merge a duplicate into the real person.

Duplicates happen at a busy door: the same observer registered once with an accreditation
number and once without, or under two spellings of a name. Merging keeps one profile and
moves everything of the other onto it, so no visit, request or loan is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from observer_portal import paging, policies
from observer_portal.i18n import SPOKEN_LANGUAGES
from observer_portal.labels import ROLE_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import (
    Loan,
    OrganisationKind,
    ServiceRequest,
    User,
    Visit,
    VisitorKind,
    VisitorLanguage,
    VisitorProfile,
)
from observer_portal.policies import holds_card
from observer_portal.services import ServiceError
from observer_portal.services.audit import record
from observer_portal.services.organisations import find_or_create_organisation
from observer_portal.services.visits import MAX_PHONE, search_conditions


@dataclass(frozen=True)
class RegistryRow:
    visitor: VisitorProfile
    visits: int
    last_visit: datetime | None


ALPHABETICAL = paging.Keyset((VisitorProfile.full_name, VisitorProfile.id))


@dataclass(frozen=True)
class RegistryCursor:
    """Position after the last row shown: (name, id), so pages never skip or repeat a person."""

    name: str
    id: int


def registry_page(
    session: Session, actor: User, query: str, after: RegistryCursor | None, size: int
) -> tuple[list[RegistryRow], RegistryCursor | None]:
    """The visitors `actor` may see, alphabetically, with their visits there and last visit (one query)."""
    stats = (
        select(Visit.visitor_id, func.count(Visit.id).label("visits"), func.max(Visit.arrived_at).label("last"))
        .where(*_present(policies.visit_scope(actor)))
        .group_by(Visit.visitor_id)
        .subquery()
    )
    stmt = (
        select(VisitorProfile, stats.c.visits, stats.c.last)
        .outerjoin(stats, stats.c.visitor_id == VisitorProfile.id)
        .where(VisitorProfile.full_name != "", *search_conditions(query), *_present(policies.visible_visitors(actor)))
        .options(selectinload(VisitorProfile.languages))
    )
    stmt = ALPHABETICAL.window(stmt, (after.name, after.id) if after else None, size)
    rows = [RegistryRow(visitor, visits or 0, last) for visitor, visits, last in session.execute(stmt)]
    return ALPHABETICAL.split(rows, size, lambda row: RegistryCursor(row.visitor.full_name, row.visitor.id))


def _present(*conditions):
    """The policy conditions that restrict something (None means 'no restriction')."""
    return [condition for condition in conditions if condition is not None]


def visitor_visits(session: Session, actor: User, visitor_id: int, limit: int = 100) -> list[Visit]:
    """Newest first, with the requests asked for during each visit and who handles them."""
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.visitor_id == visitor_id, *_present(policies.visit_scope(actor)))
            .options(
                selectinload(Visit.centre),
                selectinload(Visit.registered_by),
                selectinload(Visit.requests).selectinload(ServiceRequest.assignee),
            )
            .order_by(Visit.arrived_at.desc(), Visit.id.desc())
            .limit(limit)
        )
    )


def visitor_requests(session: Session, actor: User, visitor_id: int, limit: int = 100) -> list[ServiceRequest]:
    return list(
        session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.visitor_id == visitor_id, *_present(policies.request_scope(actor)))
            .options(selectinload(ServiceRequest.assignee))
            .order_by(ServiceRequest.id.desc())
            .limit(limit)
        )
    )


def possible_duplicates(session: Session, actor: User, visitor: VisitorProfile) -> list[VisitorProfile]:
    """Other visitors with the same name, whatever the case, accents and script: worth a look
    before merging."""
    from observer_portal.services.visits import same_name

    return [other for other in same_name(session, actor, visitor.full_name, limit=21) if other.id != visitor.id][:20]


def footprint(session: Session, visitor_id: int) -> dict[str, int]:
    """What a merge would move: the visitor's visits, requests and loans."""
    counts = {}
    for key, column in (
        ("visits", Visit.visitor_id),
        ("requests", ServiceRequest.visitor_id),
        ("loans", Loan.borrower_id),
    ):
        counts[key] = session.scalar(select(func.count()).where(column == visitor_id)) or 0
    return counts


@dataclass
class VisitorDetails:
    full_name: str
    kind: VisitorKind
    organisation_name: str
    accreditation_number: str = ""
    nationality: str = ""
    phone: str = ""
    contact_email: str = ""
    languages: list[str] = field(default_factory=list)


def set_visitor_languages(visitor: VisitorProfile, codes: list[str]) -> None:
    """Change the collection in place: drop what is no longer spoken, add only what is new.
    Assigning a fresh list would make the flush INSERT the new rows before it DELETEs the
    old ones, and a language kept across the change breaks the (visitor, language) UNIQUE."""
    wanted = set(codes)
    for existing in list(visitor.languages):
        if existing.language in wanted:
            wanted.discard(existing.language)
        else:
            visitor.languages.remove(existing)
    visitor.languages.extend(VisitorLanguage(language=code) for code in sorted(wanted))


def update_visitor(session: Session, actor: User, visitor: VisitorProfile, data: VisitorDetails) -> list[str]:
    """Correct a visitor's details; returns the names of the fields that changed (audited)."""
    if not visitor.full_name:
        raise ServiceError(_l("This visitor has been anonymised."))
    if not policies.can_edit_visitor(session, actor, visitor):
        raise ServiceError(
            _l(
                "This visitor's account belongs to another centre. Ask that centre or an administrator "
                "to correct the details."
            )
        )
    name = " ".join(data.full_name.split())
    if not name:
        raise ServiceError(_l("Give the full name."), field="full_name")
    if not data.organisation_name.strip():
        raise ServiceError(_l("Give the mission or media outlet."), field="organisation")
    if len(data.phone.strip()) > MAX_PHONE:
        raise ServiceError(_l("Use at most %(n)d characters.", n=MAX_PHONE), field="phone")
    if visitor.user is not None and data.kind.value != visitor.user.role.value:
        raise ServiceError(
            _l(
                "This visitor signed up as %(role)s, so this cannot be changed here.",
                role=ROLE_LABELS[visitor.user.role],
            ),
            field="kind",
        )
    accreditation = data.accreditation_number.strip() or None
    if accreditation:
        holder = session.scalar(
            select(VisitorProfile).where(holds_card(accreditation), VisitorProfile.id != visitor.id)
        )
        if holder is not None:
            raise ServiceError(
                _l("%(name)s already has this number. If it is the same person, merge the two.", name=holder.full_name),
                field="accreditation_number",
            )
    kind = OrganisationKind.OBSERVER_MISSION if data.kind == VisitorKind.OBSERVER else OrganisationKind.MEDIA_OUTLET
    organisation = find_or_create_organisation(session, data.organisation_name, kind)
    languages = sorted({code for code in data.languages if code in SPOKEN_LANGUAGES})
    new_values = {
        "full_name": name,
        "kind": data.kind,
        "organisation_id": organisation.id,
        "accreditation_number": accreditation,
        "nationality": data.nationality,
        "phone": data.phone.strip(),
        "contact_email": data.contact_email.strip().lower(),
    }
    changed = [key for key, value in new_values.items() if getattr(visitor, key) != value]
    for key in changed:
        setattr(visitor, key, new_values[key])
    if languages != visitor.language_codes:
        changed.append("languages")
        set_visitor_languages(visitor, languages)
    if changed:
        session.flush()
        record(session, actor, "visitor.updated", visitor, fields=changed)
    return changed


@dataclass(frozen=True)
class MergeResult:
    visits: int
    requests: int
    loans: int
    filled: list[str]


def _check_merge(session: Session, actor: User, keep: VisitorProfile, duplicate: VisitorProfile) -> None:
    if keep.id == duplicate.id:
        raise ServiceError(_l("Choose another visitor: a visitor cannot be merged into themselves."), field="duplicate")
    if not keep.full_name or not duplicate.full_name:
        raise ServiceError(_l("This visitor has been anonymised."), field="duplicate")
    for profile in (keep, duplicate):
        if not policies.can_merge_visitor(session, actor, profile):
            raise ServiceError(
                _l(
                    "%(name)s has also been served by another centre; ask an administrator to merge.",
                    name=profile.full_name,
                ),
                field="duplicate" if profile is duplicate else None,  # the visitor kept is not a field
            )
    if keep.user is not None and duplicate.user is not None and duplicate.user.active:
        raise ServiceError(
            _l("Both have their own sign-in account. Deactivate the account of the duplicate first, then merge."),
            field="duplicate",
        )


def merge_visitors(session: Session, actor: User, keep: VisitorProfile, duplicate: VisitorProfile) -> MergeResult:
    """Move the duplicate's visits, requests, loans, account and missing details to `keep`,
    then delete the duplicate — one transaction, audited with what moved and what was dropped."""
    # lock both rows (PostgreSQL; SQLite serialises writers): nothing is added to either meanwhile
    session.execute(
        select(VisitorProfile.id).where(VisitorProfile.id.in_([keep.id, duplicate.id])).with_for_update()
    ).all()
    _check_merge(session, actor, keep, duplicate)
    moved = {}
    for model, column in (
        (Visit, Visit.visitor_id),
        (ServiceRequest, ServiceRequest.visitor_id),
        (Loan, Loan.borrower_id),
    ):
        result = session.execute(
            update(model).where(column == duplicate.id).values({column.key: keep.id}),
            execution_options={"synchronize_session": False},
        )
        moved[model] = result.rowcount
    filled: list[str] = []
    dropped: dict[str, str] = {}
    duplicate_accreditation = duplicate.accreditation_number
    duplicate_user = duplicate.user
    if duplicate_accreditation or duplicate_user is not None:
        duplicate.accreditation_number = None  # both columns are unique: free them before `keep` takes them
        duplicate.user = None
        session.flush()
    if duplicate_accreditation and not keep.accreditation_number:
        keep.accreditation_number = duplicate_accreditation
        filled.append("accreditation_number")
    elif duplicate_accreditation and duplicate_accreditation != keep.accreditation_number:
        dropped["accreditation_number"] = duplicate_accreditation
    if duplicate_user is not None and keep.user is None:
        keep.user = duplicate_user
        filled.append("user")
        if keep.kind.value != duplicate_user.role.value:  # the account says what the person is
            keep.kind = VisitorKind(duplicate_user.role.value)
            filled.append("kind")
    elif duplicate_user is not None:
        dropped["user"] = duplicate_user.email  # a deactivated account, no longer linked
    for key in ("organisation_id", "nationality", "phone", "contact_email"):
        if not getattr(keep, key) and getattr(duplicate, key):
            setattr(keep, key, getattr(duplicate, key))
            filled.append(key)
    missing = set(duplicate.language_codes) - set(keep.language_codes)
    if missing:
        keep.languages.extend(VisitorLanguage(language=code) for code in sorted(missing))
        filled.append("languages")
    duplicate_id, duplicate_name = duplicate.id, duplicate.full_name
    session.delete(duplicate)  # its languages go with it
    session.flush()
    session.expire_all()  # visits and requests loaded earlier still point at the duplicate
    result = MergeResult(moved[Visit], moved[ServiceRequest], moved[Loan], filled)
    record(
        session,
        actor,
        "visitor.merged",
        keep,
        duplicate_id=duplicate_id,
        duplicate_name=duplicate_name,
        visits=result.visits,
        requests=result.requests,
        loans=result.loans,
        filled=filled,
        dropped=dropped or None,
    )
    return result
