"""Every action on a request — claim, assign, start, complete, decline, cancel, comment —
goes through `perform`: the common workflow (`assistance.transition`, one conditional
UPDATE, so two people never win the same move), with what the request's kind adds
plugged in as named hooks (`request_hooks.KindHooks`). Views, the demo and the CLI call
only this; a new kind of request with behaviour of its own adds its hooks to `_HOOKS`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from observer_portal.models import RequestKind, ServiceRequest, User
from observer_portal.services import assistance
from observer_portal.services.assistance import Outcome
from observer_portal.services.request_hooks import KindHooks
from observer_portal.services.workflow import Action


def _hooks(kind: RequestKind) -> KindHooks | None:
    from observer_portal.services.language_help.work import LANGUAGE_HOOKS  # kinds plug in here

    hooks = {RequestKind.TRANSLATION: LANGUAGE_HOOKS, RequestKind.INTERPRETATION: LANGUAGE_HOOKS}
    return hooks.get(kind)


def perform(
    session: Session,
    actor: User,
    request: ServiceRequest,
    action: Action,
    *,
    note: str = "",
    assignee: User | None = None,
) -> Outcome:
    """Apply one action; raises ServiceError with a clear message (nothing of the request is
    then committed: the unit of work discards it)."""
    hooks = _hooks(request.kind)
    if hooks is not None:
        hooks.before(session, actor, request, action, assignee)
    outcome = assistance.transition(session, actor, request, action, note=note, assignee=assignee)
    if hooks is not None:
        hooks.after(session, actor, outcome, action, note.strip())
    return outcome
