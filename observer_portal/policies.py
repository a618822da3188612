"""Who may see and change what: one place for every per-object, per-centre rule.

Routes declare which *roles* may open them (`permissions.roles_required`); this module
answers the question for one *object*: a visitor, a visit, a request, a briefing, an item
of equipment. Views, templates and services ask these functions, never `user.role`, and
`tests/test_policies.py` walks objects × roles × centres against a table written by hand.

Visitors.

A visitor (observer or journalist) can be served by several centres: observers travel
between regions. A visitor *belongs* to a centre when their account is registered
there, or when they have a visit, a request or a loan there. The rules:

- Admins see and change every visitor.
- Volunteers and coordinators see a visitor who belongs to their centre, or who
  belongs to no centre yet (a profile nobody has served). On the visitor's page they
  see only their own centre's visits and requests.
- They correct the details of a visitor they may see, unless the visitor has an
  account of another centre: that centre (or an admin) keeps it up to date.
- A coordinator merges two profiles — which deletes one — only when every visit,
  request, loan and account of both is at their own centre; otherwise an admin does.
- The front desk's search finds visitors everywhere (name and mission only), so a
  travelling observer is registered, not created a second time. Registering the visit
  of a visitor who belongs to another centre takes the number on their accreditation or
  press card (`card_matches`): a volunteer cannot make anyone "belong" to their centre,
  and so see their details, by choosing an id. Requests are filed for visitors one sees.

Views ask these functions (404 for a visitor one may not see, a clear refusal for a
merge), services ask them again, and `tests/test_object_matrix.py` walks objects ×
roles × centres.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from observer_portal.i18n import LOCALES
from observer_portal.models import (
    Briefing,
    EquipmentItem,
    GlossaryStatus,
    GlossaryTerm,
    Loan,
    Role,
    ServiceRequest,
    User,
    Visit,
    VisitorProfile,
)
from observer_portal.services.workflow import Action, Relation, allowed_actions


def _footprints(centre_id: int | None, *, elsewhere: bool = False) -> list[ColumnElement[bool]]:
    """Conditions 'the visitor has a visit / request / loan / account (at `centre_id`; with
    `elsewhere`, at another centre than it), or was registered or imported there'."""

    def at(column) -> list:
        if centre_id is None:
            return []
        return [column != centre_id] if elsewhere else [column == centre_id]

    return [
        exists().where(Visit.visitor_id == VisitorProfile.id, *at(Visit.centre_id)),
        exists().where(ServiceRequest.visitor_id == VisitorProfile.id, *at(ServiceRequest.centre_id)),
        exists().where(
            Loan.borrower_id == VisitorProfile.id, Loan.item_id == EquipmentItem.id, *at(EquipmentItem.centre_id)
        ),
        exists().where(User.id == VisitorProfile.user_id, *at(User.centre_id), User.centre_id.is_not(None)),
        VisitorProfile.centre_id.is_not(None) if centre_id is None else at(VisitorProfile.centre_id)[0],
    ]


def belongs_elsewhere(centre_id: int) -> ColumnElement[bool]:
    """SQL condition on VisitorProfile: another centre registered, served or imported them
    (their data is that centre's to change, not a list's another centre uploads)."""
    return or_(*_footprints(centre_id, elsewhere=True))


# ---------------------------------------------------------------- centres and accounts


def centre_scope(actor: User) -> int | None:
    """The centre whose records `actor` works with: their own; None for an admin (every centre)."""
    return None if actor.role == Role.ADMIN else actor.centre_id


def works_at(actor: User, centre_id: int | None) -> bool:
    """May `actor` act on a record of this centre (an admin on every centre's)?"""
    return actor.role == Role.ADMIN or (
        actor.role.is_staff and actor.centre_id is not None and actor.centre_id == centre_id
    )


def manages(actor: User, centre_id: int | None) -> bool:
    """Does `actor` run this centre: one of its coordinators, or an admin?"""
    return actor.role == Role.ADMIN or (actor.role == Role.COORDINATOR and works_at(actor, centre_id))


