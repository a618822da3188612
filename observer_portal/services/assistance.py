"""Service requests: filing and every move through the workflow (the lists: `request_list`).

State changes are conditional UPDATEs (`... WHERE id = :id AND status = :seen`), so two
people acting at once can never both win: the loser gets a clear message and the
request's history records only what really happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from observer_portal.lazy_text import _l
from observer_portal.models import (
    EventAction,
    LocationKind,
    Notification,
    Priority,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Role,
    ServiceRequest,
    User,
    Visit,
    VisitorProfile,
)
from observer_portal.models.base import utcnow
from observer_portal.models.election import active_election_id
from observer_portal.policies import (
    can_be_assigned,
    can_view_visitor,
    relations,
    visible_visitors,
)
from observer_portal.services import ServiceError
from observer_portal.services.notifications import REQUEST_ASSIGNED, REQUEST_STATUS, notify
from observer_portal.services.visits import visit_in_progress
from observer_portal.services.workflow import RESPONSES, Action, TransitionRefused, next_status

MAX_DETAILS = 4000
#: kinds filed through the general help form (translation has its own form)
GENERAL_KINDS = (RequestKind.EQUIPMENT, RequestKind.INTERNET, RequestKind.OTHER)


@dataclass
class RequestInput:
    kind: RequestKind
    details: str
    needed_by: datetime
    location_kind: LocationKind = LocationKind.CENTRE
    location: str = ""
    priority: Priority = Priority.NORMAL


@dataclass
class Outcome:
    """What a workflow step did, and the notifications to e-mail after commit."""

    request: ServiceRequest
    notifications: list[Notification]


def state_refusal(request: ServiceRequest, actor: User | None = None) -> ServiceError:
    """Why an action no longer applies — what happened to the request and what to do now —
    for the person who acted on a page opened before someone else changed it."""
    if actor is not None and request.assignee_id == actor.id and request.status.is_open:
        return ServiceError(_l("You already have this request. Look at where it stands now below."))
    if request.status in (RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS) and request.assignee is not None:
        return ServiceError(
            _l(
                "%(name)s has already taken this request. Choose another one from the queue.",
                name=request.assignee.display_name,
            )
        )
    if request.status == RequestStatus.DONE:
        return ServiceError(_l("This request has already been done; nothing more is needed."))
    if request.status == RequestStatus.CANCELLED:
        return ServiceError(_l("This request has been cancelled; nothing more is needed."))
    if request.status == RequestStatus.UNROUTABLE:
        return ServiceError(_l("Nobody could take this request yet; the coordinators have been told."))
    return ServiceError(_l("This request changed since you opened it. Look at where it stands now below."))


def _validate(data: RequestInput, now: datetime) -> None:
    # a translation or interpretation is described by its language job (languages, text,
    # meeting); its details are the asker's optional notes
    if not data.details.strip() and data.kind not in (RequestKind.TRANSLATION, RequestKind.INTERPRETATION):
        raise ServiceError(_l("Describe what you need."), field="details")
    if len(data.details) > MAX_DETAILS:
        raise ServiceError(_l("Use at most %(n)d characters.", n=MAX_DETAILS), field="details")
    if data.needed_by < now - timedelta(minutes=5):
        raise ServiceError(_l("The time must be in the future."), field="needed_by")
    if data.needed_by > now + timedelta(days=60):
        raise ServiceError(_l("Choose a time within the next 60 days."), field="needed_by")


def _event(
    request: ServiceRequest,
    actor: User | None,
    action: EventAction,
    old: str | None,
    new: str | None,
    note: str = "",
    subject: User | None = None,
) -> None:
    request.events.append(
        RequestEvent(
            actor_id=actor.id if actor else None,
            action=action,
            from_status=old,
            to_status=new,
            note=note,
            subject_id=subject.id if subject else None,
        )
    )


def create_request(
    session: Session,
    actor: User,
    data: RequestInput,
    *,
    visitor: VisitorProfile | None = None,
    centre_id: int | None = None,
    visit: Visit | None = None,
) -> ServiceRequest:
    """File a request: an observer/journalist for themselves, or staff for a walk-in visitor.

    `centre_id` sends it to another centre than the actor's (a briefing of that centre).
    The request is linked to `visit` (the front desk's "file a request" on a visit), or
    else to the visitor's visit in progress at that centre, when there is one."""
    now = utcnow()
    _validate(data, now)
    target_centre = centre_id
    if actor.role.is_visitor:
        centre_id, requester_id, filed_by = actor.centre_id, actor.id, None
        visitor = actor.visitor_profile
    elif actor.role.is_staff:
        if actor.centre_id is None:  # an administrator of no centre: the desk of a centre files
            raise ServiceError(
                _l("Your account is not linked to a centre: requests for visitors are filed by a centre's staff.")
            )
        if visitor is None:
            raise ServiceError(_l("Choose the visitor this request is for."), field="visitor")
        if not can_view_visitor(session, actor, visitor):  # another centre's: their visit is registered first
            raise ServiceError(_l("Register their visit at the front desk first."), field="visitor")
        centre_id, requester_id, filed_by = actor.centre_id, visitor.user_id, actor.id
    else:  # pragma: no cover - roles are exhaustive
        raise ServiceError(_l("You cannot file requests."))
    if target_centre is not None:
        centre_id = target_centre
    if centre_id is None:
        raise ServiceError(_l("Your account is not linked to a centre. Ask the centre staff for help."))
    if visit is not None and (visitor is None or visit.visitor_id != visitor.id or visit.centre_id != centre_id):
        raise ServiceError(_l("This visit is not a visit of this visitor to this centre."), field="visitor")
    if visit is not None and visit.election_id != session.scalar(select(active_election_id())):
        raise ServiceError(_l("This visit belongs to another election: file the request without it."), field="visitor")
    if visit is None and visitor is not None:
        visit = visit_in_progress(session, visitor.id, centre_id, now)
    request = ServiceRequest(
        centre_id=centre_id,
        kind=data.kind,
        status=RequestStatus.NEW,
        priority=int(data.priority),
        details=data.details.strip(),
        location_kind=data.location_kind,
        location=data.location.strip(),
        needed_by=data.needed_by,
        requester_id=requester_id,
        visitor_id=visitor.id if visitor else None,
        visit_id=visit.id if visit else None,
        filed_by_id=filed_by,
        organisation_id=visitor.organisation_id if visitor else None,
        visitor_kind=visitor.kind if visitor else None,
        events=[],
    )
    _event(request, actor, EventAction.CREATED, None, RequestStatus.NEW.value)
    session.add(request)
    session.flush()
    return request


def transition(
    session: Session,
    actor: User,
    request: ServiceRequest,
    action: Action,
    *,
    note: str = "",
    assignee: User | None = None,
) -> Outcome:
    """Apply one workflow move, atomically; raises ServiceError with a clear message. Called
    only by `request_actions.perform`, which adds what the request's kind needs."""
    old = request.status
    try:
        new = next_status(old, action, relations(actor, request))
    except TransitionRefused as refused:
        if refused.reason == "role" and request.assignee_id in (None, actor.id) and request.status.is_open:
            raise ServiceError(_l("You cannot do that with this request.")) from None
        raise state_refusal(request, actor) from None  # e.g. reassigned to someone else meanwhile
    note = note.strip()
    if len(note) > MAX_DETAILS:
        raise ServiceError(_l("Use at most %(n)d characters.", n=MAX_DETAILS), field="note")
    if action == Action.DECLINE and not note:
        raise ServiceError(_l("Say why you are giving the request back."), field="note")
    if action == Action.COMMENT:
        if not note:
            raise ServiceError(_l("Write a comment first."), field="note")
        _event(request, actor, EventAction.COMMENTED, None, None, note)
        return Outcome(request, _notify_requester(session, actor, request, comment=True))

    now = utcnow()
    values: dict = {"status": new, "updated_at": now}
    conditions = [ServiceRequest.id == request.id, ServiceRequest.status == old]
    notifications: list[Notification] = []
    counted = None  # the counter this move adds one to, in the same UPDATE (the reports read it)
    if action == Action.CLAIM:
        values.update(assignee_id=actor.id, assigned_at=now)
        counted = "handovers"
        conditions.append(ServiceRequest.assignee_id.is_(None))
    elif action == Action.ASSIGN:
        if assignee is None or not can_be_assigned(assignee, request):
            raise ServiceError(_l("Choose an active volunteer or coordinator of this centre."), field="assignee")
        values.update(assignee_id=assignee.id, assigned_at=now)
        counted = "handovers"
    elif action == Action.DECLINE:
        values.update(assignee_id=None, assigned_at=None)
        counted = "declines"
    elif action == Action.COMPLETE:
        values.update(completed_at=now)
    if action in RESPONSES and request.first_response_at is None:
        values.update(first_response_at=now)

    written = {**values, counted: getattr(ServiceRequest, counted) + 1} if counted else values
    result = session.execute(
        update(ServiceRequest).where(*conditions).values(**written), execution_options={"synchronize_session": False}
    )
    if result.rowcount != 1:  # someone else moved it first: say where it stands now
        raise state_refusal(session.get(ServiceRequest, request.id, populate_existing=True), actor)
    if counted:
        values[counted] = (getattr(request, counted) or 0) + 1
    _now_stored(request, values, actor if action == Action.CLAIM else assignee)
    _event(
        request,
        actor,
        EventAction(action.value),
        old.value,
        new.value,
        note,
        subject=assignee if action == Action.ASSIGN else None,
    )
    if action in (Action.CLAIM, Action.ASSIGN) and request.assignee_id != actor.id:
        notifications.append(
            notify(
                session, request.assignee_id, REQUEST_ASSIGNED, params={"id": request.id, "kind": request.kind.value}
            )
        )
    if new != old:
        notifications += _notify_requester(session, actor, request)
    return Outcome(request, [n for n in notifications if n is not None])


def _now_stored(request: ServiceRequest, values: dict, assignee: User | None) -> None:
    """The guarded UPDATE wrote `values`: the loaded request says the same, without reading it
    back (it was the row matched, nothing else changed it in between)."""
    for key, value in values.items():
        set_committed_value(request, key, value)
    if "assignee_id" in values:
        set_committed_value(request, "assignee", assignee if values["assignee_id"] is not None else None)


def _notify_requester(session: Session, actor: User, request: ServiceRequest, comment: bool = False):
    if request.requester_id is None or request.requester_id == actor.id or comment:
        return []
    return [
        notify(session, request.requester_id, REQUEST_STATUS, params={"id": request.id, "status": request.status.value})
    ]


def assignable_staff(session: Session, centre_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.centre_id == centre_id,
                User.active.is_(True),
                User.role.in_([Role.VOLUNTEER, Role.COORDINATOR]),
            )
            .order_by(User.display_name)
        )
    )


def get_request(session: Session, request_id: int) -> ServiceRequest | None:
    return session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.id == request_id)
        .options(
            selectinload(ServiceRequest.events),
            selectinload(ServiceRequest.assignee),
            selectinload(ServiceRequest.requester),
            selectinload(ServiceRequest.visitor),
            selectinload(ServiceRequest.visit),
        )
    )


def centre_visitors(session: Session, actor: User, limit: int = 500) -> list[VisitorProfile]:
    """Visitors `actor` may pick when filing a request or lending an item: those the registry
    shows them (policies.visible_visitors), so a picker never lists another centre's people."""
    stmt = select(VisitorProfile).where(VisitorProfile.full_name != "").order_by(VisitorProfile.full_name)
    condition = visible_visitors(actor)
    if condition is not None:
        stmt = stmt.where(condition)
    return list(session.scalars(stmt.limit(limit)))
