"""The request queue's filters, read once for its pages and for its files (CSV, Excel), so
the files list exactly what the pages show."""

from __future__ import annotations

from flask import request

from observer_portal.assistance.forms import QueueFilterForm
from observer_portal.elections.choice import chosen_election_id, offer_elections
from observer_portal.forms import as_choices, read_filters
from observer_portal.labels import REQUEST_KIND_LABELS, STATUS_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import RequestKind, RequestStatus
from observer_portal.services.request_list import QueueFilter

EVERY_STATUS = "every"


def queue_form() -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    form.kind.choices = as_choices([("", _l("All kinds"))] + [(k.value, v) for k, v in REQUEST_KIND_LABELS.items()])
    form.status.choices = as_choices(
        [("", _l("All open")), (EVERY_STATUS, _l("Every status"))] + [(k.value, v) for k, v in STATUS_LABELS.items()]
    )
    offer_elections(form.election)
    return form


def queue_filter(form: QueueFilterForm) -> QueueFilter | None:
    """The filter the form asks for, or None when a field is invalid (the page then shows the
    open requests of the active election with the errors; a file is refused)."""
    if not read_filters(form):
        return None
    status = form.status.data or ""
    return QueueFilter(
        election_id=chosen_election_id(form.election),
        kind=RequestKind(form.kind.data) if form.kind.data else None,
        status=RequestStatus(status) if status not in ("", EVERY_STATUS) else None,
        every_status=status == EVERY_STATUS,
        mine=form.mine.data,
        unassigned=form.unassigned.data,
        overdue=form.overdue.data,
    )
