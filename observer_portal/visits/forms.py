"""The front-desk form: find or create the visitor, say why they came."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from observer_portal.forms import LocalDateField, LocalDateTimeField, MultiCheckboxField, PortalForm, as_choices
from observer_portal.labels import PURPOSE_LABELS
from observer_portal.lazy_text import _l
from observer_portal.services.visits import MAX_EMAIL, MAX_NOTES, MAX_PHONE

#: worded for whoever registers them (sign-up's "an election observer" reads "I am …" in Kazakh)
KIND_CHOICES = [("observer", _l("Election observer")), ("media", _l("Media representative"))]


class VisitForm(PortalForm):
    visitor_id = RadioField(_l("Visitor"), validate_choice=False, validators=[Optional()])
    card_number = StringField(
        _l("Their card number"),
        description=_l(
            "Only for a visitor registered by another centre: the number on the accreditation or press card they show."
        ),
        validators=[Optional(), Length(max=64)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    full_name = StringField(_l("Full name of a new visitor"), validators=[Optional(), Length(max=120)])
    kind = RadioField(
        _l("Kind of visitor"),
        choices=as_choices(KIND_CHOICES),
        default="observer",
        validators=[Optional()],
    )
    organisation = StringField(
        _l("Mission or media outlet"),
        validators=[Optional(), Length(max=200)],
        render_kw={"list": "organisation-list"},
    )
    accreditation_number = StringField(
        _l("Accreditation or press card number"),
        validators=[Optional(), Length(max=64)],
        render_kw={"spellcheck": "false"},
    )
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    languages = MultiCheckboxField(_l("Languages"))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=MAX_PHONE)], render_kw={"type": "tel"})
    contact_email = StringField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=MAX_EMAIL)], render_kw={"type": "email"}
    )
    different_person = BooleanField(_l("This is a different person: register them as new"))
    purposes = MultiCheckboxField(
        _l("Why they came"), choices=as_choices(PURPOSE_LABELS.items()), validators=[InputRequired()]
    )
    arrived_at = LocalDateTimeField(_l("Arrived (local time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_NOTES)], render_kw={"rows": 3})
    submit = SubmitField(_l("Register the visit"))


class VisitLogFilterForm(PortalForm):
    """GET filters of the visit log (no CSRF: they change nothing)."""

    class Meta:
        csrf = False

    election = SelectField(_l("Election"), validators=[Optional()])
    date_from = LocalDateField(_l("From (date)"), validators=[Optional()])
    date_to = LocalDateField(_l("To (date)"), validators=[Optional()])
    organisation = SelectField(_l("Mission or media outlet"), validators=[Optional()])
    kind = SelectField(_l("Kind of visitor"), validators=[Optional()])
    purpose = SelectField(_l("Why they came"), validators=[Optional()])
    volunteer = SelectField(_l("Registered by"), validators=[Optional()])
    text = StringField(_l("Name, accreditation or notes contain"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Filter"))

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


class VisitorForm(PortalForm):
    """Correct a visitor's details in the registry."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    kind = RadioField(_l("This visitor is"), choices=as_choices(KIND_CHOICES), validators=[DataRequired()])
    organisation = StringField(
        _l("Mission or media outlet"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"list": "organisation-list"},
    )
    accreditation_number = StringField(
        _l("Accreditation or press card number"),
        validators=[Optional(), Length(max=64)],
        render_kw={"spellcheck": "false"},
    )
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=MAX_PHONE)], render_kw={"type": "tel"})
    contact_email = StringField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=MAX_EMAIL)], render_kw={"type": "email"}
    )
    languages = MultiCheckboxField(_l("Languages"))
    submit = SubmitField(_l("Save changes"))


class MergeForm(PortalForm):
    duplicate = HiddenField(_l("Duplicate"), validators=[DataRequired()])
    submit = SubmitField(_l("Merge"))
