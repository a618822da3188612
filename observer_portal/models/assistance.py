"""Service requests (one queue, one workflow for every kind of help) and their history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.centre import Centre
from observer_portal.models.election import election_column
from observer_portal.models.user import User, _enum
from observer_portal.models.visitor import VisitorKind

if TYPE_CHECKING:
    from observer_portal.models.visit import Visit
    from observer_portal.models.visitor import VisitorProfile


class RequestKind(enum.StrEnum):
    EQUIPMENT = "equipment"
    INTERNET = "internet"
    TRANSLATION = "translation"
    INTERPRETATION = "interpretation"
    OTHER = "other"


class RequestStatus(enum.StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    UNROUTABLE = "unroutable"

    @property
    def is_open(self) -> bool:
        return self not in (RequestStatus.DONE, RequestStatus.CANCELLED)


OPEN_STATUSES = tuple(s for s in RequestStatus if s.is_open)


class Priority(enum.IntEnum):
    """Stored as a number so the queue can sort by it with an index (0 comes first)."""

    URGENT = 0
    HIGH = 1
    NORMAL = 2


class LocationKind(enum.StrEnum):
    CENTRE = "centre"
    POLLING_STATION = "polling_station"
    HOTEL = "hotel"
    OTHER = "other"


class ServiceRequest(Base):
    __tablename__ = "service_requests"
    __table_args__ = (
        # the volunteer queue filtered by one status, in urgency order (open ones: see below)
        Index("ix_service_requests_queue", "centre_id", "status", "priority", "needed_by", "id"),
        Index("ix_service_requests_assignee_status", "assignee_id", "status"),
        # an election's requests at a centre by filing time, holding every column the reports
        # count (migration 0030): the reports read the index alone, never the table
        Index(
            "ix_service_requests_report",
            "election_id",
            "centre_id",
            "created_at",
            "organisation_id",
            "visitor_kind",
            "kind",
            "status",
            "first_response_at",
            "completed_at",
            "handovers",
            "declines",
        ),
        # what was done within a day or a week (the daily report)
        Index("ix_service_requests_completed", "election_id", "centre_id", "completed_at", "status"),
        CheckConstraint("priority IN (0, 1, 2)", name="priority"),  # Priority's values
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    election_id: Mapped[int | None] = election_column(index=False)  # indexed with the centre, above
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind, "request_kind"), index=True)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "request_status"), default=RequestStatus.NEW)
    priority: Mapped[int] = mapped_column(Integer, default=Priority.NORMAL)
    details: Mapped[str] = mapped_column(Text)
    location_kind: Mapped[LocationKind] = mapped_column(
        _enum(LocationKind, "location_kind"), default=LocationKind.CENTRE
    )
    location: Mapped[str] = mapped_column(String(200), default="")
    needed_by: Mapped[datetime] = mapped_column(UTCDateTime)
    # who asked: a signed-in observer/journalist, or a walk-in visitor filed by a volunteer
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor_profiles.id"), index=True)
    # the visit during which it was asked for, when the person was at the centre
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the requester's mission or outlet and kind as they were when it was filed (a visit
    # copies them too): the reports count equal treatment from these, and they outlive an
    # erasure of the person and a later change of their organisation
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    visitor_kind: Mapped[VisitorKind | None] = mapped_column(_enum(VisitorKind, "visitor_kind"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # when someone of the centre first took it on (claimed, assigned, started or finished it):
    # the time to first response of the equal-treatment report
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # how many times it was given to someone (claimed, assigned, routed) and given back: the
    # CLAIM/ASSIGN/ROUTED and DECLINE events counted as they are written, for the reports
    handovers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    declines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    centre: Mapped[Centre] = relationship(lazy="joined")
    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    visitor: Mapped[VisitorProfile | None] = relationship(foreign_keys=[visitor_id])
    visit: Mapped[Visit | None] = relationship(back_populates="requests")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_overdue(self) -> bool:
        return self.status.is_open and self.needed_by < utcnow()


def open_requests() -> ColumnElement[bool]:
    """`status IN ('new', 'assigned', 'in_progress', 'unroutable')`, the statuses written out:
    the partial index below serves only queries whose WHERE says exactly this (SQLite proves
    it from the text, and neither database can from bound parameters)."""
    return ServiceRequest.status.in_([literal_column(f"'{status.value}'") for status in OPEN_STATUSES])


# the volunteer queue as it is opened: a centre's open requests in urgency order, read in
# index order with no sort whatever the number of finished requests (EXPLAIN-tested)
Index(
    "ix_service_requests_open_queue",
    ServiceRequest.centre_id,
    ServiceRequest.priority,
    ServiceRequest.needed_by,
    ServiceRequest.id,
    sqlite_where=open_requests(),
    postgresql_where=open_requests(),
)


class EventAction(enum.StrEnum):
    """What happened to a request; the database refuses any other value."""

    CREATED = "created"
    CLAIM = "claim"
    ASSIGN = "assign"
    START = "start"
    COMPLETE = "complete"
    DECLINE = "decline"
    CANCEL = "cancel"
    COMMENTED = "commented"
    ROUTED = "routed"  # language help: the portal chose a volunteer
    UNROUTABLE = "unroutable"  # language help: nobody can take it (reason kept)
    RELEASED = "released"  # the assignee went off duty; the request went back to routing


class RequestEvent(Base):
    """Every change to a request: who did what, to whom, from which status to which, and why.

    `subject` is the person the event concerns (the volunteer a request was routed or
    assigned to), kept as a reference so pages show a name, never an id in a note."""

    __tablename__ = "request_events"
    __table_args__ = (
        Index("ix_request_events_request", "request_id", "id"),
        Index("ix_request_events_action", "action", "request_id"),  # the reports' declines and hand-overs
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[EventAction] = mapped_column(_enum(EventAction, "request_event_action"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(40))  # why routing found nobody (a code, shown as a label)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")  # only what a person wrote
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], lazy="joined")
