"""The election form: a name per language (each labelled in its own language), the days."""

from __future__ import annotations

from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from observer_portal.forms import LocalDateField, LocaleDecimalField, PortalForm
from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models.election import DEFAULT_RETENTION_DAYS
from observer_portal.services.elections import MAX_NAME, MAX_RETENTION_DAYS


class ElectionForm(PortalForm):
    voting_day = LocalDateField(_l("Voting day"), validators=[InputRequired()])
    serves_from = LocalDateField(
        _l("Centres open from"), description=_l("Empty: the voting day."), validators=[Optional()]
    )
    serves_to = LocalDateField(
        _l("Centres open until"), description=_l("Empty: the voting day."), validators=[Optional()]
    )
    retention_days = LocaleDecimalField(  # a whole number, typed as the reader writes numbers
        _l("Keep visitors' personal data for (days after the voting day)"),
        default=DEFAULT_RETENTION_DAYS,
        places=0,
        minimum=0,
        maximum=MAX_RETENTION_DAYS,
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Save election"))

    def name_fields(self):
        return [getattr(self, f"name_{code}") for code in LOCALES]


for _code, _autonym in LOCALES.items():  # "English", "Deutsch", … : each name is typed in its own language
    setattr(
        ElectionForm,
        f"name_{_code}",
        StringField(_autonym, validators=[Optional(), Length(max=MAX_NAME)], render_kw={"lang": _code}),
    )
