"""The "Election" filter of the lists (visit log, request queue): every election by name,
"All elections", and — when the reader has not chosen — the active election."""

from __future__ import annotations

from wtforms import SelectField

from observer_portal.extensions import db
from observer_portal.forms import as_choices
from observer_portal.i18n import reader_locale
from observer_portal.lazy_text import _l
from observer_portal.models import ElectionState
from observer_portal.services.elections import all_elections

ALL_ELECTIONS = "all"


def offer_elections(field: SelectField) -> None:
    elections = all_elections(db.session)
    field.choices = as_choices(
        [(ALL_ELECTIONS, _l("All elections"))] + [(e.id, e.name(reader_locale())) for e in elections]
    )
    if not field.data:
        active = next((e for e in elections if e.state == ElectionState.ACTIVE), None)
        field.data = str(active.id) if active else ALL_ELECTIONS


def chosen_election_id(field: SelectField, valid: bool = True) -> int | None:
    """The chosen election's id, None for all of them; when the filters were refused, the
    default (the active election), never the refused value."""
    if not valid:
        field.data = None
        offer_elections(field)
    return None if field.data in (None, "", ALL_ELECTIONS) else int(field.data)
