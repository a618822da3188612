"""Form building blocks shared by every blueprint."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from flask import current_app, g, request
from flask_babel import format_date, get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    Field,
    Form,
    HiddenField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from observer_portal.i18n import SPOKEN_LANGUAGES
from observer_portal.lazy_text import _l
from observer_portal.models import Proficiency
from observer_portal.numbers import NumberInputError, format_hint, format_number, parse_number
from observer_portal.security import password_problem
from observer_portal.submissions import FIELD, new_key
from observer_portal.text_rules import BIDI_CONTROLS, NOT_TEXT, is_one_line, one_kind_of_line_break
from observer_portal.wtforms_messages import WTFORMS_MESSAGES

PROFICIENCY_LABELS = {
    Proficiency.NATIVE: _l("Native"),
    Proficiency.FLUENT: _l("Fluent"),
    Proficiency.WORKING: _l("Working knowledge"),
    Proficiency.BASIC: _l("Basic"),
}


def published_as_written(form, field) -> None:
    """Validator of text printed for others as it was typed (a daily report's notes)."""
    if isinstance(field.data, str) and BIDI_CONTROLS.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this text."))


def printable(form, field) -> None:
    """Validator of every text field (see PortalForm): what people type, nothing that hides."""
    if not isinstance(field.data, str):
        return
    if isinstance(field, TextAreaField):
        if NOT_TEXT.search(field.data):
            raise ValidationError(_l("Remove the invisible control characters from this text."))
    elif not is_one_line(field.data):
        raise ValidationError(_l("Write this on one line, without tabs or control characters."))


def _trimmed(value):
    return value.strip(" ") if isinstance(value, str) else value  # spaces only: anything else is refused


class _PrintableMeta:
    """Gives every text field of the form the `printable` validator, and every text area the
    line-break filter (passwords excepted: any character may be part of a password; hidden
    fields too: the page wrote them and the view parses them, a person never sees them). One
    rule for all forms, so none can forget it; `tests/test_form_text.py` walks them all."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        typed = not issubclass(field_class, PasswordField | HiddenField)  # hidden: ours, parsed where read
        if issubclass(field_class, StringField) and typed:
            validators = options.get("validators", unbound_field.kwargs.get("validators")) or []
            options = {**options, "validators": [*validators, printable]}
            if issubclass(field_class, EmailField):  # a phone's autocomplete adds a space after the address
                filters = options.get("filters", unbound_field.kwargs.get("filters")) or []
                options["filters"] = [*filters, _trimmed]
            if issubclass(field_class, TextAreaField):
                filters = options.get("filters", unbound_field.kwargs.get("filters")) or []
                options["filters"] = [one_kind_of_line_break, *filters]
        return unbound_field.bind(form=form, **options)

    def get_translations(self, form):
        if current_app.config.get("WTF_I18N_ENABLED", True):
            return WTFORMS_MESSAGES
        return super().get_translations(form)


class PortalForm(FlaskForm):
    """The base of every form of the portal: CSRF (Flask-WTF), and printable text only."""

    class Meta(_PrintableMeta):
        pass

    def process(self, *args, **kwargs) -> None:
        """A choice of only spaces is no choice: read as not chosen (its default applies),
        since `Optional` lets it through and, read as a value, it would be no kind, status or
        election the page knows."""
        super().process(*args, **kwargs)
        for field in self:
            if isinstance(field, SelectField) and isinstance(field.data, str) and field.data and not field.data.strip():
                field.data = ""

    def hidden_tag(self, *fields) -> Markup:
        """Flask-WTF's hidden fields, without ids: a page holds many small forms (a CSRF token
        each: "has left", "take it", publish...) and ids must be unique on a page (WCAG 2.1,
        4.1.1); no label or script points at a hidden input. A form that posts also gets its
        one-time submission key."""
        chosen = [getattr(self, f, None) if isinstance(f, str) else f for f in (fields or self)]
        hidden = [f(id=False) for f in chosen if f is not None and isinstance(f.widget, widgets.HiddenInput)]
        if self.meta.csrf:  # a form that changes something: sent twice, carried out once (submissions.py)
            hidden.append(Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key()))
        return Markup("\n").join(hidden)  # each field renders escaped Markup


class PortalSubform(Form):
    """The base of rows inside a form (FormField): no CSRF of their own, printable text only."""

    class Meta(_PrintableMeta):
        pass


def visitor_choices(visitors) -> list[tuple[int, str]]:
    """Visitors as a picker lists them: name · mission or outlet · card number, so two people
    of the same name can be told apart; where even that is the same, the day each was
    registered follows (never an internal number)."""
    labels = []
    for visitor in visitors:
        parts = [visitor.full_name]
        if visitor.organisation:
            parts.append(visitor.organisation.label)
        if visitor.accreditation_number:
            parts.append(visitor.accreditation_number)
        labels.append(" · ".join(parts))
    repeated = {label for label in labels if labels.count(label) > 1}
    return [
        (visitor.id, f"{label} · {format_date(visitor.created_at, 'medium')}" if label in repeated else label)
        for visitor, label in zip(visitors, labels, strict=True)
    ]


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes, rendered inside a fieldset by the form macro."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _number_locale() -> Locale:
    return get_locale() or Locale("en")


class LocaleDecimalField(Field):
    """A typed number, read and shown in the format of the person's UI locale.

    Refused input keeps what was typed in the box and says, in the person's
    language, how to write it; nothing is rounded or guessed (see `numbers`).
    """

    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, *, places=2, minimum=None, maximum=None, **kwargs):
        kwargs.setdefault("render_kw", {"autocomplete": "off", "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)
        self.places, self.minimum, self.maximum = places, minimum, maximum
        if not self.description:
            self.description = format_hint(_number_locale())

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_number(self.data, _number_locale())

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if not valuelist:
            return
        try:
            self.data = parse_number(
                valuelist[0], _number_locale(), places=self.places, minimum=self.minimum, maximum=self.maximum
            )
        except NumberInputError as error:
            raise ValueError(error.message) from None


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class _PlausibleDates:
    """Refuse dates no one means (year 1 or 9999): converting them to UTC overflowed into a 500.

    Date inputs send ISO text whatever the UI language, so parsing stays
    WTForms' own (with its translated "not a valid date" message).
    """

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        day = self.data.date() if isinstance(self.data, datetime) else self.data
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            self.data = None
            raise ValueError(
                _l(
                    "Enter a date between %(first)s and %(last)s.",
                    first=format_date(FIRST_DAY, "long"),
                    last=format_date(LAST_DAY, "long"),
                )
            )


class LocalDateTimeField(_PlausibleDates, DateTimeLocalField):
    """A `datetime-local` input in the centre's time; seconds are accepted when a browser sends them."""

    def __init__(self, label=None, validators=None, **kwargs):
        pattern = kwargs.pop("format", "%Y-%m-%dT%H:%M")
        kwargs["format"] = [pattern, f"{pattern}:%S"] if isinstance(pattern, str) else pattern
        super().__init__(label, validators, **kwargs)


