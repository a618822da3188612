"""What the API reads and writes, as marshmallow schemas: the OpenAPI document is generated
from them, and every answer is checked against it by the schema tests. Codes (a kind, a
status, a language) are stable English words for programs; each comes with its label in
the caller's language where a person may read it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models import BriefingTopic, LocationKind, Priority, RequestKind, RequestStatus, VisitorKind
from observer_portal.paging import MAX_ID, parse_id
from observer_portal.services.assistance import GENERAL_KINDS, MAX_DETAILS
from observer_portal.services.centres import SLUG
from observer_portal.text_rules import is_one_line, is_text, one_kind_of_line_break

LOCALE_CODES = list(LOCALES)
LOCALE_DESCRIPTION = "The language of the answer (labels, names, texts and problems); else Accept-Language"


def one_of(values) -> validate.OneOf:
    return validate.OneOf(list(values), error=_l("Not one of the values this field takes."))


def at_most(characters: int, at_least: int = 0) -> validate.Length:
    return validate.Length(
        min=at_least,
        max=characters,
        error=_l("Between %(low)s and %(high)s characters.", low=at_least, high=characters),
    )


class Position(ma.fields.Integer):
    """A page's cursor: plain ASCII digits within the database's range, as the pages read
    theirs (`paging.parse_id`: no sign, no spaces, no other script's digits)."""

    def _deserialize(self, value, attr, data, **kwargs):
        number = parse_id(value) if isinstance(value, str) else None
        if number is None:
            raise ma.ValidationError([str(_l("Not a page this list has."))])
        return number


class _Typed(ma.fields.String):
    """Text a person typed, held to the rule of the portal's forms (`forms.py`): never a lone
    surrogate (it cannot be stored), and no character that hides or disguises text."""

    PATTERN = ""

    def __init__(self, **kwargs):
        # the document says which characters are taken (a client can check before sending)
        kwargs["metadata"] = {"pattern": self.PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ma.ValidationError([str(_l("Remove the invisible control characters from this text."))]) from None
        return self._checked(text)


class OneLine(_Typed):
    """A name, a place: one line, no tabs, controls, direction overrides or invisible characters."""

    PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$"

    def _checked(self, text: str) -> str:
        if not is_one_line(text):
            raise ma.ValidationError([str(_l("Write this on one line, without tabs or control characters."))])
        return text.strip(" ")


class Text(_Typed):
    """Several lines: every kind of line break becomes a newline; control characters refused."""

    PATTERN = "^[^\\u0000-\\u0008\\u000e-\\u001f\\u007f-\\u0084\\u0086-\\u009f]*$"

    def _checked(self, text: str) -> str:
        text = one_kind_of_line_break(text)
        if not is_text(text):
            raise ma.ValidationError([str(_l("Remove the invisible control characters from this text."))])
        return text


class CentreSlug(ma.fields.String):
    """A centre's short name ("atyrau"): what the document allows is what is taken."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate", [at_most(64), validate.Regexp(SLUG.pattern + "$", error=_l("Not a centre's short name."))]
        )
        kwargs.setdefault("metadata", {"description": "A centre's slug", "pattern": "^" + SLUG.pattern + "$"})
        super().__init__(**kwargs)


class ApiSchema(ma.Schema):
    class Meta:
        ordered = True


class Problem(ApiSchema):
    """RFC 9457 problem details, in the caller's language (`Accept-Language`)."""

    type = ma.fields.String(metadata={"description": "Always about:blank: the status says what kind of problem"})
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "Each field's messages, where fields were not valid"})


class Centre(ApiSchema):
    slug = ma.fields.String(metadata={"description": "The centre's short name, stable"})
    name = ma.fields.String()
    region = ma.fields.String()
    address = ma.fields.String()
    opening_hours = ma.fields.String()
    phone = ma.fields.String()
    email = ma.fields.String()
    timezone = ma.fields.String(metadata={"description": "IANA time zone of the centre"})
    language = ma.fields.String(metadata={"description": "The language the centre writes in"})


class CentreList(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(Centre))


class Figure(ApiSchema):
    label = ma.fields.String()
    value = ma.fields.String(
        metadata={"description": 'Exact, as a decimal string ("768778.00")', "pattern": r"^-?[0-9]+\.[0-9]+$"}
    )
    unit = ma.fields.String()


class BriefingSummary(ApiSchema):
    centre = ma.fields.String(metadata={"description": "The centre's slug"})
    slug = ma.fields.String()
    topic = ma.fields.String(validate=one_of(t.value for t in BriefingTopic))
    topic_label = ma.fields.String()
    title = ma.fields.String()
    locale = ma.fields.String(metadata={"description": "The language of the text given"})
    translation_state = ma.fields.String(
        metadata={"description": "original, reviewed, human_draft, machine_draft, outdated or missing"}
    )
    updated_at = ma.fields.AwareDateTime()
    url = ma.fields.String(metadata={"description": "This briefing's address in the API"})


class Briefing(BriefingSummary):
    body_markdown = ma.fields.String()
    body_html = ma.fields.String(metadata={"description": "The body as the page shows it (sanitised HTML)"})
    figures = ma.fields.List(ma.fields.Nested(Figure))
    available_locales = ma.fields.List(ma.fields.String())


class BriefingPage(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(BriefingSummary))
    next = ma.fields.Integer(allow_none=True, metadata={"description": "The next page's `before`, or null"})


