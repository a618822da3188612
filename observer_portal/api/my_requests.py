"""An observer's or journalist's own requests for help: list, file, read with its history,
withdraw. The services, policies and workflow of the pages (`assistance`), so the API can
do exactly what the person's pages can — no more."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from observer_portal import policies
from observer_portal.api import ApiBlueprint as Blueprint
from observer_portal.api import field_problem, schemas
from observer_portal.extensions import db
from observer_portal.jobs import email_copies
from observer_portal.labels import ACTION_LABELS, REQUEST_KIND_LABELS, STATUS_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import LocationKind, Priority, RequestKind, ServiceRequest, TokenScope
from observer_portal.permissions import VISITORS
from observer_portal.services import ServiceError
from observer_portal.services import assistance as service
from observer_portal.services.request_actions import perform
from observer_portal.services.request_list import my_requests
from observer_portal.services.workflow import Action
from observer_portal.timezones import utc_moment
from observer_portal.unit_of_work import after_commit, discard

bp = Blueprint("api_requests", __name__, url_prefix="/api/v1/requests", description="My requests for help")
PAGE_SIZE = 50


def as_json(request: ServiceRequest, *, history: bool = False) -> dict:
    body = {
        "number": request.id,
        "kind": request.kind.value,
        "kind_label": str(REQUEST_KIND_LABELS[request.kind]),
        "status": request.status.value,
        "status_label": str(STATUS_LABELS[request.status]),
        "priority": Priority(request.priority).name.lower(),
        "details": request.details,
        "location_kind": request.location_kind.value,
        "location": request.location,
        "needed_by": utc_moment(request.needed_by),
        "created_at": utc_moment(request.created_at),
        "completed_at": utc_moment(request.completed_at),
        "centre": request.centre.slug,
        "url": url_for("api_requests.one", number=request.id),
    }
    if history:
        body["history"] = [
            {
                "at": utc_moment(event.created_at),
                "action": event.action.value,
                "action_label": str(ACTION_LABELS[event.action]),
                "status": event.to_status,
                "note": event.note,
            }
            for event in request.events
        ]
    return body


def refused(error: ServiceError, status: int = 409):
    """A refusal of the service: nothing of this request is committed; the reason in words,
    and, when it is about one field of the body, under that field (as a form shows it)."""
    discard()
    if error.field:
        raise field_problem("json", error.field, error.message)
    abort(status, description=error.message)


def _own(number: int) -> ServiceRequest:
    found = service.get_request(db.session, number)
    if found is None or not policies.can_view(current_user, found):
        abort(404, description=_l("There is no such request."))  # another person's is not even confirmed
    return found


@bp.route("")
@bp.secured(*VISITORS, scope=TokenScope.READ)
@bp.arguments(schemas.PageQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.RequestPage)
def mine(before, locale):
    """My requests, newest first, 50 a page; `next` is the next page's `before`.

    Observers and journalists; token permission `read`."""
    rows, next_cursor = my_requests(db.session, current_user, before, PAGE_SIZE)
    return {"items": [as_json(r) for r in rows], "next": next_cursor}


@bp.route("", methods=["POST"])
@bp.secured(*VISITORS, scope=TokenScope.REQUESTS, problems=(409,))
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.arguments(schemas.NewRequest, as_kwargs=True)
@bp.response(201, schemas.RequestWithHistory)
def file(kind, details, needed_by, location_kind, location, priority, locale):
    """File a request for help (equipment, internet access, other help) with the centre.

    Observers and journalists; token permission `requests`. `needed_by` must be in the
    future and within 60 days (422 with the reason under the field otherwise); translation
    and interpreting are asked for on the portal's own forms."""
    data = service.RequestInput(
        kind=RequestKind(kind),
        details=details,
        needed_by=needed_by,
        location_kind=LocationKind(location_kind),
        location=location,
        priority=Priority[priority.upper()],
    )
    try:
        filed = service.create_request(db.session, current_user, data)
    except ServiceError as error:
        refused(error)
    return as_json(service.get_request(db.session, filed.id), history=True), 201, {"Location": as_json(filed)["url"]}


@bp.route("/<int:number>")
@bp.secured(*VISITORS, scope=TokenScope.READ, problems=(404,))
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.RequestWithHistory)
def one(number, locale):
    """One of my requests, with its history.

    Observers and journalists; token permission `read`. Another person's request is 404."""
    return as_json(_own(number), history=True)


@bp.route("/<int:number>/cancel", methods=["POST"])
@bp.secured(*VISITORS, scope=TokenScope.REQUESTS, problems=(404, 409))
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.RequestWithHistory)
def cancel(number, locale):
    """Withdraw one of my requests (while the workflow allows it: 409 with the reason otherwise).

    Observers and journalists; token permission `requests`."""
    found = _own(number)
    try:
        outcome = perform(db.session, current_user, found, Action.CANCEL)
    except ServiceError as error:
        refused(error)
    after_commit(lambda: email_copies(outcome.notifications))
    return as_json(service.get_request(db.session, number), history=True)
