"""The request workflow as data: which action may move a request from which status,
and who may do it. Pure functions, so the whole table can be tested exhaustively.

    new ──claim/assign──▶ assigned ──start──▶ in_progress ──complete──▶ done
     ▲                      │  │                  │
     └──────decline─────────┘  └──────────────────┴──cancel──▶ cancelled
    unroutable ──claim/assign──▶ assigned  (nobody could take it; coordinators are alerted)

Decline sends a request back to the pool with the reason kept in its history.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from observer_portal.models import RequestStatus

S = RequestStatus


class Action(enum.StrEnum):
    CLAIM = "claim"  # a staff member of the centre takes an unassigned request
    ASSIGN = "assign"  # a coordinator gives it to someone (also reassigns)
    START = "start"
    COMPLETE = "complete"
    DECLINE = "decline"  # the assignee gives it back to the pool, with a reason
    CANCEL = "cancel"
    COMMENT = "comment"


#: the moves that mean someone of the centre took the request on: the first of them is the
#: request's first response (the equal-treatment report's waiting time; migration 0030 too)
RESPONSES = frozenset({Action.CLAIM, Action.ASSIGN, Action.START, Action.COMPLETE})


class Relation(enum.StrEnum):
    """How the acting person relates to the request."""

    REQUESTER = "requester"
    ASSIGNEE = "assignee"
    STAFF = "staff"  # a volunteer of the request's centre
    MANAGER = "manager"  # a coordinator of the centre, or an admin
    OTHER = "other"


@dataclass(frozen=True)
class Rule:
    from_statuses: frozenset[RequestStatus]
    to_status: RequestStatus | None  # None: the status does not change
    allowed: frozenset[Relation]


OPEN = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.UNROUTABLE})
R = Relation

RULES: dict[Action, Rule] = {
    Action.CLAIM: Rule(frozenset({S.NEW, S.UNROUTABLE}), S.ASSIGNED, frozenset({R.STAFF, R.MANAGER})),
    Action.ASSIGN: Rule(
        frozenset({S.NEW, S.UNROUTABLE, S.ASSIGNED, S.IN_PROGRESS}), S.ASSIGNED, frozenset({R.MANAGER})
    ),
    Action.START: Rule(frozenset({S.ASSIGNED}), S.IN_PROGRESS, frozenset({R.ASSIGNEE, R.MANAGER})),
    Action.COMPLETE: Rule(frozenset({S.ASSIGNED, S.IN_PROGRESS}), S.DONE, frozenset({R.ASSIGNEE, R.MANAGER})),
    Action.DECLINE: Rule(frozenset({S.ASSIGNED, S.IN_PROGRESS}), S.NEW, frozenset({R.ASSIGNEE})),
    Action.CANCEL: Rule(OPEN, S.CANCELLED, frozenset({R.REQUESTER, R.MANAGER})),
    Action.COMMENT: Rule(frozenset(S), None, frozenset({R.REQUESTER, R.ASSIGNEE, R.STAFF, R.MANAGER})),
}


class TransitionRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "status" (not from this status) or "role" (not by this person)


def next_status(status: RequestStatus, action: Action, relations: frozenset[Relation]) -> RequestStatus:
    """The status after `action`, or TransitionRefused. `relations`: every way the actor relates."""
    rule = RULES[action]
    if not relations & rule.allowed:
        raise TransitionRefused("role")
    if status not in rule.from_statuses:
        raise TransitionRefused("status")
    return status if rule.to_status is None else rule.to_status


def allowed_actions(status: RequestStatus, relations: frozenset[Relation]) -> list[Action]:
    return [a for a, rule in RULES.items() if relations & rule.allowed and status in rule.from_statuses]
