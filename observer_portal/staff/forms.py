"""Forms coordinators use to manage accounts."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from observer_portal.forms import PortalForm, StrongPassword, add_language_skill_fields, as_choices
from observer_portal.lazy_text import _l, _lp


@add_language_skill_fields
class StaffEditForm(PortalForm):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    centre = SelectField(_l("Centre"), validators=[Optional()])
    on_duty = BooleanField(_l("On duty now (volunteers only)"))
    submit = SubmitField(_l("Save"))


@add_language_skill_fields
class StaffCreateForm(StaffEditForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)], render_kw={"spellcheck": "false"}
    )
    password = PasswordField(
        _l("Initial password"),
        description=_l("Give it to the person in person; they should change it after signing in."),
        validators=[DataRequired(), StrongPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account"))


class UserFilterForm(PortalForm):
    """GET filters of the account list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail contains"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=as_choices([("", _l("All")), ("active", _lp("account", "Active")), ("inactive", _l("Deactivated"))]),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Filter"))
