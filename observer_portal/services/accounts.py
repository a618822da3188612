"""Accounts: sign-up, authentication, passwords, staff management, deactivation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.i18n import LOCALES, SPOKEN_LANGUAGES
from observer_portal.lazy_text import _l
from observer_portal.models import (
    Centre,
    OrganisationKind,
    Proficiency,
    Role,
    User,
    VisitorKind,
    VisitorLanguage,
    VisitorProfile,
    VolunteerLanguage,
)
from observer_portal.models.base import utcnow
from observer_portal.policies import assignable_roles, can_manage_user, holds_card
from observer_portal.security import hash_password, needs_rehash, password_problem, verify_password
from observer_portal.services import ServiceError
from observer_portal.services.audit import record
from observer_portal.services.organisations import find_or_create_organisation


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(session: Session, email: str) -> bool:
    return find_user_by_email(session, email) is not None


def _check_password(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem:
        raise ServiceError(problem, field="password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user for these credentials, or None — the same None for every kind of failure."""
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        record(session, user if user and ok else None, "login.failed", user)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record(session, user, "login.succeeded", user)
    return user


@dataclass
class SignUp:
    email: str
    password: str
    display_name: str
    role: Role
    centre_id: int
    organisation_name: str
    accreditation_number: str
    nationality: str = ""
    phone: str = ""
    languages: list[str] = field(default_factory=list)
    preferred_locale: str | None = None


def sign_up(session: Session, data: SignUp) -> User:
    """Create an observer or media account with its visitor profile, in one transaction."""
    if data.role not in (Role.OBSERVER, Role.MEDIA):
        raise ServiceError(_l("Only observers and media representatives can sign up here."), field="role")
    if email_taken(session, data.email):
        raise ServiceError(_l("An account with this e-mail address already exists. Sign in instead."), field="email")
    accreditation = data.accreditation_number.strip() or None
    if accreditation and session.scalar(select(VisitorProfile.id).where(holds_card(accreditation))):
        raise ServiceError(
            _l("This accreditation or press card number is already registered. Ask the centre staff for help."),
            field="accreditation_number",
        )
    if session.get(Centre, data.centre_id) is None:
        raise ServiceError(_l("Choose a centre from the list."), field="centre")
    _check_password(data.password, data.email)

    kind = OrganisationKind.OBSERVER_MISSION if data.role == Role.OBSERVER else OrganisationKind.MEDIA_OUTLET
    organisation = find_or_create_organisation(session, data.organisation_name, kind)
    user = User(
        email=data.email,
        password_hash=hash_password(data.password),
        display_name=data.display_name.strip(),
        role=data.role,
        centre_id=data.centre_id,
        preferred_locale=data.preferred_locale if data.preferred_locale in LOCALES else None,
        password_changed_at=utcnow(),
    )
    profile = VisitorProfile(
        user=user,
        kind=VisitorKind(data.role.value),
        full_name=user.display_name,
        organisation=organisation,
        accreditation_number=accreditation,
        nationality=data.nationality,
        phone=data.phone.strip(),
        contact_email=normalise_email(data.email),
        languages=[VisitorLanguage(language=code) for code in _clean_languages(data.languages)],
        centre_id=data.centre_id,
    )
    session.add_all([user, profile])
    session.flush()
    record(session, user, "account.signed_up", user, role=data.role.value)
    return user


def _clean_languages(codes: Iterable[str]) -> list[str]:
    return sorted({code for code in codes if code in SPOKEN_LANGUAGES})


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change a password and end every other session of this user."""
    if not verify_password(user.password_hash, current):
        raise ServiceError(_l("Your current password is not correct."), field="current_password")
    if current == new:
        raise ServiceError(_l("The new password must differ from the current one."), field="password")
    _check_password(new, user.email)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.rotate_session_token()
    record(session, user, "account.password_changed", user)


def update_profile(session: Session, user: User, display_name: str, preferred_locale: str | None) -> None:
    user.display_name = display_name.strip()
    user.preferred_locale = preferred_locale if preferred_locale in LOCALES else None
    if user.visitor_profile is not None:
        user.visitor_profile.full_name = user.display_name


def set_languages(session: Session, user: User, skills: Mapping[str, Proficiency | None]) -> None:
    """Replace a staff member's languages with `skills` (code → proficiency, None = not spoken)."""
    wanted = {code: level for code, level in skills.items() if level is not None and code in SPOKEN_LANGUAGES}
    for existing in list(user.languages):
        if existing.language not in wanted:
            user.languages.remove(existing)
        else:
            existing.proficiency = wanted.pop(existing.language)
    for code, level in sorted(wanted.items()):
        user.languages.append(VolunteerLanguage(language=code, proficiency=level))


