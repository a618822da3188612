"""Visits: an observer's or journalist's own, and the coordinators' resources — the visit log
with the filters and keyset cursor of its page and its totals, and the centre's language
coverage. The services and scope of the pages: a
coordinator reads their centre, an administrator every centre (or one, for coverage)."""

from __future__ import annotations

import marshmallow as ma
from flask import abort, current_app
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select

from observer_portal import policies
from observer_portal.api import ApiBlueprint as Blueprint
from observer_portal.api import field_problem
from observer_portal.api.schemas import ApiSchema, CentreSlug, LocaleQuery, OneLine, at_most, one_of
from observer_portal.extensions import db
from observer_portal.forms import FIRST_DAY, LAST_DAY
from observer_portal.labels import PURPOSE_LABELS, VISITOR_KIND_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import Election, TokenScope, VisitorKind, VisitPurpose
from observer_portal.models.election import active_election_id
from observer_portal.permissions import MANAGERS, VISITORS
from observer_portal.services import organisations, visit_log
from observer_portal.services import visits as visit_service
from observer_portal.services.centres import SLUG, all_centres, find_centre
from observer_portal.services.language_help import overview
from observer_portal.timezones import utc_moment

bp = Blueprint("api_visits", __name__, url_prefix="/api/v1", description="The visit log and coverage (coordinators)")
PAGE_SIZE = 50
CURSOR = r"^[0-9]+_[0-9]+$"
CENTRE = "^" + SLUG.pattern + "$"


