"""Every text field of every form refuses characters nobody types (issue 13): control
characters, line breaks in one-line fields, Unicode line separators and bidi overrides.

The rule lives in one place (`PortalForm`'s Meta gives each text field the validator);
these tests walk every form class of the portal, so a new form or field cannot miss it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField

import observer_portal
from observer_portal.forms import PortalForm, PortalSubform, as_choices, published_as_written
from observer_portal.text_rules import BIDI_CONTROLS as BIDI
from tests.helpers import post_form

ONE_LINE = "Write this on one line, without tabs or control characters."
TEXT = "Remove the invisible control characters from this text."
# refused in every text field
EVERYWHERE = ["Anna\x00", "Anna\x1b[2J", "Anna\x7f", "Anna\x9b0m", "Anna\x08"]
# refused in one-line fields; a text area (pasted text) takes tabs, line breaks and bidi controls
ONE_LINE_ONLY = [
    "Anna\nB",
    "Anna\rB",
    "Anna\tB",
    "Anna\x85B",
    "Anna\u2028B",
    "Anna\u2029",
    "\u202eannA",
    "Anna\u2066x\u2069",
    "Anna\x0bB",
    "Anna\x0cB",
    "An\u200bna",
    "Anna\u200f",
    "Anna\ufeff",
    "Anna\u061c",
    "An\u00adna",
    "Anna\U000e0041",
    "Anna\ufff9",
]


def _form_classes() -> list[type[Form]]:
    found = set()
    for module in pkgutil.walk_packages(observer_portal.__path__, "observer_portal."):
        if module.name.endswith("forms"):
            for _name, value in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
                if issubclass(value, Form) and value.__module__.startswith("observer_portal"):
                    found.add(value)
    return sorted(found - {PortalForm, PortalSubform}, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


FORMS = _form_classes()


def test_every_form_of_the_portal_is_found_and_uses_the_base():
    assert len(FORMS) >= 20
    assert [cls.__name__ for cls in FORMS if not issubclass(cls, PortalForm | PortalSubform)] == []


def _text_fields(fields) -> list:
    """Every text field, inside rows (FieldList, FormField) too; passwords left out."""
    found = []
    for field in fields:
        if isinstance(field, FieldList):
            found += _text_fields(field.entries)
        elif isinstance(field, FormField):
            found += _text_fields(field.form)
        elif isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField):
            found.append(field)
    return found


def _build(cls, formdata=None):
    return cls(formdata=formdata, meta={"csrf": False}) if issubclass(cls, PortalForm) else cls(formdata=formdata)


def test_every_text_field_refuses_hidden_characters(app):
    checked = []
    with app.test_request_context(method="POST"):
        for cls in FORMS:
            names = [field.name for field in _text_fields(_build(cls))]
            if names:  # some forms hold only buttons and choices
                _check(cls, names)
                checked.append(cls.__name__)
    assert len(checked) >= 12, checked


def _check(cls, names: list[str]) -> None:
    for value in EVERYWHERE + ONE_LINE_ONLY:
        form = _build(cls, MultiDict({name: value for name in names}))
        for field in _text_fields(form):
            field.validate(form)
            text_area = isinstance(field, TextAreaField)
            published = published_as_written in field.validators  # printed for others: no direction controls
            if text_area and published and BIDI.search(value):
                assert TEXT in field.errors, (cls.__name__, field.name, repr(value))
            elif text_area and value in ONE_LINE_ONLY:
                assert TEXT not in field.errors, (cls.__name__, field.name, value)
                assert ONE_LINE not in field.errors, (cls.__name__, field.name, value)
            else:
                assert (TEXT if text_area else ONE_LINE) in field.errors, (cls.__name__, field.name, repr(value))
    # what people do type passes: Kazakh letters, accents, an apostrophe, an Arabic name
    form = _build(cls, MultiDict({name: "Ақмаржан Müller-Ó'Brien محمد می\u200cخواهم" for name in names}))
    for field in _text_fields(form):
        field.validate(form)
        assert TEXT not in field.errors, (cls.__name__, field.name)
        assert ONE_LINE not in field.errors, (cls.__name__, field.name)


def test_a_text_area_keeps_every_kind_of_line_break_as_a_newline(app):
    from observer_portal.assistance.forms import RequestForm

    with app.test_request_context(method="POST"):
        form = RequestForm(
            formdata=MultiDict({"details": "a\u2028b\u2029c\x85d\r\ne\rf\x0bg\th"}), meta={"csrf": False}
        )
        form.details.validate(form)
    assert form.details.data == "a\nb\nc\nd\ne\nf\ng\th"
    assert form.details.errors == []


def test_the_refusal_is_in_the_readers_language(app, login_as):
    client, _ = login_as("observer")
    response = post_form(client, "/account?lang=ru", {"display_name": "Anna\u202e"}, page="/account?lang=ru")
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 422), response.status_code
    assert "управляющих символов" in html or "одной строке" in html


def test_wtforms_own_messages_follow_the_reader_in_forms_and_subforms(app):
    """WTForms' built-in messages come from its catalogs, read once per process and per
    language (forms.WTFormsMessages), for forms and for the rows inside them."""
    from flask_babel import force_locale
    from wtforms import SelectField

    class Row(PortalSubform):
        colour = SelectField(choices=as_choices([("red", "red")]))

    class Choice(PortalForm):
        class Meta:
            csrf = False

        colour = SelectField(choices=as_choices([("red", "red")]))
        row = FormField(Row)

    seen = {}
    with app.test_request_context():
        for locale in ("de", "ru", "kk", "de"):
            with force_locale(locale):
                form = Choice(MultiDict({"colour": "blue", "row-colour": "blue"}))
                assert not form.validate()
                seen[locale] = (form.colour.errors[0], form.row.colour.errors[0])
    assert seen["de"] == ("Keine gültige Auswahl.", "Keine gültige Auswahl.")
    assert seen["ru"][0] == seen["ru"][1] != "Not a valid choice."
    assert seen["kk"][0] != seen["ru"][0]


@pytest.mark.parametrize("code", ["de", "fr", "ru", "kk"])
def test_every_wtforms_message_is_translated(code):
    """WTForms' German and Russian catalogs leave some messages in English (fuzzy entries):
    the portal's catalog fills them (observer_portal/wtforms_messages.py), so a forged choice
    on a German page is refused in German."""
    from babel.messages.pofile import read_po
    from wtforms.i18n import messages_path

    from observer_portal.wtforms_messages import wtforms_catalog

    with open(f"{messages_path()}/wtforms.pot", "rb") as template:
        messages = [message.id for message in read_po(template) if message.id]
    catalog = wtforms_catalog(code)
    english = []
    for msgid in messages:
        if isinstance(msgid, tuple):
            english += [msgid[0] for n in (1, 2, 5) if catalog.ungettext(*msgid, n) in msgid]
        elif catalog.ugettext(msgid) == msgid:
            english.append(msgid)
    assert english == []