@dataclass
class StaffAccount:
    email: str
    display_name: str
    role: Role
    centre_id: int | None
    password: str
    languages: dict[str, Proficiency | None] = field(default_factory=dict)
    on_duty: bool = False


def create_staff(session: Session, actor: User | None, data: StaffAccount) -> User:
    """Create a volunteer, coordinator or admin (`actor` None = command line)."""
    allowed = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN) if actor is None else assignable_roles(actor)
    if data.role not in allowed:
        raise ServiceError(_l("You cannot give that role."), field="role")
    if actor is not None and actor.role == Role.COORDINATOR:
        data.centre_id = actor.centre_id
    if data.role != Role.ADMIN and data.centre_id is None:
        raise ServiceError(_l("Choose a centre from the list."), field="centre")
    if data.centre_id is not None and session.get(Centre, data.centre_id) is None:
        raise ServiceError(_l("Choose a centre from the list."), field="centre")
    if email_taken(session, data.email):
        raise ServiceError(_l("An account with this e-mail address already exists."), field="email")
    _check_password(data.password, data.email)
    user = User(
        email=data.email,
        password_hash=hash_password(data.password),
        display_name=data.display_name.strip(),
        role=data.role,
        centre_id=data.centre_id,
        on_duty=data.on_duty and data.role == Role.VOLUNTEER,
        password_changed_at=utcnow(),
    )
    session.add(user)
    set_languages(session, user, data.languages)
    session.flush()
    record(session, actor, "account.created", user, role=data.role.value)
    return user


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
) -> None:
    if not can_manage_user(actor, user) or not user.role.is_staff:
        raise ServiceError(_l("You cannot change this account."))
    works_at = centre_id if actor.role == Role.ADMIN else user.centre_id
    if role != Role.ADMIN and works_at is None:  # the database refuses it too (ck_users_staff_centre)
        raise ServiceError(_l("Choose a centre from the list."), field="centre")
    if role != user.role:
        if role not in assignable_roles(actor):
            raise ServiceError(_l("You cannot give that role."), field="role")
        if user.id == actor.id:
            raise ServiceError(_l("You cannot change your own role."), field="role")
        record(session, actor, "account.role_changed", user, old=user.role.value, new=role.value)
        user.role = role
    if actor.role == Role.ADMIN and centre_id != user.centre_id:
        if centre_id is not None and session.get(Centre, centre_id) is None:
            raise ServiceError(_l("Choose a centre from the list."), field="centre")
        record(session, actor, "account.centre_changed", user, old=user.centre_id, new=centre_id)
        user.centre_id = centre_id
    user.display_name = display_name.strip()
    user.on_duty = on_duty and user.role == Role.VOLUNTEER
    set_languages(session, user, languages)
    record(session, actor, "account.updated", user)


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.id == actor.id:
        raise ServiceError(_l("You cannot deactivate your own account."))
    if not can_manage_user(actor, user):
        raise ServiceError(_l("You cannot change this account."))
    if user.active == active:
        return
    user.active = active
    user.on_duty = False if not active else user.on_duty
    user.rotate_session_token()
    record(session, actor, "account.activated" if active else "account.deactivated", user)


def set_on_duty(session: Session, user: User, on_duty: bool) -> None:
    if user.role != Role.VOLUNTEER:
        raise ServiceError(_l("Only volunteers go on and off duty."))
    if user.on_duty != on_duty:
        user.on_duty = on_duty
        record(session, user, "volunteer.on_duty" if on_duty else "volunteer.off_duty", user)
