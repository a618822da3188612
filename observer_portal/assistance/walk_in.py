"""Staff filing for a walk-in: which visitor, and which of their visits the request belongs to.

The general form and the language form read the same two fields (`visitor`, a choice of the
centre's visitors, and `visit`, set by the front desk's "file a request"), with one rule:
a visit is linked only when it is this visitor's visit to the staff member's centre."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_login import current_user
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from observer_portal.extensions import db
from observer_portal.forms import PortalForm, as_choices, visitor_choices
from observer_portal.lazy_text import _l
from observer_portal.models import Visit, VisitorProfile
from observer_portal.paging import parse_id
from observer_portal.services import assistance


class WalkInForm(PortalForm):
    """The visitor fields that staff forms add to what a visitor fills in for themselves."""

    visitor = SelectField(_l("Visitor"), validators=[DataRequired()])
    # Translators: a visit to the centre (a noun)
    visit = HiddenField(_l("Visit"))  # set by "file a request" at the front desk


@dataclass
class WalkIn:
    visit: Visit | None  # the linked visit, shown on the form
    mismatched: bool  # a visit was named that is not this visitor's visit here

    def visitor(self, form: WalkInForm) -> VisitorProfile | None:
        """The chosen visitor once the form is valid, or None with the form told why."""
        if self.mismatched:  # said once: sent again, the request is filed without that visit
            form.form_errors.append(str(_l("This visit is not a visit of this visitor to this centre.")))
            form.visit.data = ""
            return None
        return db.session.get(VisitorProfile, int(form.visitor.data))


def offer_visitors(form: WalkInForm) -> WalkIn:
    """Offer the visitors the registry shows (a travelling observer has their visit registered
    at the front desk first, which makes them this centre's visitor); on the first reading,
    take the visitor and the visit from the link the desk or the visitor's page gave."""
    visitors = assistance.centre_visitors(db.session, current_user)
    wanted = request.args.get("visitor", "") if request.method == "GET" else (form.visitor.data or "")
    form.visitor.choices = as_choices([("", _l("Choose a visitor"))] + visitor_choices(visitors))
    if request.method == "GET":
        form.visitor.data = wanted
        form.visit.data = str(parse_id(request.args.get("visit")) or "")
    visit_ref = str(form.visit.data or "")
    visit_id = parse_id(visit_ref)
    visit = db.session.get(Visit, visit_id) if visit_id else None
    if visit is not None and (visit.centre_id != current_user.centre_id or str(visit.visitor_id) != str(wanted)):
        visit = None  # never shown: another centre's visit, or another visitor's
    return WalkIn(visit=visit, mismatched=bool(visit_ref) and visit is None)
