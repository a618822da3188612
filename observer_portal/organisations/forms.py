"""The registry's forms: an organisation (registered name, a name per language, kind), the
filter of the list, and the choice of a duplicate to merge."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from observer_portal.forms import PortalForm, as_choices
from observer_portal.i18n import LOCALES
from observer_portal.labels import ORGANISATION_KIND_LABELS
from observer_portal.lazy_text import _l
from observer_portal.services.organisations import MAX_NAME


class OrganisationForm(PortalForm):
    name = StringField(
        _l("Name as registered"),
        description=_l("As the organisation writes it, e.g. “OSCE/ODIHR Election Observation Mission”."),
        validators=[DataRequired(), Length(max=MAX_NAME)],
    )
    kind = SelectField(
        _l("Kind"), choices=as_choices((k.value, label) for k, label in ORGANISATION_KIND_LABELS.items())
    )
    submit = SubmitField(_l("Save"))

    def name_fields(self):
        return [getattr(self, f"name_{code}") for code in LOCALES]

    def names(self) -> dict[str, str]:
        return {code: getattr(self, f"name_{code}").data or "" for code in LOCALES}


for _code, _autonym in LOCALES.items():  # each language's name labelled in that language
    setattr(
        OrganisationForm,
        f"name_{_code}",
        StringField(_autonym, validators=[Optional(), Length(max=MAX_NAME)], render_kw={"lang": _code}),
    )


class RegistryFilterForm(PortalForm):
    class Meta:
        csrf = False

    unconfirmed = BooleanField(_l("Only those waiting to be confirmed"))
    submit = SubmitField(_l("Filter"))


class MergeOrganisationForm(PortalForm):
    duplicate = SelectField(
        _l("The duplicate to merge into this organisation"),
        description=_l("Its visitors and visits move here; then it is deleted."),
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Merge"))
