"""What the front desk's form says, as the service's input (views stay thin)."""

from __future__ import annotations

from observer_portal.forms import add_problem
from observer_portal.models import VisitorKind, VisitPurpose
from observer_portal.models.base import utcnow
from observer_portal.paging import parse_id
from observer_portal.services import visits as service
from observer_portal.timezones import local_to_utc
from observer_portal.visits.forms import VisitForm

PURPOSES = {purpose.value for purpose in VisitPurpose}
KINDS = {kind.value for kind in VisitorKind}


def prefill(form: VisitForm, query: str) -> None:
    """What was searched is not typed twice: a number goes to the card number, words to the name."""
    if any(character.isdigit() for character in query):
        form.accreditation_number.data = query
    else:
        form.full_name.data = query


def checked(form: VisitForm, query: str) -> bool:
    """The form's own checks and the service's checks of what was typed, together: every
    problem shows in one round (a missing name, mission and purpose are one correction)."""
    valid = form.validate_on_submit()
    if not form.is_submitted():
        return False
    for problem in service.input_problems(visit_input(form, query), utcnow()):
        add_problem(form, problem, unless_shown=True)
        valid = False
    return valid


def visit_input(form: VisitForm, query: str) -> service.VisitInput:
    """What was typed, also from a form its own checks refused (values it could not read
    are left out; `checked` reports them)."""
    new_visitor = None
    if not form.visitor_id.data:
        new_visitor = service.NewVisitor(
            full_name=form.full_name.data or "",
            kind=VisitorKind(form.kind.data if form.kind.data in KINDS else "observer"),
            organisation_name=form.organisation.data or "",
            accreditation_number=form.accreditation_number.data or "",
            nationality=form.nationality.data or "",
            languages=form.languages.data or [],
            phone=form.phone.data or "",
            contact_email=form.contact_email.data or "",
            different_person=bool(form.different_person.data),
        )
    return service.VisitInput(
        purposes=[VisitPurpose(p) for p in form.purposes.data or [] if p in PURPOSES],
        arrived_at=local_to_utc(form.arrived_at.data) if form.arrived_at.data else None,
        notes=form.notes.data or "",
        visitor_id=parse_id(form.visitor_id.data),
        new_visitor=new_visitor,
        card_number=form.card_number.data or "",
        badge=query,
    )