def visible_visitors(actor: User) -> ColumnElement[bool] | None:
    """SQL condition on VisitorProfile for the visitors `actor` may see; None means all."""
    if actor.role == Role.ADMIN:
        return None
    if actor.role not in (Role.VOLUNTEER, Role.COORDINATOR) or actor.centre_id is None:
        return VisitorProfile.id.is_(None)  # nobody
    return or_(*_footprints(actor.centre_id), not_(or_(*_footprints(None))))


def visitor_centres(session: Session, visitor_id: int) -> set[int]:
    """Every centre the visitor belongs to."""
    queries = (
        select(Visit.centre_id).where(Visit.visitor_id == visitor_id),
        select(ServiceRequest.centre_id).where(ServiceRequest.visitor_id == visitor_id),
        select(EquipmentItem.centre_id)
        .join(Loan, Loan.item_id == EquipmentItem.id)
        .where(Loan.borrower_id == visitor_id),
        select(User.centre_id)
        .join(VisitorProfile, VisitorProfile.user_id == User.id)
        .where(VisitorProfile.id == visitor_id, User.centre_id.is_not(None)),
        select(VisitorProfile.centre_id).where(VisitorProfile.id == visitor_id, VisitorProfile.centre_id.is_not(None)),
    )
    return {centre for query in queries for centre in session.scalars(query.distinct())}


def can_view_visitor(session: Session, actor: User, visitor: VisitorProfile) -> bool:
    if actor.role == Role.ADMIN:
        return True
    if actor.role not in (Role.VOLUNTEER, Role.COORDINATOR) or actor.centre_id is None:
        return False
    centres = visitor_centres(session, visitor.id)
    return not centres or actor.centre_id in centres


def visible_ids(session: Session, actor: User, ids: list[int]) -> set[int]:
    """Which of these visitors `actor` may see (one query)."""
    if not ids:
        return set()
    stmt = select(VisitorProfile.id).where(VisitorProfile.id.in_(ids))
    condition = visible_visitors(actor)
    return set(session.scalars(stmt if condition is None else stmt.where(condition)))


#: what may separate the parts of a card number, as printed or as typed: not part of it
CARD_SEPARATORS = (" ", "-", "/", ".")
#: dashes and spaces a phone keyboard or a pasted document puts in place of "-" and " "
TYPOGRAPHIC_SEPARATORS = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-") | dict.fromkeys("\u00a0\u202f\u2009", " ")
)


def card_number(text: str | None) -> str:
    """A card number as compared: in capitals, without spaces, hyphens, slashes or dots
    ("odihr sto 0312" and "ODIHR-STO-0312" are one card)."""
    text = (text or "").upper().translate(TYPOGRAPHIC_SEPARATORS)
    for separator in CARD_SEPARATORS:
        text = text.replace(separator, "")
    return text


def holds_card(typed: str) -> ColumnElement[bool]:
    """SQL: the visitor's number on file is this one, as `card_number` compares them:
    "press-rtr 3390" typed at the desk is PRESS-RTR-3390's holder, never a second person."""
    stored = func.upper(VisitorProfile.accreditation_number)
    for separator in CARD_SEPARATORS:
        stored = func.replace(stored, separator, "")
    return stored == card_number(typed)


def card_matches(visitor: VisitorProfile, typed: str) -> bool:
    """The number read from the card shown at the desk is the one on file."""
    on_file = card_number(visitor.accreditation_number)
    return bool(on_file) and on_file == card_number(typed)


def can_edit_visitor(session: Session, actor: User, visitor: VisitorProfile) -> bool:
    if not can_view_visitor(session, actor, visitor):
        return False
    account = visitor.user
    home = account.centre_id if account is not None else None
    return actor.role == Role.ADMIN or home is None or home == actor.centre_id


def can_merge_visitor(session: Session, actor: User, visitor: VisitorProfile) -> bool:
    """May `actor` merge this profile (as the one kept or the one removed)?"""
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.COORDINATOR or actor.centre_id is None:
        return False
    return visitor_centres(session, visitor.id) <= {actor.centre_id}


