"""What a kind of request adds to the common workflow, as two named hooks (see
`request_actions.perform`): `before` refuses a move before anything is written, `after`
does the kind's own work once the move is made (routing, bookings, delivery)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from observer_portal.models import ServiceRequest, User
    from observer_portal.services.assistance import Outcome
    from observer_portal.services.workflow import Action


@dataclass(frozen=True)
class KindHooks:
    before: Callable[[Session, User, ServiceRequest, Action, User | None], None]
    after: Callable[[Session, User, Outcome, Action, str], None]
