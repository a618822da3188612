"""Front desk: find or create a visitor and register the visit; visitors see their own visits."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, format_time
from flask_login import current_user

from observer_portal import policies
from observer_portal.extensions import db, limiter
from observer_portal.forms import ConfirmForm, as_choices, show_form_error, visitor_search
from observer_portal.i18n import country_choices, language_choices
from observer_portal.lazy_text import _l
from observer_portal.models import Visit, VisitorKind, VisitorProfile
from observer_portal.models.base import utcnow
from observer_portal.paging import parse_id
from observer_portal.permissions import MANAGERS, STAFF, VISITORS, roles_required
from observer_portal.services import ServiceError, badges
from observer_portal.services import organisations as organisation_registry
from observer_portal.services import visitor_registry as registry
from observer_portal.services import visits as service
from observer_portal.timezones import local_in
from observer_portal.visits import bp
from observer_portal.visits.desk_input import checked, prefill, visit_input
from observer_portal.visits.forms import MergeForm, VisitForm, VisitorForm


def _choice_label(visitor: VisitorProfile, visible: set[int]) -> str:
    """Name and mission; the card number only of a visitor this centre serves (policies)."""
    parts = [visitor.full_name]
    if visitor.organisation:
        parts.append(visitor.organisation.label)
    if visitor.accreditation_number and visitor.id in visible:
        parts.append(visitor.accreditation_number)
    elif visitor.id not in visible and visitor.accreditation_number:
        parts.append(str(_l("registered by another centre: type their card number below")))
    elif visitor.id not in visible:
        parts.append(str(_l("registered by another centre without a card number: register them as a new visitor")))
    return " · ".join(parts)


def _prepare(
    form: VisitForm, found: list[VisitorProfile], badge_holder: int | None = None, adding: bool = True
) -> None:
    posted = parse_id(form.visitor_id.data)
    if posted and not any(v.id == posted for v in found):
        chosen = db.session.get(VisitorProfile, posted)
        if chosen is not None and chosen.full_name:
            found = [chosen, *found]
    found = list({visitor.id: visitor for visitor in found}.values())
    visible = policies.visible_ids(db.session, current_user, [v.id for v in found]) | {badge_holder}
    form.visitor_id.choices = as_choices(
        ([("", _l("A new visitor (fill in below)"))] if adding or not found else [])
        + [(v.id, _choice_label(v, visible)) for v in found]
    )
    form.nationality.choices = as_choices([("", _l("Choose a country"))] + country_choices())
    form.languages.choices = as_choices(language_choices())


def _card_lookup_limit() -> str:
    return current_app.config["CARD_LOOKUP_RATE_LIMIT"]


def _per_person() -> str:
    return f"desk:{current_user.get_id()}"


# Card numbers follow patterns: a search by whole number and a refused card check are
# counted per person, so nobody walks through ODIHR-STO-0300…0399 to find whom they match.
@bp.route("/desk", methods=["GET", "POST"])
@roles_required(*STAFF)
@limiter.limit(_card_lookup_limit, key_func=_per_person, methods=["GET"], exempt_when=lambda: not request.args.get("q"))
@limiter.limit(
    _card_lookup_limit, key_func=_per_person, methods=["POST"], deduct_when=lambda response: response.status_code == 422
)
def desk():
    """Search first. One match is chosen already (a scanned badge or card: one submit); the
    new-visitor fields appear only when nobody matched or the desk asks for them, filled
    with what was searched; a new visitor who may be someone registered is shown next to
    them before a second profile is made."""
    search, query = visitor_search()
    found = service.search_visitors(db.session, current_user, query) if query else []
    adding = request.args.get("new") == "1" or bool(query) and not found
    form = VisitForm()
    badge_holder = badges.visitor_of(query)
    if request.method == "POST":
        adding = not parse_id(form.visitor_id.data)
    _prepare(form, found, badge_holder, adding)
    if request.method == "GET":
        form.arrived_at.data = local_in(0)
        form.visitor_id.data = str(found[0].id) if len(found) == 1 and not adding else None
        if adding:
            prefill(form, query)
    if checked(form, query):
        try:
            visit = service.register_visit(db.session, current_user, visit_input(form, query))
        except service.LikelySamePerson as error:
            _prepare(form, [*error.candidates, *found], badge_holder, adding=True)
            show_form_error(form, error)
        except ServiceError as error:
            show_form_error(form, error)
        else:
            if visit.stay_continued:
                flash(
                    _l(
                        "%(name)s is here already since %(time)s: what they came for now was added to that visit.",
                        name=visit.visitor.full_name,
                        time=format_time(visit.arrived_at, "short"),
                    ),
                    "success",
                )
            else:
                flash(_l("Visit of %(name)s registered.", name=visit.visitor.full_name), "success")
            return redirect(url_for("visits.desk"))
    today = (
        service.todays_visits(db.session, current_user.centre_id, utcnow() - timedelta(hours=16))
        if current_user.centre_id
        else []
    )
    return render_template(
        "visits/desk.html",
        form=form,
        query=query,
        search=search,
        found=found,
        adding=adding,
        registering=bool(query) or adding or request.method == "POST",
        organisations=organisation_registry.suggestions(db.session) if adding else [],
        today=today,
        left_form=ConfirmForm(),
    )


@bp.post("/<int:visit_id>/left")
@roles_required(*STAFF)
def left(visit_id: int):
    visit = db.get_or_404(Visit, visit_id)
    if not policies.can_change_visit(current_user, visit):
        abort(404)
    if ConfirmForm().validate_on_submit():
        service.mark_left(db.session, current_user, visit)
        flash(_l("%(name)s has left.", name=visit.visitor.full_name), "success")
    return redirect(url_for("visits.desk"))


@bp.get("/mine")
@roles_required(*VISITORS)
def mine():
    return render_template("visits/mine.html", visits=service.my_visits(db.session, current_user))


def _registry_visitor(visitor_id: int) -> VisitorProfile:
    """A visitor the signed-in person may see (policies); anonymised people have no page any more."""
    profile = db.session.get(VisitorProfile, visitor_id)
    if profile is None or not profile.full_name or not policies.can_view_visitor(db.session, current_user, profile):
        abort(404)
    return profile


@bp.get("/visitors")
@roles_required(*STAFF)
def visitors():
    search, query = visitor_search()
    after_id = parse_id(request.args.get("after_id"))
    after = registry.RegistryCursor(request.args.get("after_name", "")[:120], after_id) if after_id else None
    rows, cursor = registry.registry_page(db.session, current_user, query, after, current_app.config["PAGE_SIZE"])
    return render_template("visits/visitors.html", rows=rows, cursor=cursor, query=query, search=search)


def _fill_visitor_form(form: VisitorForm, profile: VisitorProfile) -> None:
    form.nationality.choices = as_choices([("", _l("Choose a country"))] + country_choices())
    form.languages.choices = as_choices(language_choices())
    if request.method == "GET":
        form.full_name.data = profile.full_name
        form.kind.data = profile.kind.value
        form.organisation.data = profile.organisation.label if profile.organisation else ""
        form.accreditation_number.data = profile.accreditation_number or ""
        form.nationality.data = profile.nationality
        form.phone.data = profile.phone
        form.contact_email.data = profile.contact_email
        form.languages.data = profile.language_codes


@bp.route("/visitors/<int:visitor_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def visitor(visitor_id: int):
    """One visitor: details (correctable by staff), visits with what they asked for, requests."""
    profile = _registry_visitor(visitor_id)
    form = VisitorForm()
    _fill_visitor_form(form, profile)
    if form.validate_on_submit():
        details = registry.VisitorDetails(
            full_name=form.full_name.data or "",
            kind=VisitorKind(form.kind.data),
            organisation_name=form.organisation.data or "",
            accreditation_number=form.accreditation_number.data or "",
            nationality=form.nationality.data or "",
            phone=form.phone.data or "",
            contact_email=form.contact_email.data or "",
            languages=form.languages.data or [],
        )
        try:
            changed = registry.update_visitor(db.session, current_user, profile, details)
        except ServiceError as error:
            show_form_error(form, error)
        else:
            if changed:
                flash(_l("The details of %(name)s have been saved.", name=profile.full_name), "success")
            return redirect(url_for("visits.visitor", visitor_id=profile.id))
    duplicates = (
        registry.possible_duplicates(db.session, current_user, profile) if current_user.role in MANAGERS else []
    )
    organisations = organisation_registry.suggestions(db.session)
    return render_template(
        "visits/visitor.html",
        profile=profile,
        form=form,
        duplicates=duplicates,
        organisations=organisations,
        visits=registry.visitor_visits(db.session, current_user, profile.id),
        requests=registry.visitor_requests(db.session, current_user, profile.id),
        can_edit=policies.can_edit_visitor(db.session, current_user, profile),
    )


@bp.route("/visitors/<int:visitor_id>/merge", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def merge(visitor_id: int):
    """Merge a duplicate into this visitor: find it, compare the two, confirm."""
    keep = _registry_visitor(visitor_id)
    form = MergeForm()
    wanted = request.args.get("duplicate", "") if request.method == "GET" else (form.duplicate.data or "")
    duplicate = None
    if parse_id(wanted):
        duplicate = db.session.get(VisitorProfile, parse_id(wanted))
        if duplicate is not None and not policies.can_view_visitor(db.session, current_user, duplicate):
            duplicate = None  # someone this coordinator may not see is "not found", as on their page
    if request.method == "GET" and duplicate is not None:
        form.duplicate.data = str(duplicate.id)
    if form.validate_on_submit():
        if duplicate is None:
            form.form_errors.append(str(_l("Choose the duplicate to merge from the list.")))
        else:
            name = duplicate.full_name
            try:
                result = registry.merge_visitors(db.session, current_user, keep, duplicate)
            except ServiceError as error:
                show_form_error(form, error)
            else:
                flash(
                    _l(
                        "%(duplicate)s has been merged into %(name)s. Moved: visits %(visits)s, requests "
                        "%(requests)s, loans %(loans)s.",
                        duplicate=name,
                        name=keep.full_name,
                        visits=format_number(result.visits),
                        requests=format_number(result.requests),
                        loans=format_number(result.loans),
                    ),
                    "success",
                )
                return redirect(url_for("visits.visitor", visitor_id=keep.id))
    search, query = visitor_search()
    candidates = (
        [
            v
            for v in service.search_visitors(db.session, current_user, query, limit=30)
            if v.id != keep.id and policies.can_view_visitor(db.session, current_user, v)
        ]
        if query
        else []
    )
    return render_template(
        "visits/merge.html",
        keep=keep,
        duplicate=duplicate,
        form=form,
        query=query,
        candidates=candidates,
        search=search,
        suggestions=registry.possible_duplicates(db.session, current_user, keep),
        footprints={p.id: registry.footprint(db.session, p.id) for p in (keep, duplicate) if p is not None},
    )
