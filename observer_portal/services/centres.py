"""Centres and who is serving in them right now."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observer_portal.models import Centre, Role, User, VolunteerLanguage


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


def all_centres(session: Session) -> list[Centre]:
    return list(session.scalars(select(Centre).order_by(Centre.region, Centre.name)))


def centre_choices(session: Session) -> list[tuple[int, str]]:
    return [(c.id, f"{c.name} ({c.region})") for c in all_centres(session)]
