"""The centre's request queue for volunteers and coordinators: the queue in urgency order
with the filters of its page, one request with its history, and the moves — claim, start,
complete, decline (with a reason), comment. The pages' services, policies and workflow:
a token moves a request exactly as its owner's page would."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user
from sqlalchemy import select

from observer_portal import policies
from observer_portal.api import ApiBlueprint as Blueprint
from observer_portal.api import field_problem, schemas
from observer_portal.api.my_requests import as_json, refused
from observer_portal.extensions import db
from observer_portal.jobs import email_copies
from observer_portal.lazy_text import _l
from observer_portal.models import RequestKind, RequestStatus, ServiceRequest, TokenScope
from observer_portal.models.election import active_election_id
from observer_portal.permissions import STAFF
from observer_portal.services import ServiceError, request_list
from observer_portal.services import assistance as service
from observer_portal.services.request_actions import perform
from observer_portal.services.workflow import Action
from observer_portal.unit_of_work import after_commit

bp = Blueprint("api_queue", __name__, url_prefix="/api/v1/queue", description="The request queue (staff)")
PAGE_SIZE = 50
MOVES = (Action.CLAIM, Action.START, Action.COMPLETE, Action.DECLINE, Action.COMMENT)


def _item(request: ServiceRequest, *, history: bool = False) -> dict:
    return {
        **as_json(request, history=history),
        "url": url_for("api_queue.one", number=request.id),
        "overdue": request.is_overdue,
        "volunteer": request.assignee.display_name if request.assignee else None,
        "actions": [a.value for a in policies.actions_for(current_user, request) if a in MOVES],
    }


def _visible(number: int) -> ServiceRequest:
    found = service.get_request(db.session, number)
    if found is None or not policies.can_view(current_user, found):
        abort(404, description=_l("There is no such request."))
    return found


@bp.route("")
@bp.secured(*STAFF, scope=TokenScope.VOLUNTEER)
@bp.arguments(schemas.QueueQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.QueuePage)
def queue(kind, status, mine, unassigned, overdue, after, locale):
    """The active election's requests of the caller's centre, most urgent first, 50 a page.

    Volunteers, coordinators (their centre) and administrators (every centre); token
    permission `volunteer`. `next` is the next page's `after`."""
    flt = request_list.QueueFilter(
        election_id=_active_election(),
        kind=RequestKind(kind) if kind else None,
        status=RequestStatus(status) if status and status != "every" else None,
        every_status=status == "every",
        mine=mine,
        unassigned=unassigned,
        overdue=overdue,
    )
    position = request_list.Cursor.decode(after)
    if after and position is None:  # a damaged cursor is said, never read as the first page
        raise field_problem("query", "after", _l("Not a page this list has."))
    rows, cursor = request_list.queue(db.session, current_user, flt, position, PAGE_SIZE)
    return {"items": [_item(r) for r in rows], "next": cursor.encode() if cursor else None}


def _active_election() -> int | None:
    """The queue's pages open on the active election; so does the API's queue."""
    return db.session.scalar(select(active_election_id()))


@bp.route("/<int:number>")
@bp.secured(*STAFF, scope=TokenScope.VOLUNTEER, problems=(404,))
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.QueueItemWithHistory)
def one(number, locale):
    """One request of the centre, with its history and the moves the caller may make.

    Volunteers, coordinators and administrators; token permission `volunteer`."""
    return _item(_visible(number), history=True)


@bp.route("/<int:number>/<any(claim, start, complete, decline, comment):move>", methods=["POST"])
@bp.secured(*STAFF, scope=TokenScope.VOLUNTEER, problems=(404, 409))
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.arguments(schemas.Move, as_kwargs=True)
@bp.response(200, schemas.QueueItemWithHistory)
def move(number, move, note, locale):
    """Take it (claim), start it, complete it, give it back (decline), or comment.

    As the request's page allows the caller now (409 with the reason otherwise); a reason is
    needed to decline and a text to comment (422 under `note`). Volunteers, coordinators and
    administrators; token permission `volunteer`."""
    found = _visible(number)
    try:
        outcome = perform(db.session, current_user, found, Action(move), note=note)
    except ServiceError as error:
        refused(error)
    after_commit(lambda: email_copies(outcome.notifications))
    return _item(service.get_request(db.session, number), history=True)
