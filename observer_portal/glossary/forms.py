"""The glossary's forms: a term (its text and stem in each language, the English definition
and a note), the list's search, and a file to import."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from observer_portal.forms import PortalForm, as_choices
from observer_portal.i18n import LOCALES
from observer_portal.labels import GLOSSARY_STATUS_LABELS
from observer_portal.lazy_text import _l
from observer_portal.services.glossary_terms import ENGLISH_REQUIRED, MAX_TERM, MAX_TEXT, TermInput


class TermForm(PortalForm):
    definition = TextAreaField(
        _l("Definition (in English)"),
        description=_l("What the term names, so that every translator means the same thing."),
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
    note = TextAreaField(
        _l("Note for translators"),
        description=_l("Where it is used, what to avoid, where the source of the approved translation is."),
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
    submit = SubmitField(_l("Save"))

    def text_fields(self):
        return [getattr(self, f"text_{code}") for code in LOCALES]

    def stem_fields(self):
        return [getattr(self, f"stem_{code}") for code in LOCALES]

    def term_input(self) -> TermInput:
        return TermInput(
            texts={code: getattr(self, f"text_{code}").data or "" for code in LOCALES},
            definition=self.definition.data or "",
            note=self.note.data or "",
            stems={code: getattr(self, f"stem_{code}").data or "" for code in LOCALES},
        )

    def show(self, texts: dict[str, str], stems: dict[str, str]) -> None:
        for code in LOCALES:
            getattr(self, f"text_{code}").data = texts.get(code, "")
            getattr(self, f"stem_{code}").data = stems.get(code, "")


for _code, _autonym in LOCALES.items():  # each language labelled in that language
    _first = DataRequired(ENGLISH_REQUIRED) if _code == "en" else Optional()
    setattr(
        TermForm,
        f"text_{_code}",
        StringField(_autonym, validators=[_first, Length(max=MAX_TERM)], render_kw={"lang": _code}),
    )
    setattr(
        TermForm,
        f"stem_{_code}",
        StringField(
            _l("Stem: %(language)s", language=_autonym),
            validators=[Optional(), Length(max=MAX_TERM)],
            render_kw={"lang": _code},
        ),
    )


class GlossaryFilterForm(PortalForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), description=_l("A word in any language, or in a definition or note."))
    status = SelectField(
        _l("Status"),
        choices=as_choices(
            [("", _l("Every status")), *((s.value, label) for s, label in GLOSSARY_STATUS_LABELS.items())]
        ),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Filter"))


class ImportForm(PortalForm):
    file = FileField(
        _l("Glossary file"),
        description=_l(
            "TBX (from Weblate, a translation tool or another portal) or CSV in UTF-8 with a column per language "
            "(“en”, “de”, “fr”, “ru”, “kk”), as the glossary's own CSV has them."
        ),
        validators=[FileRequired(_l("Choose the file to upload."))],
        render_kw={"accept": ".tbx,.xml,.csv,application/x-tbx+xml,text/csv"},
    )
    submit = SubmitField(_l("Import"))