class PlausibleDate(ma.fields.Date):
    """A day of 2000–2099, as the page's date fields take (years nobody means are refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ma.ValidationError(
                [
                    str(
                        _l(
                            "Enter a date between %(first)s and %(last)s.",
                            first=format_date(FIRST_DAY, "long"),
                            last=format_date(LAST_DAY, "long"),
                        )
                    )
                ]
            )
        return day


class VisitQuery(LocaleQuery):
    date_from = PlausibleDate(load_default=None, metadata={"description": "First local day (the centre's)"})
    date_to = PlausibleDate(load_default=None, metadata={"description": "Last local day"})

    @ma.validates_schema
    def _in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ma.ValidationError([str(_l("The end date is before the start date."))], "date_to")

    kind = ma.fields.String(load_default=None, validate=one_of(k.value for k in VisitorKind))
    purpose = ma.fields.String(load_default=None, validate=one_of(p.value for p in VisitPurpose))
    text = OneLine(load_default="", validate=at_most(100), metadata={"description": "Name, card number or notes"})
    elections = ma.fields.String(
        load_default="active",
        validate=one_of(("active", "all")),
        metadata={"description": "The active election's visits (as the page opens), or every election's"},
    )
    voting_day = PlausibleDate(load_default=None, metadata={"description": "One election, by its voting day"})
    organisation = OneLine(
        load_default="", validate=at_most(200), metadata={"description": "A mission or outlet, by a name it has"}
    )
    volunteer = ma.fields.Email(
        load_default=None, metadata={"description": "Who registered the visits, by their e-mail address"}
    )


class VisitPageQuery(VisitQuery):
    after = ma.fields.String(
        load_default=None,
        validate=[at_most(40), ma.validate.Regexp(CURSOR, error=_l("Not a page this list has."))],
        metadata={"pattern": CURSOR},
    )


class Visit(ApiSchema):
    arrived_at = ma.fields.AwareDateTime()
    left_at = ma.fields.AwareDateTime(allow_none=True)
    visitor = ma.fields.String(metadata={"description": "Empty once their personal data was erased"})
    visitor_kind = ma.fields.String()
    visitor_kind_label = ma.fields.String()
    organisation = ma.fields.String(allow_none=True)
    purposes = ma.fields.List(ma.fields.String())
    purpose_labels = ma.fields.List(ma.fields.String())
    notes = ma.fields.String()
    registered_by = ma.fields.String(allow_none=True)
    centre = ma.fields.String()


class VisitPage(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(Visit))
    next = ma.fields.String(allow_none=True, metadata={"description": "The next page's `after`, or null"})


class DayCount(ApiSchema):
    day = ma.fields.Date()
    visits = ma.fields.Integer()


class OrganisationCount(ApiSchema):
    name = ma.fields.String()
    visits = ma.fields.Integer()


class VisitSummary(ApiSchema):
    total = ma.fields.Integer()
    days = ma.fields.List(ma.fields.Nested(DayCount))
    organisations = ma.fields.List(ma.fields.Nested(OrganisationCount))


class CoverageQuery(LocaleQuery):
    centre = CentreSlug(
        load_default=None, metadata={"description": "Administrators: a centre's slug", "pattern": CENTRE}
    )


class Pair(ApiSchema):
    source = ma.fields.String()
    target = ma.fields.String()
    volunteers_on_duty = ma.fields.Integer()
    requests = ma.fields.Integer()
    median_minutes_to_assign = ma.fields.Float(allow_none=True)
    median_minutes_to_finish = ma.fields.Float(allow_none=True)


class Load(ApiSchema):
    volunteer = ma.fields.String()
    open_assignments = ma.fields.Integer()


class Coverage(ApiSchema):
    centre = ma.fields.String()
    languages = ma.fields.List(ma.fields.String())
    pairs = ma.fields.List(ma.fields.Nested(Pair))
    load = ma.fields.List(ma.fields.Nested(Load))
    unroutable = ma.fields.List(ma.fields.Integer(), metadata={"description": "Numbers of requests nobody could take"})


def _filter(date_from, date_to, kind, purpose, text, elections, voting_day, organisation, volunteer):
    """The page's filter (`visits/log_routes.py`), with names where the page has choices."""
    centre = current_user.centre
    scope = policies.centre_scope(current_user)
    election_id = db.session.scalar(select(active_election_id())) if elections == "active" else None
    if voting_day is not None:
        election_id = db.session.scalar(select(Election.id).where(Election.voting_day == voting_day))
        if election_id is None:
            raise field_problem("query", "voting_day", _l("No election has that voting day."))
    organisation_id = None
    if organisation:
        found = organisations.find_by_name(db.session, organisation)
        if found is None:
            raise field_problem("query", "organisation", _l("No mission or outlet has that name."))
        organisation_id = found.id
    volunteer_id = None
    if volunteer:
        staff = {u.email.lower(): u.id for u in visit_log.volunteers(db.session, scope)}
        volunteer_id = staff.get(volunteer.lower())
        if volunteer_id is None:
            raise field_problem("query", "volunteer", _l("Nobody of the centre has that e-mail address."))
    return visit_log.VisitFilter(
        centre_id=scope,
        timezone=centre.timezone if centre else current_app.config["BABEL_DEFAULT_TIMEZONE"],
        election_id=election_id,
        date_from=date_from,
        date_to=date_to,
        organisation_id=organisation_id,
        kind=VisitorKind(kind) if kind else None,
        purpose=VisitPurpose(purpose) if purpose else None,
        volunteer_id=volunteer_id,
        text=text.strip(),
    )


@bp.route("/visits")
@bp.secured(*MANAGERS, scope=TokenScope.COORDINATOR)
@bp.arguments(VisitPageQuery, location="query", as_kwargs=True)
@bp.response(200, VisitPage)
def visits(after, locale, **filters):
    """The visit log, latest arrival first, 50 a page; `next` is the next page's `after`.

    Coordinators (their centre) and administrators (every centre); token permission
    `coordinator`. The filters of the page: election, local days, mission or outlet,
    kind, purpose, who registered the visit, text."""
    position = visit_log.Cursor.decode(after)
    if after and position is None:  # a damaged cursor is said, never read as the first page
        raise field_problem("query", "after", _l("Not a page this list has."))
    rows, cursor = visit_log.page(db.session, _filter(**filters), position, PAGE_SIZE)
    return {
        "items": [
            {
                "arrived_at": utc_moment(v.arrived_at),
                "left_at": utc_moment(v.left_at),
                "visitor": v.visitor.full_name,
                "visitor_kind": v.visitor_kind.value,
                "visitor_kind_label": str(VISITOR_KIND_LABELS[v.visitor_kind]),
                "organisation": v.organisation.label if v.organisation else None,
                "purposes": [row.purpose.value for row in v.purposes],
                "purpose_labels": [str(PURPOSE_LABELS[row.purpose]) for row in v.purposes],
                "notes": v.notes,
                "registered_by": v.registered_by.display_name if v.registered_by else None,
                "centre": v.centre.slug,
            }
            for v in rows
        ],
        "next": cursor.encode() if cursor else None,
    }


