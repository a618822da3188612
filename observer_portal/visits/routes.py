"""Front desk: find or create a visitor and register the visit; visitors see their own visits."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from observer_portal.auth.forms import ConfirmForm
from observer_portal.auth.routes import show_form_error
from observer_portal.extensions import db
from observer_portal.forms import as_choices
from observer_portal.i18n import country_choices, language_choices
from observer_portal.models import Organisation, Visit, VisitorKind, VisitorProfile, VisitPurpose
from observer_portal.models.base import utcnow
from observer_portal.permissions import STAFF, VISITORS, roles_required
from observer_portal.services import ServiceError
from observer_portal.services import visits as service
from observer_portal.timezones import local_in, local_to_utc
from observer_portal.visits import bp
from observer_portal.visits.forms import VisitForm


def _choice_label(visitor: VisitorProfile) -> str:
    parts = [visitor.full_name]
    if visitor.organisation:
        parts.append(visitor.organisation.name)
    if visitor.accreditation_number:
        parts.append(visitor.accreditation_number)
    return " · ".join(parts)


def _prepare(form: VisitForm, found: list[VisitorProfile]) -> None:
    posted = form.visitor_id.data
    if posted and str(posted).isdigit() and not any(str(v.id) == str(posted) for v in found):
        chosen = db.session.get(VisitorProfile, int(posted))
        if chosen is not None:
            found = [chosen, *found]
    form.visitor_id.choices = as_choices(
        [("", _l("A new visitor (fill in below)"))] + [(v.id, _choice_label(v)) for v in found]
    )
    form.nationality.choices = as_choices([("", _l("Choose a country"))] + country_choices())
    form.languages.choices = as_choices(language_choices())


@bp.route("/desk", methods=["GET", "POST"])
@roles_required(*STAFF)
def desk():
    query = (request.args.get("q") or "").strip()[:100]
    found = service.search_visitors(db.session, query) if query else []
    form = VisitForm()
    _prepare(form, found)
    if request.method == "GET":
        form.arrived_at.data = local_in(0)
        form.visitor_id.data = str(found[0].id) if len(found) == 1 else ""
    if form.validate_on_submit():
        new_visitor = None
        if not form.visitor_id.data:
            new_visitor = service.NewVisitor(
                full_name=form.full_name.data or "",
                kind=VisitorKind(form.kind.data or "observer"),
                organisation_name=form.organisation.data or "",
                accreditation_number=form.accreditation_number.data or "",
                nationality=form.nationality.data or "",
                languages=form.languages.data or [],
            )
        data = service.VisitInput(
            purposes=[VisitPurpose(p) for p in form.purposes.data],
            arrived_at=local_to_utc(form.arrived_at.data),
            notes=form.notes.data or "",
            visitor_id=int(form.visitor_id.data) if str(form.visitor_id.data or "").isdigit() else None,
            new_visitor=new_visitor,
        )
        try:
            visit = service.register_visit(db.session, current_user, data)
        except ServiceError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_l("Visit of %(name)s registered.", name=visit.visitor.full_name), "success")
            return redirect(url_for("visits.desk"))
    organisations = db.session.scalars(select(Organisation.name).order_by(Organisation.name).limit(200)).all()
    today = (
        service.todays_visits(db.session, current_user.centre_id, utcnow() - timedelta(hours=16))
        if current_user.centre_id
        else []
    )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "visits/desk.html", form=form, query=query, found=found, organisations=organisations, today=today,
        left_form=ConfirmForm(),
    ), status  # fmt: skip


@bp.post("/<int:visit_id>/left")
@roles_required(*STAFF)
def left(visit_id: int):
    visit = db.get_or_404(Visit, visit_id)
    if current_user.role.value != "admin" and visit.centre_id != current_user.centre_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        service.mark_left(db.session, current_user, visit)
        db.session.commit()
        flash(_l("%(name)s has left.", name=visit.visitor.full_name), "success")
    return redirect(url_for("visits.desk"))


@bp.get("/mine")
@roles_required(*VISITORS)
def mine():
    return render_template("visits/mine.html", visits=service.my_visits(db.session, current_user))
