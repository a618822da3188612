"""The object rules of `observer_portal.policies`, walked as objects × roles × centres.

The expected answers are a table written by hand from the rules the centre works by
(who runs a centre, who serves at it, who only visits), not derived from the code: a
change to a rule has to change this table too. Rules that need the database (which
visitors one sees) are walked over HTTP in `test_object_matrix.py`.
"""

from __future__ import annotations

import pytest

from observer_portal import policies
from observer_portal.models import (
    Briefing,
    EquipmentItem,
    Role,
    ServiceRequest,
    User,
    Visit,
    VolunteerLanguage,
)

pytestmark = pytest.mark.engine_independent

HOME, OTHER = 1, 2

#: who is asking: role, centre, and for staff whether they speak German
PEOPLE = {
    "observer": (Role.OBSERVER, HOME),
    "journalist": (Role.MEDIA, HOME),
    "volunteer": (Role.VOLUNTEER, HOME),
    "volunteer speaking German": (Role.VOLUNTEER, HOME),
    "coordinator": (Role.COORDINATOR, HOME),
    "admin": (Role.ADMIN, None),
}


def person(name: str, active: bool = True) -> User:
    role, centre = PEOPLE[name]
    user = User(role=role, centre_id=centre, active=active, email=f"{name}@example.org")
    user.languages = [VolunteerLanguage(language="en")]
    if "German" in name:
        user.languages.append(VolunteerLanguage(language="de"))
    return user


# (rule, the object's centre) -> who may; everyone else may not
EXPECTED: dict[tuple[str, int], set[str]] = {
    ("change a visit", HOME): {"volunteer", "volunteer speaking German", "coordinator", "admin"},
    ("change a visit", OTHER): {"admin"},
    ("see and lend an item", HOME): {"volunteer", "volunteer speaking German", "coordinator", "admin"},
    ("see and lend an item", OTHER): {"admin"},
    ("describe or retire an item", HOME): {"coordinator", "admin"},
    ("describe or retire an item", OTHER): {"admin"},
    ("edit a briefing", HOME): {"coordinator", "admin"},
    ("edit a briefing", OTHER): {"admin"},
    ("read a draft briefing", HOME): {"volunteer", "volunteer speaking German", "coordinator", "admin"},
    ("read a draft briefing", OTHER): {"admin"},
    ("translate a briefing into German", HOME): {"volunteer speaking German", "coordinator", "admin"},
    ("translate a briefing into German", OTHER): {"admin"},
    ("translate a briefing into its own language", HOME): set(),
    ("translate a briefing into its own language", OTHER): set(),
    ("manage a volunteer's account", HOME): {"coordinator", "admin"},
    ("manage a volunteer's account", OTHER): {"admin"},
    ("be given a request", HOME): {"volunteer", "volunteer speaking German", "coordinator"},
    ("be given a request", OTHER): set(),
}


def answer(rule: str, user: User, centre: int) -> bool:
    briefing = Briefing(centre_id=centre, original_locale="en")
    if rule == "change a visit":
        return policies.can_change_visit(user, Visit(centre_id=centre))
    if rule == "see and lend an item":
        return policies.can_see_item(user, EquipmentItem(centre_id=centre))
    if rule == "describe or retire an item":
        return policies.can_manage_item(user, EquipmentItem(centre_id=centre))
    if rule == "edit a briefing":
        return policies.can_edit_briefing(user, centre)
    if rule == "read a draft briefing":
        return policies.can_view_unpublished_briefing(user, briefing)
    if rule == "translate a briefing into German":
        return policies.can_translate_briefing(user, briefing, "de")
    if rule == "translate a briefing into its own language":
        return policies.can_translate_briefing(user, briefing, "en")
    if rule == "manage a volunteer's account":
        return policies.can_manage_user(user, User(role=Role.VOLUNTEER, centre_id=centre))
    if rule == "be given a request":
        return policies.can_be_assigned(user, ServiceRequest(centre_id=centre))
    raise AssertionError(rule)


@pytest.mark.parametrize(("rule", "centre", "who"), [(r, c, w) for (r, c), w in EXPECTED.items()])
def test_each_rule_admits_exactly_the_people_it_names(rule, centre, who):
    admitted = {name for name in PEOPLE if answer(rule, person(name), centre)}
    assert admitted == who


@pytest.mark.parametrize("name", PEOPLE)
def test_a_deactivated_account_is_given_no_request(name):
    assert not answer("be given a request", person(name, active=False), HOME)


def test_nobody_changes_an_admins_account_but_an_admin():
    target = User(role=Role.ADMIN, centre_id=None)
    assert {name for name in PEOPLE if policies.can_manage_user(person(name), target)} == {"admin"}


def test_staff_without_a_centre_work_nowhere():
    """A volunteer whose centre was removed must not fall through to 'every centre'."""
    drifting = User(role=Role.VOLUNTEER, centre_id=None, active=True)
    drifting.languages = [VolunteerLanguage(language="de")]
    assert not policies.works_at(drifting, None)
    assert not policies.can_change_visit(drifting, Visit(centre_id=None))
    assert not policies.can_edit_briefing(User(role=Role.COORDINATOR, centre_id=None), None)


@pytest.mark.parametrize(
    ("role", "grantable"),
    [
        (Role.ADMIN, {Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN}),
        (Role.COORDINATOR, {Role.VOLUNTEER, Role.COORDINATOR}),
        (Role.VOLUNTEER, set()),
        (Role.OBSERVER, set()),
        (Role.MEDIA, set()),
    ],
)
def test_who_grants_which_role(role, grantable):
    assert set(policies.assignable_roles(User(role=role, centre_id=HOME))) == grantable