class BriefingQuery(ApiSchema):
    locale = ma.fields.String(
        load_default=None, validate=one_of(LOCALE_CODES), metadata={"description": LOCALE_DESCRIPTION}
    )
    centre = CentreSlug(load_default=None)
    topic = ma.fields.String(load_default=None, validate=one_of(t.value for t in BriefingTopic))
    before = Position(load_default=None, validate=validate.Range(min=1, max=MAX_ID))


class LocaleQuery(ApiSchema):
    locale = ma.fields.String(
        load_default=None, validate=one_of(LOCALE_CODES), metadata={"description": LOCALE_DESCRIPTION}
    )


class Organisation(ApiSchema):
    name = ma.fields.String(metadata={"description": "In the caller's language"})
    kind = ma.fields.String()


class OrganisationList(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(Organisation))


class Event(ApiSchema):
    at = ma.fields.AwareDateTime()
    action = ma.fields.String()
    action_label = ma.fields.String()
    status = ma.fields.String(allow_none=True)
    note = ma.fields.String()


class Request(ApiSchema):
    number = ma.fields.Integer(metadata={"description": "The request's number, as the pages show it (#12)"})
    kind = ma.fields.String(validate=one_of(k.value for k in RequestKind))
    kind_label = ma.fields.String()
    status = ma.fields.String(validate=one_of(s.value for s in RequestStatus))
    status_label = ma.fields.String()
    priority = ma.fields.String(validate=one_of(p.name.lower() for p in Priority))
    details = ma.fields.String()
    location_kind = ma.fields.String(validate=one_of(k.value for k in LocationKind))
    location = ma.fields.String()
    needed_by = ma.fields.AwareDateTime()
    created_at = ma.fields.AwareDateTime()
    completed_at = ma.fields.AwareDateTime(allow_none=True)
    centre = ma.fields.String(metadata={"description": "The centre's slug"})
    url = ma.fields.String()


class RequestWithHistory(Request):
    history = ma.fields.List(ma.fields.Nested(Event))


class RequestPage(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(Request))
    next = ma.fields.Integer(allow_none=True, metadata={"description": "The next page's `before`, or null"})


class PageQuery(LocaleQuery):
    before = Position(load_default=None, validate=validate.Range(min=1, max=MAX_ID))


class NewRequest(ApiSchema):
    """A request for help, as the help form takes it (translation and interpreting have
    forms of their own in the portal and are not filed here)."""

    class Meta:
        ordered = True
        unknown = ma.RAISE

    kind = ma.fields.String(required=True, validate=one_of(k.value for k in GENERAL_KINDS))
    details = Text(required=True, validate=at_most(MAX_DETAILS, at_least=1))
    needed_by = ma.fields.AwareDateTime(required=True, metadata={"description": "With its time zone"})
    location_kind = ma.fields.String(
        load_default=LocationKind.CENTRE.value, validate=one_of(k.value for k in LocationKind)
    )
    location = OneLine(load_default="", validate=at_most(200))
    priority = ma.fields.String(load_default="normal", validate=one_of(p.name.lower() for p in Priority))


VISITOR_KINDS = [k.value for k in VisitorKind]
#: marshmallow's and webargs' own messages, for the catalogs (errors.translated reads them)
FIELD_MESSAGES = (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Invalid value."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid datetime."),
    _l("Not a valid date."),
    _l("Not a valid list."),
    _l("Not a valid mapping type."),
    _l("Not a valid number."),
    _l("Not a valid utf-8 string."),
    _l("Number too large."),
    _l("Special numeric values (nan or infinity) are not permitted."),
    _l("Not a valid email address."),
    _l("Not a valid aware datetime."),
    _l("Not a valid boolean."),
    _l("Unknown field."),
    _l("Invalid input type."),
)


class QueueItem(Request):
    overdue = ma.fields.Boolean()
    volunteer = ma.fields.String(allow_none=True, metadata={"description": "Who has it now (a name), or null"})
    actions = ma.fields.List(
        ma.fields.String(), metadata={"description": "What the caller may do with it now: claim, start, complete…"}
    )


class QueueItemWithHistory(QueueItem):
    history = ma.fields.List(ma.fields.Nested(Event))


class QueuePage(ApiSchema):
    items = ma.fields.List(ma.fields.Nested(QueueItem))
    next = ma.fields.String(allow_none=True, metadata={"description": "The cursor of the next page (`after`), or null"})


class QueueQuery(LocaleQuery):
    kind = ma.fields.String(load_default=None, validate=one_of(k.value for k in RequestKind))
    status = ma.fields.String(
        load_default=None,
        validate=one_of([*(s.value for s in RequestStatus), "every"]),
        metadata={"description": "One status, or every; by default the open ones"},
    )
    mine = ma.fields.Boolean(load_default=False)
    unassigned = ma.fields.Boolean(load_default=False)
    overdue = ma.fields.Boolean(load_default=False)
    after = ma.fields.String(
        load_default=None,
        validate=[at_most(64), validate.Regexp(r"^[0-9]+_[0-9]+_[0-9]+$", error=_l("Not a page this list has."))],
        metadata={"pattern": "^[0-9]+_[0-9]+_[0-9]+$"},
    )


class Move(ApiSchema):
    """A move on a request; a note is needed to give one back (decline) and to comment."""

    class Meta:
        ordered = True
        unknown = ma.RAISE

    note = Text(load_default="", validate=at_most(MAX_DETAILS))
