"""Elections: create and correct them, make one the active election, close it.

One election is active at a time (the database holds to it too): making another active
closes the one that was, in the same transaction. A closed election stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from observer_portal.lazy_text import _l
from observer_portal.models import Election, ElectionState, User
from observer_portal.models.election import DEFAULT_RETENTION_DAYS
from observer_portal.multilingual import tidy_texts
from observer_portal.services import ServiceError
from observer_portal.services.audit import record

MAX_NAME = 200
MAX_RETENTION_DAYS = 3650


@dataclass
class ElectionInput:
    names: dict[str, str]
    voting_day: date
    serves_from: date | None = None
    serves_to: date | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS


def _checked(data: ElectionInput) -> ElectionInput:
    names = tidy_texts(data.names)
    if not names:
        raise ServiceError(_l("Give the election a name in at least one language."), field="name_en")
    for code, text in names.items():
        if len(text) > MAX_NAME:
            raise ServiceError(_l("At most %(n)d characters.", n=MAX_NAME), field=f"name_{code}")
    serves_from = data.serves_from or data.voting_day
    serves_to = data.serves_to or data.voting_day
    if serves_from > serves_to:
        raise ServiceError(_l("The centres cannot close before they open."), field="serves_to")
    if not serves_from <= data.voting_day <= serves_to:
        raise ServiceError(_l("The voting day must fall within the days the centres serve."), field="voting_day")
    if not 0 <= data.retention_days <= MAX_RETENTION_DAYS:
        raise ServiceError(
            _l("Keep personal data between 0 and %(n)d days.", n=MAX_RETENTION_DAYS), field="retention_days"
        )
    return ElectionInput(names, data.voting_day, serves_from, serves_to, data.retention_days)


def active_election(session: Session) -> Election | None:
    return session.scalar(select(Election).where(Election.state == ElectionState.ACTIVE))


def all_elections(session: Session) -> list[Election]:
    """The newest voting day first."""
    return list(session.scalars(select(Election).order_by(Election.voting_day.desc(), Election.id.desc())))


def create_election(session: Session, actor: User | None, data: ElectionInput, *, active: bool = False) -> Election:
    data = _checked(data)
    election = Election(
        names=data.names,
        voting_day=data.voting_day,
        serves_from=data.serves_from,
        serves_to=data.serves_to,
        retention_days=data.retention_days,
    )
    session.add(election)
    session.flush()
    from observer_portal.models import Centre

    for centre in session.scalars(select(Centre).where(Centre.active.is_(True))):  # untick on the centre's page
        centre.elections.append(election)
    record(session, actor, "election.created", election)
    if active:
        activate(session, actor, election)
    return election


def update_election(session: Session, actor: User, election: Election, data: ElectionInput) -> None:
    data = _checked(data)
    election.names = data.names
    election.voting_day, election.serves_from, election.serves_to = data.voting_day, data.serves_from, data.serves_to
    election.retention_days = data.retention_days
    record(session, actor, "election.updated", election)


def activate(session: Session, actor: User | None, election: Election) -> None:
    """Make `election` the one the portal serves; the one that was active is closed."""
    if election.state == ElectionState.ACTIVE:
        return
    for previous in session.scalars(select(Election).where(Election.state == ElectionState.ACTIVE)):
        close(session, actor, previous)
    session.flush()
    session.execute(
        update(Election).where(Election.id == election.id).values(state=ElectionState.ACTIVE),
        execution_options={"synchronize_session": "fetch"},
    )
    record(session, actor, "election.activated", election)


def close(session: Session, actor: User | None, election: Election) -> None:
    if election.state == ElectionState.CLOSED:
        return
    election.state = ElectionState.CLOSED
    session.flush()
    record(session, actor, "election.closed", election)
