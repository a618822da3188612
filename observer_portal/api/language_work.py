"""A volunteer's own language work: the translation and interpreting requests assigned to
them, with their languages and meeting, and their interpreting bookings — what the
volunteer's "My language jobs" page and calendar feed show."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_login import current_user

from observer_portal.api import ApiBlueprint as Blueprint
from observer_portal.api.my_requests import as_json
from observer_portal.api.schemas import ApiSchema, LocaleQuery, Request
from observer_portal.extensions import db
from observer_portal.models import TokenScope
from observer_portal.permissions import STAFF
from observer_portal.services.language_help import overview
from observer_portal.timezones import utc_moment

bp = Blueprint("api_language", __name__, url_prefix="/api/v1", description="My language work (volunteers)")


class Job(Request):
    source = ma.fields.String(metadata={"description": "The language to translate or interpret from"})
    target = ma.fields.String(metadata={"description": "The language to translate or interpret into"})
    mode = ma.fields.String(metadata={"description": "written, document or interpretation"})
    starts_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Interpreting: the meeting"})
    ends_at = ma.fields.AwareDateTime(allow_none=True)
    place = ma.fields.String()


class JobList(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(Job))


class Booking(ApiSchema):
    number = ma.fields.Integer(metadata={"description": "The request's number"})
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    source = ma.fields.String()
    target = ma.fields.String()
    place = ma.fields.String()
    url = ma.fields.String()


class BookingList(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(Booking))


@bp.route("/jobs")
@bp.secured(*STAFF, scope=TokenScope.VOLUNTEER)
@bp.arguments(LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, JobList)
def jobs(locale):
    """My open translation and interpreting requests, most urgent first.

    Volunteers, coordinators and administrators; token permission `volunteer`."""
    requests = overview.my_jobs(db.session, current_user)
    by_request = overview.jobs_by_request(db.session, requests)
    items = []
    for request in requests:
        job = by_request.get(request.id)
        items.append(
            {
                **as_json(request),
                "url": url_for("api_queue.one", number=request.id),
                "source": job.source_lang if job else "",
                "target": job.target_lang if job else "",
                "mode": job.mode.value if job else "",
                "starts_at": utc_moment(job.starts_at) if job else None,
                "ends_at": utc_moment(job.ends_at) if job else None,
                "place": job.place if job else "",
            }
        )
    return {"items": items}


@bp.route("/bookings")
@bp.secured(*STAFF, scope=TokenScope.VOLUNTEER)
@bp.arguments(LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, BookingList)
def bookings(locale):
    """My interpreting bookings from yesterday on, in time order (the calendar feed's).

    Volunteers, coordinators and administrators; token permission `volunteer`."""
    booked = overview.upcoming_bookings(db.session, current_user.id)
    by_request = overview.jobs_by_request(db.session, [b.request for b in booked])
    return {
        "items": [
            {
                "number": b.request_id,
                "starts_at": utc_moment(b.starts_at),
                "ends_at": utc_moment(b.ends_at),
                "source": by_request[b.request_id].source_lang if b.request_id in by_request else "",
                "target": by_request[b.request_id].target_lang if b.request_id in by_request else "",
                "place": by_request[b.request_id].place if b.request_id in by_request else "",
                "url": url_for("api_queue.one", number=b.request_id),
            }
            for b in booked
        ]
    }
