"""The request workflow, exhaustively: every (status, relation, action) is allowed or
refused exactly as designed. The design table below is written out by hand, independently
of `workflow.RULES`, so a change to the rules that is not a change of design fails here."""

from __future__ import annotations

import itertools

import pytest

from observer_portal.models import RequestStatus
from observer_portal.services.workflow import Action, Relation, TransitionRefused, allowed_actions, next_status

S, A, R = RequestStatus, Action, Relation
OPEN = {S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.UNROUTABLE}

# (action, relation) → {from status: to status}; anything missing is refused.
DESIGN: dict[tuple[Action, Relation], dict[RequestStatus, RequestStatus]] = {
    (A.CLAIM, R.STAFF): {S.NEW: S.ASSIGNED, S.UNROUTABLE: S.ASSIGNED},
    (A.CLAIM, R.MANAGER): {S.NEW: S.ASSIGNED, S.UNROUTABLE: S.ASSIGNED},
    (A.ASSIGN, R.MANAGER): {s: S.ASSIGNED for s in OPEN},
    (A.START, R.ASSIGNEE): {S.ASSIGNED: S.IN_PROGRESS},
    (A.START, R.MANAGER): {S.ASSIGNED: S.IN_PROGRESS},
    (A.COMPLETE, R.ASSIGNEE): {S.ASSIGNED: S.DONE, S.IN_PROGRESS: S.DONE},
    (A.COMPLETE, R.MANAGER): {S.ASSIGNED: S.DONE, S.IN_PROGRESS: S.DONE},
    (A.DECLINE, R.ASSIGNEE): {S.ASSIGNED: S.NEW, S.IN_PROGRESS: S.NEW},
    (A.CANCEL, R.REQUESTER): {s: S.CANCELLED for s in OPEN},
    (A.CANCEL, R.MANAGER): {s: S.CANCELLED for s in OPEN},
    **{(A.COMMENT, rel): {s: s for s in S} for rel in (R.REQUESTER, R.ASSIGNEE, R.STAFF, R.MANAGER)},
}


@pytest.mark.parametrize(("status", "action", "relation"), list(itertools.product(list(S), list(A), list(R))))
def test_every_transition_is_as_designed(status, action, relation):
    expected = DESIGN.get((action, relation), {}).get(status)
    if expected is None:
        with pytest.raises(TransitionRefused):
            next_status(status, action, frozenset({relation}))
    else:
        assert next_status(status, action, frozenset({relation})) == expected


def test_refusal_says_whether_role_or_status_is_wrong():
    with pytest.raises(TransitionRefused) as error:
        next_status(S.NEW, A.START, frozenset({R.REQUESTER}))
    assert error.value.reason == "role"
    with pytest.raises(TransitionRefused) as error:
        next_status(S.DONE, A.CANCEL, frozenset({R.REQUESTER}))
    assert error.value.reason == "status"


def test_several_relations_combine():
    # a coordinator who is also the assignee may decline (as assignee) and reassign (as manager)
    both = frozenset({R.ASSIGNEE, R.MANAGER})
    assert next_status(S.ASSIGNED, A.DECLINE, both) == S.NEW
    assert set(allowed_actions(S.ASSIGNED, both)) == {A.ASSIGN, A.START, A.COMPLETE, A.DECLINE, A.CANCEL, A.COMMENT}


def test_nobody_moves_a_finished_request():
    for status, relation in itertools.product((S.DONE, S.CANCELLED), R):
        assert set(allowed_actions(status, frozenset({relation}))) <= {A.COMMENT}
