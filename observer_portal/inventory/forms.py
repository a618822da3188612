"""Forms for the equipment inventory and loans."""

from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from observer_portal.forms import LocalDateTimeField, PortalForm, as_choices
from observer_portal.labels import CONDITION_LABELS, EQUIPMENT_KIND_LABELS
from observer_portal.lazy_text import _l


class ItemForm(PortalForm):
    kind = SelectField(_l("Kind"), choices=as_choices(EQUIPMENT_KIND_LABELS.items()), validators=[DataRequired()])
    asset_tag = StringField(
        _l("Asset tag"),
        description=_l("The label stuck on the item, e.g. ATR-LAP-03."),
        validators=[DataRequired(), Length(max=40)],
    )
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])
    condition = SelectField(_l("Condition"), choices=as_choices(CONDITION_LABELS.items()))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save item"))


class CheckoutForm(PortalForm):
    borrower = SelectField(_l("Borrower"), validators=[DataRequired()])
    due_at = LocalDateTimeField(_l("Back by (local time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    request_id = SelectField(_l("For request (optional)"), validators=[Optional()])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=500)])
    # Translators: a button: lend the item to the visitor (a verb)
    submit = SubmitField(_l("Lend"))


class CheckinForm(PortalForm):
    condition = SelectField(_l("Condition on return"), choices=as_choices(CONDITION_LABELS.items()))
    submit = SubmitField(_l("Check in"))


class InventoryFilterForm(PortalForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))
