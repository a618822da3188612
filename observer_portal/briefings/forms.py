"""Forms for writing, translating and filtering briefings."""

from __future__ import annotations

from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from observer_portal.forms import LocaleDecimalField, PortalForm, PortalSubform, as_choices
from observer_portal.i18n import LOCALES
from observer_portal.labels import TOPIC_LABELS
from observer_portal.lazy_text import _l

FIGURE_ROWS = 10
MAX_BODY = 20_000
FIGURE_LIMIT = 10**13  # the column is Numeric(16, 2)


class FigureForm(PortalSubform):
    key = HiddenField()  # which figure this row is, so moving or clearing a row moves no label
    label = StringField(_l("Label"), validators=[Optional(), Length(max=160)])
    value = LocaleDecimalField(
        _l("Number"), places=2, minimum=-FIGURE_LIMIT, maximum=FIGURE_LIMIT, validators=[Optional()]
    )
    unit = StringField(_l("Unit (optional)"), validators=[Optional(), Length(max=40)])


class BriefingForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Address (letters, digits and hyphens)"),
        description=_l("Used in the link, for example atyrau-overview."),
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and hyphens only.")),
        ],
    )
    topic = SelectField(_l("Topic"), choices=as_choices(TOPIC_LABELS.items()), validators=[DataRequired()])
    original_locale = SelectField(_l("Language of this text"), choices=as_choices(LOCALES.items()))
    body = TextAreaField(
        _l("Text"),
        description=_l("Markdown: ## for headings, - for lists, **bold**, [link text](https://…)."),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        render_kw={"rows": 16},
    )
    figures = FieldList(FormField(FigureForm), min_entries=FIGURE_ROWS, max_entries=FIGURE_ROWS)
    submit = SubmitField(_l("Save briefing"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for entry in self.figures:
            label, value = (entry.form.label.data or "").strip(), entry.form.value.data
            if label and value is None and not entry.form.value.errors:  # unreadable input already says why
                entry.form.value.errors = [*entry.form.value.errors, str(_l("Give the number for this label."))]
                ok = False
            if value is not None and not label:
                entry.form.label.errors = [*entry.form.label.errors, str(_l("Give a label for this number."))]
                ok = False
        return ok


class FigureLabelForm(PortalSubform):
    figure_id = HiddenField()
    label = StringField(_l("Label"), validators=[Optional(), Length(max=160)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])


class TranslationForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=MAX_BODY)], render_kw={"rows": 16})
    figures = FieldList(FormField(FigureLabelForm), max_entries=50)
    save_draft = SubmitField(_l("Save as draft"))
    save_reviewed = SubmitField(_l("Save and mark as reviewed"))


class BriefingFilterForm(PortalForm):
    class Meta:
        csrf = False

    centre = SelectField(_l("Region"), validators=[Optional()])
    topic = SelectField(_l("Topic"), validators=[Optional()])
    submit = SubmitField(_l("Show"))
