"""Centres: set up and changed by administrators (their contacts and hours by their own
coordinators too), closed down and reopened; and who is serving in them right now."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observer_portal.collation import sort_key
from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models import Centre, Election, Role, User, VolunteerLanguage
from observer_portal.multilingual import tidy_texts
from observer_portal.services import ServiceError
from observer_portal.services.audit import record

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = {"new"}  # /manage/centres/new is the form that adds one
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{2,38}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
#: the longest text each per-language field holds
LIMITS = {"names": 200, "regions": 120, "addresses": 300, "hours": 200}


@dataclass
class CentreContacts:
    """What a centre's own coordinator may change: how to reach it and when."""

    addresses: dict[str, str] = field(default_factory=dict)
    hours: dict[str, str] = field(default_factory=dict)
    phone: str = ""
    email: str = ""


@dataclass
class CentreInput(CentreContacts):
    slug: str = ""
    names: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    language: str = "kk"
    timezone: str = "Asia/Almaty"
    election_ids: list[int] = field(default_factory=list)


def _texts(data: CentreContacts, attribute: str, *, required: bool = False) -> dict[str, str]:
    texts = tidy_texts(getattr(data, attribute))
    field_prefix = {"names": "name", "regions": "region", "addresses": "address", "hours": "hours"}[attribute]
    if required and not texts:
        message = {
            "names": _l("Give the centre a name in at least one language."),
            "regions": _l("Name the centre's region in at least one language."),
        }[attribute]
        raise ServiceError(message, field=f"{field_prefix}_en")
    for code, text in texts.items():
        if len(text) > LIMITS[attribute]:
            raise ServiceError(_l("At most %(n)d characters.", n=LIMITS[attribute]), field=f"{field_prefix}_{code}")
    return texts


def _contacts(data: CentreContacts) -> tuple[dict[str, str], dict[str, str], str, str]:
    phone, email = " ".join(data.phone.split()), data.email.strip().lower()
    if phone and not PHONE.fullmatch(phone):
        raise ServiceError(_l("Write the phone number with digits, spaces and an optional “+”."), field="phone")
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        raise ServiceError(_l("Enter a valid e-mail address."), field="email")
    return _texts(data, "addresses"), _texts(data, "hours"), phone, email


@cache
def _time_zones() -> dict[str, str]:
    """The IANA zones a centre can be in, by their name in any case: places ("Asia/Atyrau"),
    not "Etc/GMT+5" (whose sign is the reverse of what it reads), "Factory" or "localtime"."""
    zones = (zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))
    return {zone.casefold(): zone for zone in zones}


def _checked_rest(session: Session, data: CentreInput) -> tuple[dict, dict, str, str, list[Election]]:
    names, regions = _texts(data, "names", required=True), _texts(data, "regions", required=True)
    if data.language not in LOCALES:
        raise ServiceError(_l("Choose one of the portal's languages."), field="language")
    timezone = _time_zones().get(data.timezone.strip().casefold())
    if timezone is None:
        raise ServiceError(_l("Use a time zone name such as Asia/Atyrau or Asia/Almaty."), field="timezone")
    elections = list(session.scalars(select(Election).where(Election.id.in_(data.election_ids))))
    if len(elections) != len(set(data.election_ids)):
        raise ServiceError(_l("Choose among the elections listed."), field="elections")
    return names, regions, data.language, timezone, elections


def create_centre(session: Session, actor: User | None, data: CentreInput) -> Centre:
    slug = data.slug.strip().lower()
    if not SLUG.fullmatch(slug) or len(slug) > 64 or slug in RESERVED_SLUGS:
        raise ServiceError(
            _l("Use lower-case Latin letters, digits and single hyphens, e.g. “atyrau” or “west-kazakhstan”."),
            field="slug",
        )
    if session.scalar(select(Centre.id).where(Centre.slug == slug)) is not None:
        raise ServiceError(_l("Another centre already has this address on the site."), field="slug")
    names, regions, language, timezone, elections = _checked_rest(session, data)
    addresses, hours, phone, email = _contacts(data)
    centre = Centre(
        slug=slug,
        names=names,
        regions=regions,
        addresses=addresses,
        hours=hours,
        language=language,
        timezone=timezone,
        phone=phone,
        email=email,
        elections=elections,
    )
    session.add(centre)
    session.flush()
    record(session, actor, "centre.created", centre)
    return centre


def update_centre(session: Session, actor: User, centre: Centre, data: CentreInput) -> None:
    """Everything but the slug (links to the centre's pages outlive a renaming)."""
    names, regions, language, timezone, elections = _checked_rest(session, data)
    addresses, hours, phone, email = _contacts(data)
    if timezone != centre.timezone:
        from observer_portal.services.visits import restate_local_days

        restate_local_days(session, centre.id, timezone)
    centre.names, centre.regions, centre.language, centre.timezone = names, regions, language, timezone
    centre.addresses, centre.hours, centre.phone, centre.email = addresses, hours, phone, email
    centre.elections = elections
    record(session, actor, "centre.updated", centre)


def update_contacts(session: Session, actor: User, centre: Centre, data: CentreContacts) -> None:
    centre.addresses, centre.hours, centre.phone, centre.email = _contacts(data)
    record(session, actor, "centre.updated", centre, part="contacts")


def set_active(session: Session, actor: User, centre: Centre, active: bool) -> None:
    """A closed-down centre leaves the public lists and the pickers; its records stay."""
    if centre.active == active:
        return
    centre.active = active
    record(session, actor, "centre.reactivated" if active else "centre.deactivated", centre)


@dataclass(frozen=True)
class DutySummary:
    volunteers_on_duty: int
    languages: list[str]


def _on_duty(centre_id: int):
    return (
        User.centre_id == centre_id,
        User.role == Role.VOLUNTEER,
        User.active.is_(True),
        User.on_duty.is_(True),
    )


def duty_summary(session: Session, centre_id: int) -> DutySummary:
    """How many volunteers are on duty and which languages they cover (two queries)."""
    count = session.scalar(select(func.count(User.id)).where(*_on_duty(centre_id))) or 0
    languages = session.scalars(
        select(VolunteerLanguage.language)
        .join(User, VolunteerLanguage.user_id == User.id)
        .where(*_on_duty(centre_id))
        .distinct()
        .order_by(VolunteerLanguage.language)
    ).all()
    return DutySummary(count, list(languages))


def in_reading_order(centres) -> list[Centre]:
    """By region, then name, as the reader's language writes them (so per reader: a list
    kept for everyone is sorted again for each)."""
    key = sort_key()
    return sorted(centres, key=lambda c: (key(c.region), key(c.name), c.slug))


def all_centres(session: Session, *, include_closed: bool = False) -> list[Centre]:
    stmt = select(Centre) if include_closed else select(Centre).where(Centre.active.is_(True))
    return in_reading_order(session.scalars(stmt))


def public_centres(session: Session, election: Election | None) -> list[Centre]:
    """The open centres serving the active election (every open centre when there is none)."""
    stmt = select(Centre).where(Centre.active.is_(True))
    if election is not None:
        stmt = stmt.where(Centre.elections.any(Election.id == election.id))
    return in_reading_order(session.scalars(stmt))


def centre_choices(session: Session) -> list[tuple[int, str]]:
    return [(c.id, f"{c.name} ({c.region})") for c in all_centres(session)]


def find_centre(session: Session, slug: str) -> Centre | None:
    return session.scalar(select(Centre).where(Centre.slug == slug))
