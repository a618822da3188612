"""Forms to ask for help, work the queue and move a request along."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from observer_portal.assistance.walk_in import WalkInForm
from observer_portal.forms import LocalDateTimeField, PortalForm, as_choices
from observer_portal.labels import LOCATION_LABELS, PRIORITY_LABELS, REQUEST_KIND_LABELS, VISITOR_LOCATION_LABELS
from observer_portal.lazy_text import _l
from observer_portal.services.assistance import GENERAL_KINDS, MAX_DETAILS


class RequestForm(PortalForm):
    kind = SelectField(
        _l("What do you need?"),
        choices=as_choices((kind.value, REQUEST_KIND_LABELS[kind]) for kind in GENERAL_KINDS),
        validators=[DataRequired()],
    )
    details = TextAreaField(
        _l("Details"),
        description=_l("For example: a printer for 20 pages tonight, a SIM card with data for three days."),
        validators=[DataRequired(), Length(max=MAX_DETAILS)],
        render_kw={"rows": 5},
    )
    location_kind = SelectField(_l("Where"), choices=as_choices((k.value, v) for k, v in LOCATION_LABELS.items()))
    location = StringField(
        _l("Address, hotel or polling station number (optional)"), validators=[Optional(), Length(max=200)]
    )
    needed_by = LocalDateTimeField(_l("Needed by (local time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    priority = SelectField(
        _l("Urgency"), choices=as_choices((str(int(k)), v) for k, v in PRIORITY_LABELS.items()), default="2"
    )
    submit = SubmitField(_l("Send request"))


class StaffRequestForm(WalkInForm, RequestForm):
    """The same request, worded for the staff member filing it for a visitor."""

    submit = SubmitField(_l("File request"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.label.text = _l("What does the visitor need?")
        self.location_kind.choices = as_choices((k.value, v) for k, v in VISITOR_LOCATION_LABELS.items())


class ActionForm(PortalForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_DETAILS)], render_kw={"rows": 3})
    assignee = SelectField(_l("Assign to"), choices=[], validators=[Optional()])


class QueueFilterForm(PortalForm):
    class Meta:
        csrf = False

    election = SelectField(_l("Election"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    mine = BooleanField(_l("Assigned to me"))
    unassigned = BooleanField(_l("Not yet taken"))
    # Translators: a filter: only requests past the time they were needed by
    overdue = BooleanField(_l("Overdue"))
    submit = SubmitField(_l("Filter"))
