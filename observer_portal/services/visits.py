"""The visitor registry and front-desk visit registration."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, false, literal, or_, select, update
from sqlalchemy.orm import Session, selectinload

from observer_portal import policies
from observer_portal.i18n import SPOKEN_LANGUAGES
from observer_portal.lazy_text import _l
from observer_portal.models import (
    Organisation,
    OrganisationKind,
    User,
    Visit,
    VisitorKind,
    VisitorLanguage,
    VisitorProfile,
    VisitPurpose,
    VisitPurposeRow,
)
from observer_portal.models.base import utcnow
from observer_portal.models.election import active_election_id
from observer_portal.search_text import search_forms, words
from observer_portal.services import InvalidInput, ServiceError, badges
from observer_portal.services.audit import record
from observer_portal.services.organisations import find_or_create_organisation

MAX_NOTES = 2000
MAX_PHONE = 40
MAX_EMAIL = 254


def search_conditions(query: str, actor: User | None = None) -> list:
    """Name containing `query` whatever the case, accents and script (search_text.py), an
    organisation containing it (case-insensitive), or an accreditation number
    containing it — among the visitors `actor` may see; of other visitors, only the whole
    number matches (the card in the visitor's hand), so nobody lists another centre's numbers."""
    query = " ".join(query.split())[:100]
    if not query:
        return []
    in_organisation = select(Organisation.id).where(Organisation.name.icontains(query, autoescape=True))
    number_contains = VisitorProfile.accreditation_number.icontains(query, autoescape=True)
    visible = policies.visible_visitors(actor) if actor is not None else None
    whole_number = policies.holds_card(query)
    return [
        or_(
            _name_has_every_word(query, whole_words=False),
            VisitorProfile.organisation_id.in_(in_organisation),
            number_contains if visible is None else or_(and_(visible, number_contains), whole_number),
        )
    ]


def search_visitors(session: Session, actor: User, query: str, limit: int = 20) -> list[VisitorProfile]:
    """The front desk's search, across centres: at least two characters, anonymised people never match."""
    if len(" ".join(query.split())) < 2:
        return []
    badge_holder = badges.visitor_of(query)
    if badge_holder is not None:  # a scanned badge: exactly its holder
        visitor = session.get(VisitorProfile, badge_holder)
        return [visitor] if visitor is not None and visitor.full_name else []
    stmt = (
        select(VisitorProfile)
        .where(VisitorProfile.full_name != "", *search_conditions(query, actor))
        .order_by(VisitorProfile.full_name, VisitorProfile.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


@dataclass
class NewVisitor:
    full_name: str
    kind: VisitorKind
    organisation_name: str
    accreditation_number: str = ""
    nationality: str = ""
    languages: list[str] = field(default_factory=list)
    phone: str = ""
    contact_email: str = ""
    different_person: bool = False  # confirmed after the desk was shown people of the same name


class LikelySamePerson(ServiceError):
    """A new visitor who may already be registered: `candidates` are shown to choose from."""

    def __init__(self, message, field: str, candidates: list[VisitorProfile]):
        super().__init__(message, field=field)
        self.candidates = candidates


def _name_has_every_word(text: str, *, whole_words: bool):
    """SQL: the visitor's name holds each word of `text`, in any order, whatever the case,
    accents and script ("Müller Hannah" and "MULLER, Hannah" are Hannah Müller); as whole
    words, or (while typing a search) as parts of words."""
    padded = literal(" ") + VisitorProfile.search_name + literal(" ")
    conditions = []
    for word in text.split():
        forms = search_forms(word)
        if forms:
            if whole_words:
                conditions.append(or_(*[padded.contains(f" {form} ", autoescape=True) for form in forms]))
            else:
                conditions.append(or_(*[VisitorProfile.search_name.contains(form, autoescape=True) for form in forms]))
    return and_(*conditions) if conditions else false()


def same_name(session: Session, actor: User, full_name: str, limit: int = 5) -> list[VisitorProfile]:
    """Visitors the actor may see whose name has every word of this one, in any order,
    whatever the case, accents and script ("Hannah Mueller", "MÜLLER, Hannah" for Hannah
    Müller; "Андрей Петров" for Andrei Petrov)."""
    if not words(full_name):
        return []
    visible = policies.visible_visitors(actor)
    stmt = select(VisitorProfile).where(
        VisitorProfile.full_name != "",
        _name_has_every_word(full_name, whole_words=True),
        *([visible] if visible is not None else []),
    )
    return list(session.scalars(stmt.order_by(VisitorProfile.id).limit(limit)))


@dataclass
class VisitInput:
    purposes: list[VisitPurpose]
    arrived_at: datetime | None  # None: not given (the form says so too)
    notes: str = ""
    visitor_id: int | None = None
    new_visitor: NewVisitor | None = None
    card_number: str = ""  # read from the card of a visitor another centre registered
    badge: str = ""  # the badge code scanned at the desk, if any


def _visitor(session: Session, actor: User, data: VisitInput) -> VisitorProfile:
    if data.visitor_id is not None:
        visitor = session.get(VisitorProfile, data.visitor_id)
        if visitor is None or not visitor.full_name:
            raise ServiceError(_l("Choose a visitor from the list."), field="visitor_id")
        shown_badge = badges.visitor_of(data.badge) == visitor.id
        if not shown_badge and not policies.can_view_visitor(session, actor, visitor):
            _check_card(visitor, data.card_number)
        return visitor
    new = data.new_visitor  # there is one: input_problems refuses an input without a visitor
    accreditation = new.accreditation_number.strip() or None
    if accreditation:
        existing = session.scalar(select(VisitorProfile).where(policies.holds_card(accreditation)))
        if existing is not None:  # never resolved silently: the person at the desk says who it is
            raise LikelySamePerson(
                _l(
                    "This card number is already registered for %(name)s. If it is them, choose them above; "
                    "otherwise check the number.",
                    name=existing.full_name,
                ),
                field="accreditation_number",
                candidates=[existing],
            )
    if not new.different_person:
        namesakes = same_name(session, actor, new.full_name)
        if namesakes:
            raise LikelySamePerson(
                _l(
                    "Someone with this name is already registered. If it is them, choose them above; if not, "
                    "confirm that this is a different person."
                ),
                field="different_person",
                candidates=namesakes,
            )
    kind = OrganisationKind.OBSERVER_MISSION if new.kind == VisitorKind.OBSERVER else OrganisationKind.MEDIA_OUTLET
    visitor = VisitorProfile(
        kind=new.kind,
        full_name=" ".join(new.full_name.split()),
        organisation=find_or_create_organisation(session, new.organisation_name, kind),
        accreditation_number=accreditation,
        nationality=new.nationality,
        phone=new.phone.strip()[:MAX_PHONE],
        contact_email=new.contact_email.strip().lower()[:MAX_EMAIL],
        languages=[VisitorLanguage(language=code) for code in sorted(set(new.languages)) if code in SPOKEN_LANGUAGES],
        centre_id=actor.centre_id,
    )
    session.add(visitor)
    session.flush()
    return visitor


def _check_card(visitor: VisitorProfile, typed: str) -> None:
    """A visitor of another centre is registered here on the number of the card they show."""
    if not visitor.accreditation_number:
        raise ServiceError(
            _l(
                "%(name)s was registered by another centre without a card number to check. Register them as a "
                "new visitor; an administrator can merge the two later.",
                name=visitor.full_name,
            ),
            field="visitor_id",
        )
    if not policies.card_matches(visitor, typed):
        raise ServiceError(
            _l(
                "%(name)s was registered by another centre: type the number on their accreditation or press "
                "card to confirm it is them.",
                name=visitor.full_name,
            ),
            field="card_number",
        )


def input_problems(data: VisitInput, now: datetime) -> list[ServiceError]:
    """Every refusal of what was typed, all at once: the desk shows them in one round, not
    one per submit (a person and a session are not needed to read them)."""
    problems = []
    if not data.purposes:
        problems.append(ServiceError(_l("Choose at least one purpose."), field="purposes"))
    if data.arrived_at is None:
        problems.append(ServiceError(_l("Give the arrival time."), field="arrived_at"))
    elif data.arrived_at > now + timedelta(minutes=5):
        problems.append(ServiceError(_l("The arrival time cannot be in the future."), field="arrived_at"))
    elif data.arrived_at < now - timedelta(days=7):
        problems.append(ServiceError(_l("Register visits within a week of the arrival."), field="arrived_at"))
    if len(data.notes) > MAX_NOTES:
        problems.append(ServiceError(_l("Use at most %(n)d characters.", n=MAX_NOTES), field="notes"))
    if data.visitor_id is None:
        new = data.new_visitor
        if new is None or not new.full_name.strip():
            problems.append(ServiceError(_l("Find the visitor, or give the name of a new one."), field="full_name"))
        if new is not None and not new.organisation_name.strip():
            problems.append(ServiceError(_l("Give the mission or media outlet."), field="organisation"))
    return problems


def register_visit(session: Session, actor: User, data: VisitInput) -> Visit:
    now = utcnow()
    if actor.centre_id is None:
        raise ServiceError(_l("Your account is not linked to a centre. Ask the centre staff for help."))
    problems = input_problems(data, now)
    if problems:
        raise InvalidInput(problems)
    visitor = _visitor(session, actor, data)
    ongoing = visit_in_progress(session, visitor.id, actor.centre_id, now)
    if ongoing is not None:  # a badge scanned twice, a page sent again: one stay, one visit
        added = sorted(set(data.purposes) - set(ongoing.purpose_codes))
        ongoing.purposes.extend(VisitPurposeRow(purpose=p) for p in added)
        if data.notes.strip():
            ongoing.notes = "\n".join(filter(None, [ongoing.notes, data.notes.strip()]))[:MAX_NOTES]
        session.flush()
        record(session, actor, "visit.registered", ongoing, continued=True, purposes_added=[str(p) for p in added])
        ongoing.stay_continued = True
        return ongoing
    visit = Visit(
        centre_id=actor.centre_id,
        visitor_id=visitor.id,
        organisation_id=visitor.organisation_id,
        visitor_kind=visitor.kind,
        arrived_at=data.arrived_at,
        registered_by_id=actor.id,
        notes=data.notes.strip(),
        purposes=[VisitPurposeRow(purpose=p) for p in sorted(set(data.purposes))],
    )
    session.add(visit)
    session.flush()
    record(session, actor, "visit.registered", visit)
    return visit


#: a visit without a "left" time counts as in progress for this long after arrival
VISIT_IN_PROGRESS = timedelta(hours=16)


def visit_in_progress(session: Session, visitor_id: int, centre_id: int, now: datetime) -> Visit | None:
    """The visitor's stay at this centre that has not ended (arrived today, nobody clicked "has
    left"), in the election being served: the desk adds to it, a request filed now links to it."""
    return session.scalar(
        select(Visit)
        .where(
            Visit.visitor_id == visitor_id,
            Visit.centre_id == centre_id,
            Visit.left_at.is_(None),
            Visit.arrived_at >= now - VISIT_IN_PROGRESS,
            or_(
                Visit.election_id == active_election_id(),
                and_(Visit.election_id.is_(None), active_election_id().is_(None)),
            ),
        )
        .options(selectinload(Visit.purposes))
        .order_by(Visit.arrived_at.desc(), Visit.id.desc())
        .limit(1)
    )


def mark_left(session: Session, actor: User, visit: Visit) -> None:
    """One click at the door; a second click changes nothing."""
    if not policies.can_change_visit(actor, visit):
        raise ServiceError(_l("You cannot change this visit."))
    session.execute(
        update(Visit).where(Visit.id == visit.id, Visit.left_at.is_(None)).values(left_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    session.expire(visit)


def todays_visits(session: Session, centre_id: int, since: datetime) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.centre_id == centre_id, Visit.arrived_at >= since)
            .options(selectinload(Visit.organisation), selectinload(Visit.requests))
            .order_by(Visit.arrived_at.desc(), Visit.id.desc())
            .limit(200)
        )
    )


def my_visits(session: Session, user: User, limit: int = 200) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .join(VisitorProfile, Visit.visitor_id == VisitorProfile.id)
            .where(VisitorProfile.user_id == user.id)
            .options(selectinload(Visit.centre))
            .order_by(Visit.arrived_at.desc(), Visit.id.desc())
            .limit(limit)
        )
    )


LOCAL_DAY_BATCH = 5000


def restate_local_days(session: Session, centre_id: int, timezone: str) -> int:
    """A centre's time zone changed: each of its visits' local day follows (the visit counts
    follow it by their triggers). Read and written in batches; returns how many moved."""
    from sqlalchemy import bindparam

    from observer_portal.models.visit import local_day

    moved = 0
    last_id = 0
    change = update(Visit).where(Visit.id == bindparam("visit_id")).values(local_day=bindparam("day"))
    while True:
        rows = session.execute(
            select(Visit.id, Visit.arrived_at, Visit.local_day)
            .where(Visit.centre_id == centre_id, Visit.id > last_id)
            .order_by(Visit.id)
            .limit(LOCAL_DAY_BATCH)
        ).all()
        if not rows:
            return moved
        last_id = rows[-1].id
        changes = [
            {"visit_id": row.id, "day": day}
            for row in rows
            if (day := local_day(row.arrived_at, timezone)) != row.local_day
        ]
        if changes:
            session.connection().execute(change, changes)
            moved += len(changes)
