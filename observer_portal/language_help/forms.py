"""Forms for asking for a translation or an interpreter, and for doing the work."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from observer_portal.assistance.walk_in import WalkInForm
from observer_portal.forms import LocalDateTimeField, PortalForm
from observer_portal.lazy_text import _l
from observer_portal.models import HelpMode
from observer_portal.services.documents import MAX_DOCUMENT_BYTES, MiB
from observer_portal.services.language_help import MAX_TEXT


class LanguageHelpForm(PortalForm):
    # Translators: the language a text is translated from (German: Ausgangssprache)
    source = SelectField(_l("From"), validators=[DataRequired()])
    # Translators: the language a text is translated into (German: Zielsprache)
    target = SelectField(_l("Into"), validators=[DataRequired()])
    mode = HiddenField()  # chosen on the "what do you need?" page; the form shows only its fields
    text = TextAreaField(_l("Text to translate"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 8})
    document = FileField(
        _l("Document"),
        description=_l("Plain text (.txt) or Word (.docx), at most %(mb)d MB.", mb=MAX_DOCUMENT_BYTES // MiB),
        render_kw={
            "accept": ".txt,.docx,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        },
    )
    starts_at = LocalDateTimeField(_l("Meeting starts (local time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = LocalDateTimeField(_l("Meeting ends (local time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField(_l("Place of the meeting"), validators=[Optional(), Length(max=200)])
    needed_by = LocalDateTimeField(_l("Needed by (local time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    notes = TextAreaField(
        _l("Anything the volunteer should know (optional)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Send request"))

    def word_for(self, mode: HelpMode) -> None:
        """The notes of a phone call are what the call is about: labelled so, required, and
        named so in the list of problems too."""
        if mode == HelpMode.PHONE:
            self.notes.label.text = _l("Who to call, the number and what about")
            self.notes.flags.required = True


class StaffLanguageHelpForm(WalkInForm, LanguageHelpForm):
    submit = SubmitField(_l("File request"))


class WorkForm(PortalForm):
    final_text = TextAreaField(
        _l("Your translation"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 14}
    )
    save = SubmitField(_l("Save translation"))
    deliver = SubmitField(_l("Save and deliver to the requester"))


class CoverageCentreForm(PortalForm):
    """Which centre's coverage an administrator reads (coordinators read their own)."""

    class Meta:
        csrf = False  # a GET choice changes nothing

    centre = SelectField(_l("Centre"), validators=[Optional()])
    submit = SubmitField(_l("Show"))
