"""What a report covers, as the reader chooses it: an election, a centre (administrators; a
coordinator's report is their centre's) and a span of days, by default the days the centres
serve the election."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from observer_portal.forms import LocalDateField, PortalForm, as_choices, published_as_written
from observer_portal.i18n import reader_locale
from observer_portal.lazy_text import _l
from observer_portal.models import Election, ElectionState

EVERY_CENTRE = "all"


class ReportScopeForm(PortalForm):
    """GET filters (no CSRF: they change nothing)."""

    class Meta:
        csrf = False

    election = SelectField(_l("Election"), validators=[Optional()])
    centre = SelectField(_l("Centre"), validators=[Optional()])
    date_from = LocalDateField(_l("From (date)"), validators=[Optional()])
    date_to = LocalDateField(_l("To (date)"), validators=[Optional()])
    submit = SubmitField(_l("Show the report"))

    def offer(self, elections: list[Election], centres: list | None) -> None:
        """Fill the choices; `centres` None hides the centre (a coordinator's own centre)."""
        self.election.choices = as_choices([(e.id, e.name(reader_locale())) for e in elections])
        if not self.election.data and elections:
            active = next((e for e in elections if e.state == ElectionState.ACTIVE), elections[0])
            self.election.data = str(active.id)
        if centres is None:
            del self.centre
        else:
            self.centre.choices = as_choices(
                [(EVERY_CENTRE, _l("Every centre"))] + [(c.id, f"{c.name} ({c.region})") for c in centres]
            )
            if not self.centre.data:
                self.centre.data = EVERY_CENTRE

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The last day cannot come before the first."))


class DailyScopeForm(PortalForm):
    """The daily report's GET filters: a centre (administrators), a day, and how far back."""

    class Meta:
        csrf = False

    centre = SelectField(_l("Centre"), validators=[Optional()])
    day = LocalDateField(_l("Day"), validators=[Optional()])
    period = SelectField(_l("Covering"), default="day", validators=[Optional()])
    submit = SubmitField(_l("Show the report"))

    def offer(self, centres: list | None, *, every_centre: bool = True) -> None:
        self.period.choices = as_choices(
            [("day", _l("That day")), ("week", _l("The seven days up to it")), ("election", _l("The whole election"))]
        )
        if centres is None:
            del self.centre
            return
        pairs = [(c.id, f"{c.name} ({c.region})") for c in centres]
        self.centre.choices = as_choices(([(EVERY_CENTRE, _l("Every centre"))] if every_centre else []) + pairs)
        if not self.centre.data:
            self.centre.data = EVERY_CENTRE if every_centre else (str(centres[0].id) if centres else None)


class DailyNoteForm(PortalForm):
    """The coordinator's notes on a day (printed in the report, so published)."""

    centre = HiddenField()
    day = HiddenField()
    text = TextAreaField(
        _l("Notes for this day"),
        description=_l("Printed in the report as written. Name nobody: the report can be published."),
        validators=[Length(max=4000), published_as_written],
    )
    language = SelectField(_l("Written in"), validators=[DataRequired()])
    submit = SubmitField(_l("Save the notes"))


class SubscriptionForm(PortalForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    locale = SelectField(_l("Language of the report"), validators=[DataRequired()])
    submit = SubmitField(_l("Send the daily report to this address"))
