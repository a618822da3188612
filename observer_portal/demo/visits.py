"""Three weeks of visits around election day (31 October – 21 November 2022) in Atyrau and
Karaganda, from observer missions and media, so the registry and logs show real patterns;
they belong to the 2022 election. Today's visits belong to the active (training) election."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.models import (
    Centre,
    OrganisationKind,
    Role,
    User,
    Visit,
    VisitorKind,
    VisitorLanguage,
    VisitorProfile,
    VisitPurpose,
    VisitPurposeRow,
)
from observer_portal.models.base import utcnow
from observer_portal.policies import holds_card
from observer_portal.services.organisations import find_or_create_organisation

WALK_INS = [
    (
        "Marta Kowalska",
        VisitorKind.OBSERVER,
        "OSCE/ODIHR Election Observation Mission",
        "ODIHR-STO-0311",
        "PL",
        ["pl", "en", "ru"],
    ),
    (
        "Jonas Berg",
        VisitorKind.OBSERVER,
        "OSCE/ODIHR Election Observation Mission",
        "ODIHR-STO-0312",
        "SE",
        ["en", "de"],
    ),
    (
        "Pierre Lambert",
        VisitorKind.OBSERVER,
        "OSCE/ODIHR Election Observation Mission",
        "ODIHR-STO-0327",
        "FR",
        ["fr", "en"],
    ),
    (
        "Katrin Vogel",
        VisitorKind.OBSERVER,
        "OSCE/ODIHR Election Observation Mission",
        "ODIHR-STO-0340",
        "AT",
        ["de", "en"],
    ),
    (
        "Giulia Russo",
        VisitorKind.OBSERVER,
        "OSCE/ODIHR Election Observation Mission",
        "ODIHR-STO-0352",
        "IT",
        ["it", "en"],
    ),
    ("Sergei Ivanov", VisitorKind.OBSERVER, "CIS Observer Mission", "CIS-STO-0102", "RU", ["ru"]),
    ("Aliaksandr Bondar", VisitorKind.OBSERVER, "CIS Observer Mission", "CIS-STO-0117", "BY", ["ru"]),
    ("Nodira Karimova", VisitorKind.OBSERVER, "CIS Observer Mission", "CIS-STO-0125", "UZ", ["ru", "en"]),
    ("Bakyt Osmonov", VisitorKind.OBSERVER, "CIS Observer Mission", "CIS-STO-0131", "KG", ["ru", "kk"]),
    ("Elif Demir", VisitorKind.MEDIA, "Anadolu Agency", "PRESS-AA-0412", "TR", ["tr", "en"]),
    ("Thomas Becker", VisitorKind.MEDIA, "Deutsche Welle", "PRESS-DW-2215", "DE", ["de", "en", "ru"]),
    ("Camille Martin", VisitorKind.MEDIA, "Agence France-Presse", "PRESS-AFP-0877", "FR", ["fr", "en"]),
    ("Aidana Sultanova", VisitorKind.MEDIA, "Kazinform", "PRESS-KZ-1001", "KZ", ["kk", "ru", "en"]),
    ("Oliver Hughes", VisitorKind.MEDIA, "Reuters", "PRESS-RTR-3390", "GB", ["en"]),
]
WEIGHTS = [
    (VisitPurpose.BRIEFING, 0.55),
    (VisitPurpose.INTERNET, 0.35),
    (VisitPurpose.EQUIPMENT, 0.3),
    (VisitPurpose.TRANSLATION, 0.3),
    (VisitPurpose.OTHER, 0.1),
]
START = datetime(2022, 10, 31, tzinfo=UTC)
DAYS = 22


def load_demo_visits(session: Session, past_election_id: int) -> int:
    already = select(Visit.id).where(Visit.arrived_at >= START, Visit.arrived_at < START + timedelta(days=DAYS))
    if session.scalar(already.limit(1)):
        return 0  # loaded before
    rng = random.Random(2022)  # noqa: S311 - reproducible demo data, not security
    # Each observer and journalist is deployed to one region, as short-term observers are:
    # account holders to their account's centre, walk-ins alternately to Atyrau and Karaganda.
    deployed: dict[str, list[VisitorProfile]] = {"atyrau": [], "karaganda": []}
    for profile in session.scalars(select(VisitorProfile).where(VisitorProfile.user_id.is_not(None))):
        home = profile.user.centre.slug if profile.user.centre is not None else "atyrau"
        deployed.setdefault(home, []).append(profile)
    for index, (name, kind, org, accreditation, nationality, languages) in enumerate(WALK_INS):
        existing = session.scalar(select(VisitorProfile).where(holds_card(accreditation)))
        if existing is None:
            org_kind = (
                OrganisationKind.OBSERVER_MISSION if kind == VisitorKind.OBSERVER else OrganisationKind.MEDIA_OUTLET
            )
            existing = VisitorProfile(
                kind=kind,
                full_name=name,
                organisation=find_or_create_organisation(session, org, org_kind),
                accreditation_number=accreditation,
                nationality=nationality,
                languages=[VisitorLanguage(language=code) for code in languages],
                election_id=past_election_id,
            )
            session.add(existing)
        deployed["atyrau" if index % 2 == 0 else "karaganda"].append(existing)
    session.flush()
    created = 0
    for slug, daily in (("atyrau", 7), ("karaganda", 4)):
        centre = session.scalar(select(Centre).where(Centre.slug == slug))
        staff = list(session.scalars(select(User.id).where(User.centre_id == centre.id, User.role == Role.VOLUNTEER)))
        staff = staff or list(session.scalars(select(User.id).where(User.centre_id == centre.id)))
        for day in range(DAYS):
            peak = 2.5 if 17 <= day <= 21 else 1.0  # the days around 20 November
            for _ in range(max(1, int(rng.gauss(daily * peak, 2)))):
                visitor = rng.choice(deployed[slug])
                arrived = START + timedelta(days=day, hours=rng.uniform(3, 15))  # 08:00–20:00 local
                purposes = {p for p, weight in WEIGHTS if rng.random() < weight} or {VisitPurpose.BRIEFING}
                session.add(
                    Visit(
                        centre_id=centre.id,
                        visitor_id=visitor.id,
                        organisation_id=visitor.organisation_id,
                        visitor_kind=visitor.kind,
                        arrived_at=arrived,
                        left_at=arrived + timedelta(minutes=rng.randint(10, 150)),
                        registered_by_id=rng.choice(staff) if staff else None,
                        purposes=[VisitPurposeRow(purpose=p) for p in sorted(purposes)],
                        election_id=past_election_id,
                    )
                )
                created += 1
    created += _desk_duplicate(session, past_election_id)
    created += _today(session, deployed)
    session.flush()
    return created


def _today(session: Session, deployed: dict[str, list[VisitorProfile]]) -> int:
    """This morning at both centres, for the election being served: some have left, the last
    two are still there (the front desk lists them with "Has left")."""
    now = utcnow()
    created = 0
    for slug, minutes_ago in (("atyrau", (190, 150, 95, 40, 12)), ("karaganda", (120, 30))):
        centre = session.scalar(select(Centre).where(Centre.slug == slug))
        desk = session.scalar(select(User.id).where(User.centre_id == centre.id, User.role == Role.VOLUNTEER).limit(1))
        for n, ago in enumerate(minutes_ago):
            visitor = deployed[slug][n % len(deployed[slug])]
            arrived = now - timedelta(minutes=ago)
            session.add(
                Visit(
                    centre_id=centre.id,
                    visitor_id=visitor.id,
                    organisation_id=visitor.organisation_id,
                    visitor_kind=visitor.kind,
                    arrived_at=arrived,
                    left_at=arrived + timedelta(minutes=25) if ago > 60 else None,
                    registered_by_id=desk,
                    purposes=[VisitPurposeRow(purpose=(VisitPurpose.BRIEFING, VisitPurpose.INTERNET)[n % 2])],
                )
            )
            created += 1
    return created


def _desk_duplicate(session: Session, past_election_id: int) -> int:
    """Marta came back without her accreditation card and was registered again as a new
    visitor: the duplicate a coordinator finds on her page and merges."""
    centre = session.scalar(select(Centre).where(Centre.slug == "atyrau"))
    organisation = find_or_create_organisation(
        session, "OSCE/ODIHR Election Observation Mission", OrganisationKind.OBSERVER_MISSION
    )
    duplicate = VisitorProfile(
        kind=VisitorKind.OBSERVER,
        full_name="Marta Kowalska",
        organisation=organisation,
        phone="+48 601 555 014",
        languages=[VisitorLanguage(language="pl")],
        election_id=past_election_id,
    )
    session.add(duplicate)
    session.flush()
    desk = session.scalar(select(User.id).where(User.centre_id == centre.id, User.role == Role.VOLUNTEER).limit(1))
    arrived = START + timedelta(days=19, hours=5, minutes=40)
    session.add(
        Visit(
            centre_id=centre.id,
            visitor_id=duplicate.id,
            organisation_id=organisation.id,
            visitor_kind=VisitorKind.OBSERVER,
            arrived_at=arrived,
            left_at=arrived + timedelta(minutes=45),
            registered_by_id=desk,
            notes="Accreditation card left at the hotel.",
            purposes=[VisitPurposeRow(purpose=VisitPurpose.INTERNET)],
            election_id=past_election_id,
        )
    )
    return 1
