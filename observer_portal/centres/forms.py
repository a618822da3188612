"""Centre forms: per language, the name, region, address and opening hours (each language's
fields grouped and labelled so a reader of that language finds them); the contacts form
a coordinator fills is the part of it about reaching the centre."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional

from observer_portal.forms import MultiCheckboxField, PortalForm, as_choices
from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.services.centres import LIMITS

#: form field prefix → (service attribute, label)
TEXT_FIELDS = {
    "name": ("names", _l("Name of the centre")),
    "region": ("regions", _l("Region")),
    "address": ("addresses", _l("Address")),
    "hours": ("hours", _l("Opening hours")),
}
CONTACT_TEXTS = ("address", "hours")


class CentreContactsForm(PortalForm):
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)], render_kw={"autocomplete": "tel"})
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    submit = SubmitField(_l("Save the centre"))
    text_prefixes = CONTACT_TEXTS

    def language_groups(self):
        """[(locale, [fields of that language])] in the portal's order of languages."""
        return [(code, [getattr(self, f"{prefix}_{code}") for prefix in self.text_prefixes]) for code in LOCALES]

    def texts(self, attribute: str) -> dict[str, str]:
        prefix = next(p for p, (a, _label) in TEXT_FIELDS.items() if a == attribute)
        return {code: getattr(self, f"{prefix}_{code}").data or "" for code in LOCALES}

    def fill_texts(self, centre) -> None:
        for prefix in self.text_prefixes:
            attribute = TEXT_FIELDS[prefix][0]
            for code in LOCALES:
                getattr(self, f"{prefix}_{code}").data = (getattr(centre, attribute) or {}).get(code, "")


class CentreForm(CentreContactsForm):
    slug = StringField(
        _l("Address of its pages on the site"),
        description=_l("Lower-case Latin letters, digits and hyphens, e.g. “atyrau”. It cannot be changed later."),
        validators=[InputRequired(), Length(max=64)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    language = SelectField(
        _l("The centre's own language"),
        description=_l("Shown to readers whose language the centre has no text in."),
        choices=as_choices(LOCALES.items()),
        default="kk",  # as `flask centres create`: Kazakh, the state language
    )
    timezone = StringField(
        _l("Time zone"),
        default="Asia/Almaty",
        description=_l("A time zone name such as Asia/Atyrau, Asia/Aqtobe or Asia/Almaty."),
        validators=[InputRequired(), Length(max=64)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    elections = MultiCheckboxField(_l("Elections it serves"), choices=[], coerce=int)
    text_prefixes = tuple(TEXT_FIELDS)


for _form, _prefixes in ((CentreContactsForm, CONTACT_TEXTS), (CentreForm, tuple(TEXT_FIELDS))):
    for _prefix in _prefixes:
        _attribute, _label = TEXT_FIELDS[_prefix]
        for _code in LOCALES:
            setattr(
                _form,
                f"{_prefix}_{_code}",
                StringField(_label, validators=[Optional(), Length(max=LIMITS[_attribute])], render_kw={"lang": _code}),
            )
