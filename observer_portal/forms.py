"""Form building blocks shared by every blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, ValidationError, widgets
from wtforms.fields.choices import SelectChoice

from observer_portal.i18n import SPOKEN_LANGUAGES
from observer_portal.models import Proficiency
from observer_portal.security import password_problem

PROFICIENCY_LABELS = {
    Proficiency.NATIVE: _l("Native"),
    Proficiency.FLUENT: _l("Fluent"),
    Proficiency.WORKING: _l("Working knowledge"),
    Proficiency.BASIC: _l("Basic"),
}


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes, rendered inside a fieldset by the form macro."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class StrongPassword:
    """WTForms validator wrapping the password policy of `security.password_problem`."""

    def __init__(self, email_field: str | None = "email"):
        self.email_field = email_field

    def __call__(self, form, field) -> None:
        email = ""
        if self.email_field and self.email_field in form:
            email = form[self.email_field].data or ""
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(str(problem))


def language_skill_field_name(code: str) -> str:
    return f"lang_{code}"


def add_language_skill_fields(form_class: type) -> type:
    """Add one proficiency select per spoken language (`lang_en`, `lang_de`, ...)."""
    choices = as_choices(
        [("", _l("Does not speak"))] + [(level.value, label) for level, label in PROFICIENCY_LABELS.items()]
    )
    for code in SPOKEN_LANGUAGES:
        setattr(form_class, language_skill_field_name(code), SelectField(code, choices=choices, default=""))
    return form_class


def language_skill_fields(form) -> list:
    return [form[language_skill_field_name(code)] for code in SPOKEN_LANGUAGES]


def read_language_skills(form) -> dict[str, Proficiency | None]:
    return {
        code: Proficiency(form[language_skill_field_name(code)].data)
        if form[language_skill_field_name(code)].data
        else None
        for code in SPOKEN_LANGUAGES
    }


def fill_language_skills(form, user) -> None:
    levels = {lang.language: lang.proficiency.value for lang in user.languages}
    for code in SPOKEN_LANGUAGES:
        form[language_skill_field_name(code)].data = levels.get(code, "")