def can_manage_user(actor: User, target: User) -> bool:
    """Coordinators manage staff and visitors of their own centre; admins manage everyone."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.COORDINATOR or target.role == Role.ADMIN:
        return False
    return target.centre_id is not None and target.centre_id == actor.centre_id


def assignable_roles(actor: User) -> tuple[Role, ...]:
    """Roles a manager may give to staff accounts they create or edit."""
    if actor.role == Role.ADMIN:
        return (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
    if actor.role == Role.COORDINATOR:
        return (Role.VOLUNTEER, Role.COORDINATOR)
    return ()


# ---------------------------------------------------------------- requests


def relations(user: User, request: ServiceRequest) -> frozenset[Relation]:
    """How `user` stands to a request: requester, assignee, manager (a coordinator of its
    centre, or an admin), staff of its centre — or other. The workflow's rules are per relation."""
    found: set[Relation] = set()
    if request.requester_id is not None and request.requester_id == user.id:
        found.add(Relation.REQUESTER)
    if request.assignee_id is not None and request.assignee_id == user.id:
        found.add(Relation.ASSIGNEE)
    if user.active and user.role == Role.ADMIN:
        found.add(Relation.MANAGER)
    elif user.active and user.centre_id == request.centre_id:
        if user.role == Role.COORDINATOR:
            found.add(Relation.MANAGER)
        if user.role in (Role.VOLUNTEER, Role.COORDINATOR):
            found.add(Relation.STAFF)
    return frozenset(found) or frozenset({Relation.OTHER})


def can_view(user: User, request: ServiceRequest) -> bool:
    return relations(user, request) != frozenset({Relation.OTHER})


def actions_for(user: User, request: ServiceRequest) -> list[Action]:
    """What `user` may do with the request now (views and templates ask this, never the role)."""
    return allowed_actions(request.status, relations(user, request))


def may_work_on(user: User, request: ServiceRequest) -> bool:
    """Open the translation workspace: the assignee, or a manager of the request."""
    return bool({Relation.ASSIGNEE, Relation.MANAGER} & relations(user, request))


def visit_scope(actor: User) -> ColumnElement[bool] | None:
    """Which of a visitor's visits and requests `actor` sees listed: their centre's (admins: all)."""
    if actor.role == Role.ADMIN:
        return None
    return and_(Visit.centre_id == actor.centre_id)


def request_scope(actor: User) -> ColumnElement[bool] | None:
    if actor.role == Role.ADMIN:
        return None
    return and_(ServiceRequest.centre_id == actor.centre_id)


def can_be_assigned(user: User, request: ServiceRequest) -> bool:
    """May the request be given to `user`: active staff of its centre (admins run, not serve)."""
    return user.active and user.role in (Role.VOLUNTEER, Role.COORDINATOR) and user.centre_id == request.centre_id


# ---------------------------------------------------------------- visits


def can_change_visit(actor: User, visit: Visit) -> bool:
    """Mark a visit as ended, and so on: staff of the centre where it happened."""
    return works_at(actor, visit.centre_id)


# ---------------------------------------------------------------- briefings


def can_edit_briefing(user: User, centre_id: int) -> bool:
    """Write, publish, restore: the centre's coordinators and admins."""
    return manages(user, centre_id)


def can_translate_briefing(user: User, briefing: Briefing, locale: str) -> bool:
    """Coordinators of the centre, admins, and volunteers of the centre who speak the locale."""
    if locale not in LOCALES or locale == briefing.original_locale:
        return False
    if manages(user, briefing.centre_id):
        return True
    return user.role == Role.VOLUNTEER and works_at(user, briefing.centre_id) and locale in user.language_codes


def can_view_unpublished_briefing(user, briefing: Briefing) -> bool:
    """A draft briefing is seen by the staff of its centre (and admins) only."""
    return bool(user and user.is_authenticated and works_at(user, briefing.centre_id))


# ---------------------------------------------------------------- equipment


def can_see_item(user: User, item: EquipmentItem) -> bool:
    """See an item, lend it and take it back: staff of its centre."""
    return works_at(user, item.centre_id)


def can_manage_item(user: User, item: EquipmentItem) -> bool:
    """Add, describe and retire items: the centre's coordinators and admins."""
    return manages(user, item.centre_id)


# ---------------------------------------------------------------- the glossary


def can_change_glossary_term(user: User, term: GlossaryTerm) -> bool:
    """Correct or remove a term: coordinators and administrators (the glossary is every
    centre's); a volunteer their own proposal, until it is approved."""
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        return True
    return term.status == GlossaryStatus.PROPOSED and term.proposed_by_id == user.id