@bp.route("/visits/summary")
@bp.secured(*MANAGERS, scope=TokenScope.COORDINATOR)
@bp.arguments(VisitQuery, location="query", as_kwargs=True)
@bp.response(200, VisitSummary)
def visits_summary(locale, **filters):
    """How many visits match, per local day and per mission or outlet (the page's totals).

    Coordinators and administrators; token permission `coordinator`."""
    totals = visit_log.summary(db.session, _filter(**filters))
    return {
        "total": totals.total,
        "days": [{"day": day, "visits": count} for day, count in totals.days],
        "organisations": [{"name": name, "visits": count} for name, count in totals.organisations],
    }


@bp.route("/coverage")
@bp.secured(*MANAGERS, scope=TokenScope.COORDINATOR, problems=(404,))
@bp.arguments(CoverageQuery, location="query", as_kwargs=True)
@bp.response(200, Coverage)
def coverage(centre, locale):
    """The centre's language coverage: volunteers on duty per language pair, waiting times,
    each volunteer's open assignments, and the requests nobody could take.

    Coordinators (their centre) and administrators (`centre`, else the first); token
    permission `coordinator`."""
    scoped = policies.centre_scope(current_user)
    if scoped is not None:
        if centre and centre != current_user.centre.slug:
            abort(403, description=_l("You read your own centre's coverage."))
        chosen = current_user.centre
    elif centre:
        chosen = find_centre(db.session, centre)
    else:
        chosen = next(iter(all_centres(db.session)), None)
    if chosen is None:
        abort(404, description=_l("There is no such centre."))
    data = overview.coverage(db.session, chosen.id, tuple(current_app.config["TRANSLATION_LANGUAGES"]))
    pairs = []
    for (source, target), volunteers in data.matrix.items():
        assign, finish, count = data.medians.get((source, target), (None, None, 0))
        pairs.append(
            {
                "source": source,
                "target": target,
                "volunteers_on_duty": volunteers,
                "requests": count,
                "median_minutes_to_assign": assign,
                "median_minutes_to_finish": finish,
            }
        )
    return {
        "centre": chosen.slug,
        "languages": list(data.languages),
        "pairs": pairs,
        "load": [{"volunteer": user.display_name, "open_assignments": n} for user, n in data.load],
        "unroutable": [request.id for request, _job in data.unroutable],
    }


class MyVisit(ApiSchema):
    centre = ma.fields.String()
    centre_name = ma.fields.String()
    arrived_at = ma.fields.AwareDateTime()
    left_at = ma.fields.AwareDateTime(allow_none=True)
    purposes = ma.fields.List(ma.fields.String())
    purpose_labels = ma.fields.List(ma.fields.String())


class MyVisitList(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(MyVisit))


@bp.route("/visits/mine")
@bp.secured(*VISITORS, scope=TokenScope.READ)
@bp.arguments(LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, MyVisitList)
def my_visits(locale):
    """My visits to the centres, latest first (the last 200), as my "My visits" page shows.

    Observers and journalists; token permission `read`."""
    return {
        "items": [
            {
                "centre": v.centre.slug,
                "centre_name": str(v.centre.name),
                "arrived_at": utc_moment(v.arrived_at),
                "left_at": utc_moment(v.left_at),
                "purposes": list(v.purpose_codes),
                "purpose_labels": [str(PURPOSE_LABELS[VisitPurpose(code)]) for code in v.purpose_codes],
            }
            for v in visit_service.my_visits(db.session, current_user)
        ]
    }
