"""Idempotent demo data built from the seed story (Atyrau and Karaganda, November 2022).

Running it twice changes nothing: every row is looked up by its natural key
(centre slug, organisation name, e-mail) before it is created.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.demo.assistance import load_demo_assistance
from observer_portal.demo.briefing_reads import load_demo_briefing_reads
from observer_portal.demo.briefings import load_demo_briefings
from observer_portal.demo.elections import load_demo_elections, past_election
from observer_portal.demo.language_help import load_demo_language_help
from observer_portal.demo.visits import load_demo_visits
from observer_portal.models import (
    Centre,
    Election,
    Organisation,
    OrganisationKind,
    Proficiency,
    Role,
    User,
    VisitorKind,
    VisitorLanguage,
    VisitorProfile,
)
from observer_portal.models.base import utcnow
from observer_portal.security import hash_password
from observer_portal.services import glossary_terms
from observer_portal.services.accounts import set_languages
from observer_portal.services.centres import CentreInput, create_centre, find_centre
from observer_portal.services.organisations import OrganisationInput, create_organisation, find_by_name

DEMO_PASSWORD = "Atyrau-Centre-2022"  # noqa: S105 - documented demo credential

CENTRES = [
    {
        "slug": "atyrau",
        "language": "kk",
        "timezone": "Asia/Atyrau",
        "phone": "+7 7122 27 63 00",
        "email": "observers.atyrau@example.org",
        "names": {
            "en": "Centre for Assistance to International Observers and Media Representatives",
            "de": "Zentrum zur Unterstützung internationaler Beobachter und Medienvertreter",
            "fr": "Centre d’assistance aux observateurs internationaux et aux représentants des médias",
            "ru": "Центр содействия международным наблюдателям и представителям СМИ",
            "kk": "Халықаралық байқаушылар мен БАҚ өкілдеріне жәрдемдесу орталығы",
        },
        "regions": {
            "en": "Atyrau Region",
            "de": "Gebiet Atyrau",
            "fr": "Région d’Atyraou",
            "ru": "Атырауская область",
            "kk": "Атырау облысы",
        },
        "addresses": {
            "en": "Kh. Dosmukhamedov Atyrau University, 1 Studenchesky Avenue, Atyrau",
            "de": "Atyrauer Universität „Ch. Dosmuchamedow“, Studentscheski-Prospekt 1, Atyrau",
            "fr": "Université d’Atyraou Kh. Dosmoukhamedov, 1 avenue Stoudentcheski, Atyraou",
            "ru": "Атырауский университет имени Х. Досмухамедова, проспект Студенческий, 1, Атырау",
            "kk": "Х. Досмұхамедов атындағы Атырау университеті, Студенттік даңғылы, 1, Атырау",
        },
        "hours": {
            "en": "Daily, 08:00–22:00",
            "de": "Täglich 08:00–22:00 Uhr",
            "fr": "Tous les jours, de 8 h à 22 h",
            "ru": "Ежедневно, 08:00–22:00",
            "kk": "Күн сайын, 08:00–22:00",
        },
    },
    {  # German and French addresses left out: those readers see the Kazakh one (the centre's language)
        "slug": "karaganda",
        "language": "kk",
        "timezone": "Asia/Almaty",
        "phone": "+7 7212 56 00 00",
        "email": "observers.karaganda@example.org",
        "names": {
            "en": "Karaganda Regional Centre for Observers and Media",
            "de": "Regionalzentrum Karaganda für Beobachter und Medien",
            "fr": "Centre régional de Karaganda pour les observateurs et les médias",
            "ru": "Карагандинский региональный центр для наблюдателей и СМИ",
            "kk": "Қарағанды өңірлік байқаушылар мен БАҚ орталығы",
        },
        "regions": {
            "en": "Karaganda Region",
            "de": "Gebiet Karaganda",
            "fr": "Région de Karaganda",
            "ru": "Карагандинская область",
            "kk": "Қарағанды облысы",
        },
        "addresses": {
            "en": "Regional akimat, Karaganda",
            "ru": "Акимат Карагандинской области, Караганда",
            "kk": "Қарағанды облысының әкімдігі, Қарағанды",
        },
        "hours": {
            "en": "Daily, 09:00–20:00",
            "de": "Täglich 09:00–20:00 Uhr",
            "fr": "Tous les jours, de 9 h à 20 h",
            "ru": "Ежедневно, 09:00–20:00",
            "kk": "Күн сайын, 09:00–20:00",
        },
    },
]

#: the registry as a coordinator set it up (confirmed, named in each language where the name
#: changes); the walk-ins' Reuters, AFP and Anadolu are typed at the desk and wait for review
ORGANISATIONS = [
    (
        "OSCE/ODIHR Election Observation Mission",
        OrganisationKind.OBSERVER_MISSION,
        {
            "de": "OSZE/BDIMR-Wahlbeobachtungsmission",
            "fr": "Mission d’observation électorale de l’OSCE/BIDDH",
            "ru": "Миссия ОБСЕ/БДИПЧ по наблюдению за выборами",
            "kk": "ЕҚЫҰ/ДИАҚБ сайлауды байқау жөніндегі миссиясы",
        },
    ),
    (
        "CIS Observer Mission",
        OrganisationKind.OBSERVER_MISSION,
        {
            "de": "Beobachtermission der GUS",
            "fr": "Mission d’observation de la CEI",
            "ru": "Миссия наблюдателей от СНГ",
            "kk": "ТМД байқаушылар миссиясы",
        },
    ),
    (
        "Delegation of the Central Election Commission of Uzbekistan",
        OrganisationKind.FOREIGN_DELEGATION,
        {
            "de": "Delegation der Zentralen Wahlkommission Usbekistans",
            "fr": "Délégation de la Commission électorale centrale de l’Ouzbékistan",
            "ru": "Делегация Центральной избирательной комиссии Республики Узбекистан",
            "kk": "Өзбекстан Республикасы Орталық сайлау комиссиясының делегациясы",
        },
    ),
    ("Deutsche Welle", OrganisationKind.MEDIA_OUTLET, {}),
    ("Kazinform", OrganisationKind.MEDIA_OUTLET, {"ru": "Казинформ", "kk": "Қазақпарат"}),
]

F, N, W, B = Proficiency.FLUENT, Proficiency.NATIVE, Proficiency.WORKING, Proficiency.BASIC

# email, name, role, centre, languages, on duty
STAFF = [
    (
        "coordinator@atyrau.example.org",
        "Aigerim Nurlanovna",
        Role.COORDINATOR,
        "atyrau",
        {"kk": N, "ru": N, "en": F},
        False,
    ),
    (
        "coordinator@karaganda.example.org",
        "Daulet Serikov",
        Role.COORDINATOR,
        "karaganda",
        {"kk": N, "ru": N, "en": W},
        False,
    ),
    ("admin@example.org", "Portal Administrator", Role.ADMIN, None, {"en": F, "ru": F}, False),
    ("aruzhan@atyrau.example.org", "Aruzhan Bekova", Role.VOLUNTEER, "atyrau", {"kk": N, "ru": F, "en": F}, True),
    ("timur@atyrau.example.org", "Timur Akhmetov", Role.VOLUNTEER, "atyrau", {"kk": N, "ru": N, "en": F}, True),
    ("dana@atyrau.example.org", "Dana Ermekova", Role.VOLUNTEER, "atyrau", {"kk": F, "ru": N, "de": F}, True),
    ("nurlan@atyrau.example.org", "Nurlan Saparov", Role.VOLUNTEER, "atyrau", {"kk": N, "ru": F, "de": W}, False),
    ("madina@atyrau.example.org", "Madina Zhumabayeva", Role.VOLUNTEER, "atyrau", {"kk": N, "ru": F, "fr": F}, True),
    ("yerlan@atyrau.example.org", "Yerlan Tulegenov", Role.VOLUNTEER, "atyrau", {"ru": N, "fr": W, "en": W}, False),
]

# email, name, role, organisation, accreditation, nationality, languages
VISITORS = [
    (
        "h.mueller@osce.example.org",
        "Hannah Müller",
        Role.OBSERVER,
        "OSCE/ODIHR Election Observation Mission",
        "ODIHR-LTO-0142",
        "DE",
        ["de", "en"],
    ),
    (
        "c.dubois@osce.example.org",
        "Claire Dubois",
        Role.OBSERVER,
        "OSCE/ODIHR Election Observation Mission",
        "ODIHR-LTO-0157",
        "FR",
        ["fr", "en"],
    ),
    ("a.petrov@cis.example.org", "Andrei Petrov", Role.OBSERVER, "CIS Observer Mission", "CIS-LTO-0031", "BY", ["ru"]),
    ("j.smith@dw.example.org", "James Smith", Role.MEDIA, "Deutsche Welle", "PRESS-DW-2211", "GB", ["en", "de"]),
]


@dataclass
class DemoResult:
    created: int
    accounts: list[tuple[str, str]]  # (email, role)


def load_demo(session: Session, password: str = DEMO_PASSWORD) -> DemoResult:
    created = load_demo_elections(session, utcnow().date())
    election_ids = list(session.scalars(select(Election.id)))
    centres: dict[str, Centre] = {}
    for data in CENTRES:
        centre = find_centre(session, data["slug"])
        if centre is None:
            centre = create_centre(session, None, CentreInput(**data, election_ids=election_ids))
            created += 1
        centres[data["slug"]] = centre

    organisations: dict[str, Organisation] = {}
    for name, kind, names in ORGANISATIONS:
        organisation = find_by_name(session, name)
        if organisation is None:
            organisation = create_organisation(session, None, OrganisationInput(name, kind, names))
            created += 1
        organisations[name] = organisation
    session.flush()

    password_hash = hash_password(password)  # one hash shared by the demo accounts: it is one password
    accounts: list[tuple[str, str]] = []
    for email, name, role, centre_slug, languages, on_duty in STAFF:
        accounts.append((email, role.value))
        if session.scalar(select(User.id).where(User.email == email)):
            continue
        user = User(
            email=email,
            display_name=name,
            role=role,
            password_hash=password_hash,
            centre=centres[centre_slug] if centre_slug else None,
            on_duty=on_duty,
            password_changed_at=utcnow(),
        )
        session.add(user)
        set_languages(session, user, languages)
        created += 1

    for email, name, role, org_name, accreditation, nationality, languages in VISITORS:
        accounts.append((email, role.value))
        if session.scalar(select(User.id).where(User.email == email)):
            continue
        user = User(
            email=email,
            display_name=name,
            role=role,
            password_hash=password_hash,
            centre=centres["atyrau"],
            preferred_locale=languages[0] if languages[0] in {"en", "de", "fr", "ru", "kk"} else None,
            password_changed_at=utcnow(),
        )
        session.add(
            VisitorProfile(
                user=user,
                kind=VisitorKind(role.value),
                full_name=name,
                organisation=organisations[org_name],
                accreditation_number=accreditation,
                nationality=nationality,
                contact_email=email,
                languages=[VisitorLanguage(language=code) for code in languages],
            )
        )
        created += 1
    session.flush()
    coordinators = {
        slug: session.scalar(select(User).where(User.role == Role.COORDINATOR, User.centre_id == centre.id))
        for slug, centre in centres.items()
    }
    created += load_demo_briefings(session, coordinators)
    created += load_demo_assistance(session)
    created += load_demo_language_help(session)
    created += load_demo_visits(session, past_election(session).id)
    created += load_demo_briefing_reads(session, past_election(session).id)
    created += glossary_terms.load_seed(session, None).added
    session.flush()
    return DemoResult(created=created, accounts=accounts)
