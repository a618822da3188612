"""The lists of requests: the centre's queue in urgency order (keyset pages), a visitor's own
requests, and the queue's export — the same filter and order as its pages, read in batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, aliased, selectinload

from observer_portal import paging
from observer_portal.i18n import reader_locale
from observer_portal.models import (
    Centre,
    LocationKind,
    Organisation,
    Priority,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    User,
    VisitorKind,
    VisitorProfile,
)
from observer_portal.models.assistance import open_requests
from observer_portal.models.base import utcnow
from observer_portal.models.visitor import organisation_label
from observer_portal.multilingual import localized
from observer_portal.policies import request_scope
from observer_portal.services.batches import in_batches


@dataclass(frozen=True)
class QueueFilter:
    election_id: int | None = None  # None: every election
    kind: RequestKind | None = None
    status: RequestStatus | None = None  # None: every open status (or every status, below)
    every_status: bool = False  # done and withdrawn ones too
    mine: bool = False
    unassigned: bool = False
    overdue: bool = False


#: The queue: most urgent first (priority, then deadline). Open requests (the queue as opened)
#: are read in this order from ix_service_requests_open_queue; one status from
#: ix_service_requests_queue; every status is the centre's requests sorted — an index in this
#: order over every status would take the open queue's place in SQLite's plan.
URGENT_FIRST = paging.Keyset((ServiceRequest.priority, ServiceRequest.needed_by, ServiceRequest.id))
NEWEST_FIRST = paging.Keyset((ServiceRequest.id,), descending=True)
EXPORT_BATCH = 1000  # rows fetched per round trip
REQUEST_COLUMNS = (
    "id",
    "created_at",
    "needed_by",
    "kind",
    "status",
    "priority",
    "visitor_kind",
    "location_kind",
    "location",
    "details",
    "first_response_at",
    "completed_at",
)


@dataclass(frozen=True)
class Cursor:
    priority: int
    needed_by: datetime
    id: int

    def encode(self) -> str:
        return f"{int(self.priority)}_{paging.micros(self.needed_by)}_{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        """Malformed or out of range: None, the first page (the rule of `observer_portal.paging`)."""
        parts = paging.split_cursor(value, 3)
        if parts is None:
            return None
        priority = paging.parse_number(parts[0], max(Priority))
        needed_by, id_ = paging.parse_micros(parts[1]), paging.parse_id(parts[2])
        return cls(priority, needed_by, id_) if priority is not None and needed_by and id_ else None


def queue(
    session: Session, user: User, flt: QueueFilter, cursor: Cursor | None, size: int
) -> tuple[list[ServiceRequest], Cursor | None]:
    """The centre's requests in urgency order (priority, then deadline), keyset-paginated."""
    rows = list(session.scalars(queue_statement(user, flt, cursor, size)))
    return URGENT_FIRST.split(rows, size, lambda row: Cursor(row.priority, row.needed_by, row.id))


def queue_conditions(user: User, flt: QueueFilter) -> list[ColumnElement[bool]]:
    """What `flt` asks, within what `user` may see (one place for the pages and the export)."""
    conditions = []
    if (scope := request_scope(user)) is not None:  # a centre's staff: their centre's queue
        conditions.append(scope)
    if flt.status:
        conditions.append(ServiceRequest.status == flt.status)
    elif not flt.every_status:
        conditions.append(open_requests())  # served by ix_service_requests_open_queue
    if flt.election_id is not None:
        conditions.append(ServiceRequest.election_id == flt.election_id)
    if flt.kind:
        conditions.append(ServiceRequest.kind == flt.kind)
    if flt.mine:
        conditions.append(ServiceRequest.assignee_id == user.id)
    if flt.unassigned:
        conditions.append(ServiceRequest.assignee_id.is_(None))
    if flt.overdue:
        conditions.extend((ServiceRequest.needed_by < utcnow(), open_requests()))
    return conditions


def queue_statement(user: User, flt: QueueFilter, cursor: Cursor | None, size: int) -> Select:
    """The queue's query (one page and one row to tell whether there is another)."""
    stmt = select(ServiceRequest).options(selectinload(ServiceRequest.assignee), selectinload(ServiceRequest.requester))
    stmt = stmt.where(*queue_conditions(user, flt))
    return URGENT_FIRST.window(stmt, (cursor.priority, cursor.needed_by, cursor.id) if cursor else None, size)


def my_requests(session: Session, user: User, before_id: int | None, size: int):
    stmt = select(ServiceRequest).where(ServiceRequest.requester_id == user.id)
    return NEWEST_FIRST.page(session, stmt, before_id, size)


# ---------------------------------------------------------------- the export


@dataclass(frozen=True)
class ExportRow:
    """One request of the export, as data: the export words it for its reader."""

    number: int  # the "#12" people quote: the pages show it
    filed_at: datetime
    needed_by: datetime
    kind: RequestKind
    status: RequestStatus
    priority: Priority
    visitor: str  # the visitor it is for, or the account that filed it
    visitor_kind: VisitorKind | None
    organisation: str | None  # as filed, in the reader's language
    location_kind: LocationKind
    location: str
    details: str
    volunteer: str | None  # who has it now
    first_response_at: datetime | None
    completed_at: datetime | None
    centre: str


def export_batches(session: Session, user: User, flt: QueueFilter) -> Iterator[list[ExportRow]]:
    """The requests `flt` selects for `user`, in the queue's order, in batches. The query is
    made now, the rows read as the file is written: the file streams after the view has
    returned and the request's work is committed, when `user` is no longer loaded."""
    requester, volunteer = aliased(User), aliased(User)
    stmt = URGENT_FIRST.ordered(
        select(
            *(getattr(ServiceRequest, name) for name in REQUEST_COLUMNS),
            VisitorProfile.full_name,
            requester.display_name,
            Organisation.name,
            Organisation.names,
            volunteer.display_name,
            Centre.names,
            Centre.language,
        )
        .join(Centre, ServiceRequest.centre_id == Centre.id)
        .outerjoin(VisitorProfile, ServiceRequest.visitor_id == VisitorProfile.id)
        .outerjoin(requester, ServiceRequest.requester_id == requester.id)
        .outerjoin(volunteer, ServiceRequest.assignee_id == volunteer.id)
        .outerjoin(Organisation, ServiceRequest.organisation_id == Organisation.id)
        .where(*queue_conditions(user, flt))
    )
    return _batches(session, stmt, reader_locale())


def _batches(session: Session, stmt: Select, locale: str) -> Iterator[list[ExportRow]]:
    for batch in in_batches(session, stmt, EXPORT_BATCH):
        yield [_export_row(row, locale) for row in batch]


def _export_row(row, locale: str) -> ExportRow:
    request = dict(zip(REQUEST_COLUMNS, row[: len(REQUEST_COLUMNS)], strict=True))
    visitor, requester, organisation, names, volunteer, centre_names, centre_language = row[len(REQUEST_COLUMNS) :]
    return ExportRow(
        number=request["id"],
        filed_at=request["created_at"],
        needed_by=request["needed_by"],
        kind=request["kind"],
        status=request["status"],
        priority=Priority(request["priority"]),
        visitor=visitor or requester or "",
        visitor_kind=request["visitor_kind"],
        organisation=organisation_label(organisation, names) if organisation else None,
        location_kind=request["location_kind"],
        location=request["location"],
        details=request["details"],
        volunteer=volunteer,
        first_response_at=request["first_response_at"],
        completed_at=request["completed_at"],
        centre=str(localized(centre_names, locale, centre_language)),
    )