class LocalDateField(_PlausibleDates, DateField):
    """A `date` input (ISO in every locale) limited to plausible days."""


def form_problems(form) -> list[tuple[str, object, int | None, object]]:
    """(field id, label, row number, message) for each field error, rows of FieldLists included.

    A FieldList's own `.errors` is a list of per-row dicts, which the error
    summary used to print raw once per row; here every message appears once,
    next to the field it belongs to.
    """
    problems: list[tuple[str, object, int | None, object]] = []

    def add(field, row: int | None) -> None:
        seen: set[str] = set()
        for message in field.errors or ():
            if isinstance(message, dict | list | tuple) or str(message) in seen:
                continue
            seen.add(str(message))
            problems.append((field.id, field.label.text, row, message))

    def walk(fields, row: int | None) -> None:
        for field in fields:
            if field.type == "CSRFTokenField":
                continue
            if field.type == "FieldList":
                add(field, row)  # messages of the list itself, if any
                for number, entry in enumerate(field.entries, start=1):
                    if entry.type == "FormField":
                        walk(entry.form, number)
                    else:
                        add(entry, number)
            elif field.type == "FormField":
                walk(field.form, row)
            else:
                add(field, row)

    walk(form, None)
    return problems


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


def show_form_error(form, error) -> None:
    """Attach a service refusal (ServiceError) to the field it concerns, or to the form as a
    whole; the request's writes are undone and nothing of it is committed."""
    from observer_portal.unit_of_work import discard

    discard()
    for problem in getattr(error, "problems", [error]):  # InvalidInput: each one where it belongs
        add_problem(form, problem)


def add_problem(form, problem, *, unless_shown: bool = False) -> None:
    """One refusal next to its field (or above the form). `unless_shown`: a field already
    refused by the form's own check ("required") is not told the same thing twice."""
    if problem.field and problem.field in form:
        field = form[problem.field]
        if not (unless_shown and field.errors):
            field.errors = [*field.errors, str(problem.message)]
    else:
        form.form_errors.append(str(problem.message))


MAX_RECORDED_FILTER = 200  # characters of each filter an audit entry keeps


def recorded_filters(form, args) -> dict[str, str]:
    """The filters of a download as its audit entry keeps them: the form's own fields, each
    cut to MAX_RECORDED_FILTER characters (made-up parameters would fill the trail)."""
    return {name: value[:MAX_RECORDED_FILTER] for name, value in args.items() if name in form._fields}


def read_filters(form) -> bool:
    """Validate a GET form of filters or search. An invalid one shows its field errors and the
    page answers 400 (`unit_of_work.refused_form_status`): a bad filter is never dropped silently."""
    if form.validate():
        return True
    g.refused_filters = True
    return False


class VisitorSearchForm(PortalForm):
    """The visitor search of the front desk, the registry and the merge page."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(
        _l("Find a visitor by name, mission or outlet, or accreditation number"),
        validators=[Optional(), Length(max=100)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def visitor_search() -> tuple[VisitorSearchForm, str]:
    """The search form read from the query string, and the words to search for ('' when invalid)."""
    form = VisitorSearchForm(request.args)
    return form, ((form.q.data or "").strip() if read_filters(form) else "")


class ConfirmForm(PortalForm):
    """A form with only a CSRF token and a button, for POST-only actions (logout, toggles)."""

    submit = SubmitField(_l("Confirm"))
