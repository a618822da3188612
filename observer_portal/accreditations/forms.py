"""The accreditation list's forms: the upload, the column mapping (one choice per field),
and the choice of people to invite."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional

from observer_portal.forms import MultiCheckboxField, PortalForm, as_choices
from observer_portal.lazy_text import _l
from observer_portal.services.accreditation_files import MAX_FILE_BYTES, MiB
from observer_portal.services.accreditation_rows import FIELDS, REQUIRED

KIND_CHOICES = as_choices([("observer", _l("Observers")), ("media", _l("Journalists"))])


class UploadForm(PortalForm):
    file = FileField(
        _l("The list"),
        description=_l(
            "A CSV file (any delimiter; UTF-8 or Windows-1251) or an Excel workbook (.xlsx), at most %(mb)d MB. "
            "Its first line names the columns.",
            mb=MAX_FILE_BYTES // MiB,
        ),
        validators=[FileRequired(_l("Choose the file to upload."))],
        render_kw={
            "accept": ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    default_kind = RadioField(
        _l("People on the list without a category are"),
        choices=KIND_CHOICES,
        default="observer",
        validators=[InputRequired()],
    )
    encoding = SelectField(
        _l("Encoding of a CSV file"),
        description=_l("Change it only if letters show wrongly in the preview."),
        choices=as_choices(
            [("", _l("Find out")), ("utf-8", "UTF-8"), ("windows-1251", "Windows-1251"), ("utf-16", "UTF-16")]
        ),
        validators=[Optional()],
    )
    centre = SelectField(_l("Centre"), validators=[Optional()])
    election = SelectField(
        _l("Election the list is for"),
        description=_l("The people on it are kept as long as this election's personal data is."),
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Upload and check"))


class MappingForm(PortalForm):
    default_kind = RadioField(
        _l("People on the list without a category are"), choices=KIND_CHOICES, validators=[InputRequired()]
    )
    submit = SubmitField(_l("Check every row"))

    def field_choices(self):
        return [getattr(self, target) for target in FIELDS]


for _target, _label in FIELDS.items():
    setattr(
        MappingForm,
        _target,
        SelectField(
            _label,
            description=_l("Required.") if _target in REQUIRED else None,
            validators=[InputRequired()] if _target in REQUIRED else [Optional()],
        ),
    )


class InviteForm(PortalForm):
    people = MultiCheckboxField(_l("People to invite"), coerce=int, choices=[])
    invite_selected = SubmitField(_l("Invite the people selected"))
    invite_everyone = SubmitField(_l("Invite everyone not invited yet"))
