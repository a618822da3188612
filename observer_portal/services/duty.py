"""Account changes that move a volunteer on or off duty, and what follows them: coming on
duty routes the centre's waiting language work; going off duty — by their own switch, a
coordinator's edit or a change of role — hands back language work not yet started, routed
at once to someone else; deactivation hands back every open request of theirs. Views call
these, never the two steps themselves.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from observer_portal.models import Notification, Proficiency, Role, User
from observer_portal.services import accounts
from observer_portal.services.language_help import on_duty_changed, release


def _follow(session: Session, user: User, was_on_duty: bool) -> list[Notification]:
    return on_duty_changed(session, user) if user.on_duty != was_on_duty else []


def set_on_duty(session: Session, volunteer: User, on_duty: bool) -> list[Notification]:
    """The volunteer's own switch; returns the notifications to e-mail after commit."""
    was_on_duty = volunteer.on_duty
    accounts.set_on_duty(session, volunteer, on_duty)
    return _follow(session, volunteer, was_on_duty)


def update_staff(
    session: Session,
    actor: User,
    user: User,
    *,
    display_name: str,
    role: Role,
    centre_id: int | None,
    languages: Mapping[str, Proficiency | None],
    on_duty: bool,
) -> list[Notification]:
    """A coordinator's or admin's edit of a staff account (`accounts.update_staff`)."""
    was_on_duty = user.on_duty
    accounts.update_staff(
        session,
        actor,
        user,
        display_name=display_name,
        role=role,
        centre_id=centre_id,
        languages=languages,
        on_duty=on_duty,
    )
    return _follow(session, user, was_on_duty)


def set_active(session: Session, actor: User, user: User, active: bool) -> list[Notification]:
    """Deactivate (signed out at once, off duty, every open request of theirs handed back,
    started or not, on duty or not) or reactivate an account."""
    was_active = user.active
    accounts.set_active(session, actor, user, active)
    return release(session, user, all_work=True) if was_active and not user.active else []
