"""Sign-in, sign-up, profile and password forms."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from observer_portal.forms import MultiCheckboxField, PortalForm, StrongPassword, as_choices
from observer_portal.lazy_text import _l
from observer_portal.models import Role


class LoginForm(PortalForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=256)], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("Sign in"))


class SignUpForm(PortalForm):
    role = RadioField(
        _l("I am"),
        choices=as_choices(
            [(Role.OBSERVER.value, _l("an election observer")), (Role.MEDIA.value, _l("a media representative"))]
        ),
        validators=[InputRequired()],
    )
    display_name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=120)], render_kw={"autocomplete": "name"}
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters. A long phrase is easier to remember and harder to guess."),
        validators=[DataRequired(), StrongPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    organisation = StringField(
        _l("Mission or media outlet"),
        description=_l("For example OSCE/ODIHR EOM, CIS Observer Mission, or the name of your newspaper."),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "organization", "list": "organisation-list"},
    )
    accreditation_number = StringField(
        _l("Accreditation or press card number"),
        description=_l("As printed on your CEC accreditation or press card. Leave empty if you do not have it yet."),
        validators=[Optional(), Length(max=64)],
        render_kw={"spellcheck": "false"},
    )
    nationality = SelectField(_l("Nationality"), validators=[Optional()], render_kw={"autocomplete": "country"})
    phone = StringField(
        _l("Phone (optional)"),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    centre = SelectField(_l("Centre you will visit"), coerce=int, validators=[InputRequired()])
    languages = MultiCheckboxField(_l("Languages you speak"))
    consent = BooleanField(
        _l("I agree that the centre stores these details to assist me during the election mission."),
        validators=[DataRequired(message=_l("Please confirm to create an account."))],
    )
    submit = SubmitField(_l("Create account"))


class ProfileForm(PortalForm):
    display_name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=120)], render_kw={"autocomplete": "name"}
    )
    preferred_locale = SelectField(_l("Preferred language of the portal"), validators=[Optional()])
    submit = SubmitField(_l("Save profile"))


class PasswordChangeForm(PortalForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    password = PasswordField(
        _l("New password"),
        description=_l("At least 8 characters. A long phrase is easier to remember and harder to guess."),
        validators=[DataRequired(), StrongPassword(email_field=None)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class InvitationForm(PortalForm):
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters. A long phrase is easier to remember and harder to guess."),
        validators=[DataRequired(), StrongPassword(email_field=None)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create my account"))


def _at_least_one_scope(form, field) -> None:
    """The form's own words (DataRequired would say "This field is required" and mark every
    checkbox required, which a screen reader reads as all of them)."""
    if not field.data:
        raise ValidationError(_l("Choose at least one of the permissions offered."))


class TokenForm(PortalForm):
    """A personal access token for another system (the API)."""

    name = StringField(
        _l("Token name"),
        description=_l("Say what it is for, e.g. “Mission dashboard”."),
        validators=[
            DataRequired(message=_l("Give the token a name of at most %(n)s characters.", n=80)),
            Length(max=80),
        ],
    )
    scopes = MultiCheckboxField(_l("What it may do"), validators=[_at_least_one_scope])
    days = SelectField(_l("Valid for"), default="30")
    submit = SubmitField(_l("Create token"))
