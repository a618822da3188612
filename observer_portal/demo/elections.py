"""The demo's elections: the 2022 early presidential election of the seed story (closed;
its visits and requests are the demo's history) and a training election the centres serve
now, so a new installation can be tried end to end. Built through the elections service."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.models import Election, ElectionState
from observer_portal.services.elections import ElectionInput, activate, close, create_election

PRESIDENTIAL_2022 = {
    "en": "Early presidential election of the Republic of Kazakhstan",
    "de": "Vorgezogene Präsidentschaftswahl der Republik Kasachstan",
    "fr": "Élection présidentielle anticipée de la République du Kazakhstan",
    "ru": "Внеочередные выборы Президента Республики Казахстан",
    "kk": "Қазақстан Республикасы Президентінің кезектен тыс сайлауы",
}
TRAINING = {
    "en": "Training election for the centres' staff and volunteers",
    "de": "Übungswahl für das Personal und die Freiwilligen der Zentren",
    "fr": "Élection d’entraînement pour le personnel et les bénévoles des centres",
    "ru": "Учебные выборы для сотрудников и волонтёров центров",
    "kk": "Орталықтардың қызметкерлері мен еріктілеріне арналған оқу сайлауы",
}


def _find(session: Session, names: dict[str, str]) -> Election | None:
    for election in session.scalars(select(Election)):
        if election.names.get("en") == names["en"]:
            return election
    return None


def past_election(session: Session) -> Election:
    election = _find(session, PRESIDENTIAL_2022)
    if election is None:
        raise LookupError("the demo's elections are loaded first")
    return election


def load_demo_elections(session: Session, today: date) -> int:
    """Both elections, once; the training one is made active unless another election is."""
    created = 0
    past = _find(session, PRESIDENTIAL_2022)
    if past is None:
        past = create_election(
            session,
            None,
            ElectionInput(PRESIDENTIAL_2022, date(2022, 11, 20), date(2022, 10, 31), date(2022, 11, 21), 90),
        )
        created += 1
    if past.state != ElectionState.CLOSED:
        close(session, None, past)
    training = _find(session, TRAINING)
    if training is None:
        voting_day = today + timedelta(days=21)
        training = create_election(
            session, None, ElectionInput(TRAINING, voting_day, today, voting_day + timedelta(days=1), 90)
        )
        created += 1
    if session.scalar(select(Election.id).where(Election.state == ElectionState.ACTIVE)) is None:
        activate(session, None, training)
    return created
