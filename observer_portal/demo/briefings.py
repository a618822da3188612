"""Demo briefings built from the seed story, so every translation state is visible:
reviewed (de/fr/ru of the Atyrau overview), machine draft, human draft, outdated, missing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.models import (
    Briefing,
    BriefingTopic,
    BriefingTranslation,
    Centre,
    ReviewState,
    TranslationOrigin,
    User,
)
from observer_portal.models.base import utcnow
from observer_portal.services.briefing_versions import snapshot
from observer_portal.services.briefings import BriefingInput, FigureInput, create_briefing

ATYRAU_OVERVIEW = """## The region on election day

Atyrau region votes at **261 polling stations** on 20 November 2022. The regional
territorial election commission (TEC) and the akims of cities and districts have
prepared every station together with the Coordinating Council for the Affairs of
Persons with Disabilities.

## How the centre helps you

- information about the region and its election commissions
- office equipment: printers, scanners, laptops for the day
- help getting online: Wi-Fi, SIM cards
- translation by volunteers in English, German and French

The centre is at H. Dosmukhamedov Atyrau State University.
"""

ATYRAU_OVERVIEW_DE = """## Die Region am Wahltag

Die Region Atyrau wählt am 20. November 2022 in **261 Wahllokalen**. Die regionale
Territorialwahlkommission und die Akime der Städte und Bezirke haben jedes Wahllokal
gemeinsam mit dem Koordinierungsrat für die Angelegenheiten von Menschen mit
Behinderungen vorbereitet.

## Wie das Zentrum Ihnen hilft

- Informationen über die Region und ihre Wahlkommissionen
- Büroausstattung: Drucker, Scanner, Laptops für den Tag
- Hilfe beim Internetzugang: WLAN, SIM-Karten
- Übersetzung durch Freiwillige auf Englisch, Deutsch und Französisch

Das Zentrum befindet sich an der Staatlichen Universität Atyrau „Ch. Dosmuchamedow“.
"""

ATYRAU_OVERVIEW_FR = """## La région le jour du scrutin

La région d’Atyraou vote dans **261 bureaux de vote** le 20 novembre 2022. La commission
électorale territoriale régionale et les akims des villes et des districts ont préparé
chaque bureau avec le Conseil de coordination pour les personnes handicapées.

## Comment le centre vous aide

- informations sur la région et ses commissions électorales
- matériel de bureau : imprimantes, scanners, ordinateurs portables pour la journée
- aide pour se connecter : Wi-Fi, cartes SIM
- traduction par des bénévoles en anglais, allemand et français

Le centre se trouve à l’Université d’État d’Atyraou Kh. Dosmoukhamedov.
"""

ATYRAU_OVERVIEW_RU = """## Регион в день голосования

Атырауская область голосует 20 ноября 2022 года на **261 избирательном участке**.
Областная территориальная избирательная комиссия и акимы городов и районов подготовили
каждый участок вместе с Координационным советом по делам лиц с инвалидностью.

## Чем поможет центр

- информация о регионе и его избирательных комиссиях
- офисная техника: принтеры, сканеры, ноутбуки на день
- помощь с доступом в интернет: Wi-Fi, SIM-карты
- перевод силами волонтёров на английский, немецкий и французский языки

Центр находится в Атырауском государственном университете имени Х. Досмухамедова.
"""

ATYRAU_ACCESSIBILITY = """## Barrier-free voting

All polling stations in Atyrau region have **ramps and tactile strips**, special areas
and the other equipment voters with disabilities need. Members of the Coordinating
Council, public associations and the authorised bodies checked every station before
the election.

## Invataxi on election day

On 20 November, invataxi vehicles take people who move in wheelchairs to their polling
station. Ask the centre to book a ride for a voter you accompany.
"""

ATYRAU_ACCESSIBILITY_DE_MACHINE = """## Barrierefreie Abstimmung

Alle Wahllokale in der Region Atyrau verfügen über **Rampen und taktile Streifen**, spezielle
Bereiche und die andere Ausrüstung, die Wähler mit Behinderungen benötigen. Mitglieder des
Koordinierungsrates, öffentliche Vereinigungen und die bevollmächtigten Stellen überprüften
jede Station vor der Wahl.

## Invataxi am Wahltag

Am 20. November bringen Invataxi-Fahrzeuge Menschen, die sich im Rollstuhl bewegen, zu ihrem
Wahllokal. Bitten Sie das Zentrum, eine Fahrt für einen Wähler zu buchen, den Sie begleiten.
"""

ATYRAU_ACCESSIBILITY_RU_DRAFT = """## Голосование без барьеров

Все избирательные участки Атырауской области оснащены **пандусами и тактильными полосами**,
специальными зонами и другим оборудованием для избирателей с инвалидностью.

## Инватакси в день выборов

20 ноября инватакси доставят людей на колясках до их избирательного участка.
"""

ATYRAU_CONTACTS_V1 = """## Hotlines

- single contact number **109**: reference information and advice
- 8 call centres in the region

## Finding a voter in the lists

The akimat of Atyrau region runs a search service and a Telegram bot on its official
website.
"""

ATYRAU_CONTACTS_RU_V1 = """## Горячие линии

- единый контактный номер **109**: справочная информация и консультации
- 8 колл-центров в регионе

## Поиск избирателя в списках

Акимат Атырауской области запустил поисковый сервис и Telegram-бот на своём официальном сайте.
"""

ATYRAU_CONTACTS_V2 = """## Hotlines

- single contact number **109**: reference information and advice, round the clock on election day
- 8 call centres in the region

## Finding a voter in the lists

The akimat of Atyrau region runs a search service and a Telegram bot on its official
website. Service centres at 165 polling stations help citizens find their registration
address, together with the Ministry of Digital Development.
"""

ATYRAU_TRAINING = """## Commission members trained

From 3 to 28 October 2022 the cascade method reached every member of the region's
election commissions. Workshops were also held for public associations, voters with
disabilities, young people, the police and government agencies.

CEC member Shavkhat Utemissov held workshop-meetings in the region on 15–16 November.
"""

KARAGANDA_OVERVIEW = """## Karaganda region at a glance

All polling stations are ready: uninterrupted communications, electricity and the
necessary equipment.

## Barrier-free polling stations

Every station is **on the first floor**; most have ramps, tactile signs and flooring.
Sign language specialists are planned at polling stations, and invataxi vehicles
take people with disabilities to vote on election day.

## Finding your polling station

- call centres and hotlines in all akimats, and the round-the-clock **Senim 109** dispatch service
- [sailau09.kz](https://sailau09.kz): find your station by IIN or ID number
- push notifications in the Damumed app
"""

DEMO_BRIEFINGS = [
    (
        "atyrau",
        "atyrau-overview",
        BriefingTopic.OVERVIEW,
        "Atyrau region: overview for observers",
        ATYRAU_OVERVIEW,
        [
            ("Polling stations", 261, ""),
            ("Voters with disabilities needing special conditions", 1959, "voters"),
            ("Service centres at polling stations", 165, ""),
            ("Call centres", 8, ""),
        ],
    ),
    (
        "atyrau",
        "atyrau-accessibility",
        BriefingTopic.ACCESSIBILITY,
        "Accessibility for voters with disabilities",
        ATYRAU_ACCESSIBILITY,
        [
            ("Invataxi vehicles on election day", 52, "vehicles"),
            ("Voters with disabilities needing special conditions", 1959, "voters"),
        ],
    ),
    (
        "atyrau",
        "atyrau-contacts",
        BriefingTopic.CONTACTS,
        "Contacts and hotlines",
        ATYRAU_CONTACTS_V1,
        [("Call centres", 8, "")],
    ),
    (
        "atyrau",
        "atyrau-training",
        BriefingTopic.TRAINING,
        "Training of election commissions",
        ATYRAU_TRAINING,
        [("Commission members trained", 1966, "people"), ("Workshops held", 377, "")],
    ),
    (
        "karaganda",
        "karaganda-overview",
        BriefingTopic.OVERVIEW,
        "Karaganda region: overview",
        KARAGANDA_OVERVIEW,
        [
            ("Voters", 768778, "people"),
            ("Polling stations", 642, ""),
            ("Invataxi vehicles", 38, "vehicles"),
            ("Commission members trained at the Academy of Public Administration", 360, "people"),
        ],
    ),
]

OVERVIEW_TITLES = {
    "de": "Region Atyrau: Überblick für Beobachter",
    "fr": "Région d’Atyraou : aperçu pour les observateurs",
    "ru": "Атырауская область: обзор для наблюдателей",
}
OVERVIEW_LABELS = {
    "de": [
        "Wahllokale",
        "Wähler mit Behinderungen, die besondere Bedingungen benötigen",
        "Servicezentren in Wahllokalen",
        "Callcenter",
    ],
    "fr": [
        "Bureaux de vote",
        "Électeurs handicapés ayant besoin de conditions particulières",
        "Centres de services dans les bureaux de vote",
        "Centres d’appels",
    ],
    "ru": [
        "Избирательные участки",
        "Избиратели с инвалидностью, которым нужны особые условия",
        "Сервисные центры на участках",
        "Колл-центры",
    ],
}
OVERVIEW_UNITS = {"de": "Wähler", "fr": "électeurs", "ru": "избирателей"}


def _add_translation(session: Session, briefing: Briefing, locale: str, **fields) -> None:
    translation = BriefingTranslation(locale=locale, **fields)
    briefing.translations.append(translation)
    session.flush()
    snapshot(session, None, briefing, translation)


def load_demo_briefings(session: Session, coordinators: dict[str, User]) -> int:
    created = 0
    by_slug: dict[str, Briefing] = {}
    for centre_slug, slug, topic, title, body, figures in DEMO_BRIEFINGS:
        centre = session.scalar(select(Centre).where(Centre.slug == centre_slug))
        existing = session.scalar(select(Briefing).where(Briefing.centre_id == centre.id, Briefing.slug == slug))
        if existing:
            by_slug[slug] = existing
            continue
        data = BriefingInput(
            slug=slug,
            topic=topic,
            title=title,
            body=body,
            original_locale="en",
            figures=[FigureInput(label, Decimal(value), unit) for label, value, unit in figures],
        )
        briefing = create_briefing(session, coordinators.get(centre_slug), centre.id, data)
        briefing.published = True
        by_slug[slug] = briefing
        created += 1
        _demo_translations(session, briefing)
    return created


def _demo_translations(session: Session, briefing: Briefing) -> None:
    now = utcnow()
    if briefing.slug == "atyrau-overview":
        bodies = {"de": ATYRAU_OVERVIEW_DE, "fr": ATYRAU_OVERVIEW_FR, "ru": ATYRAU_OVERVIEW_RU}
        for locale, body in bodies.items():
            labels = {
                figure.key: {
                    "label": OVERVIEW_LABELS[locale][i],
                    "unit": OVERVIEW_UNITS[locale] if figure.unit else "",
                    "source": figure.label,
                    "source_unit": figure.unit,
                }
                for i, figure in enumerate(briefing.figures)
            }
            _add_translation(
                session,
                briefing,
                locale,
                title=OVERVIEW_TITLES[locale],
                body=body,
                figure_labels=labels,
                origin=TranslationOrigin.HUMAN,
                state=ReviewState.REVIEWED,
                source_version=1,
                reviewed_at=now,
            )
    elif briefing.slug == "atyrau-accessibility":
        _add_translation(
            session,
            briefing,
            "de",
            title="Barrierefreiheit für Wähler mit Behinderungen",
            body=ATYRAU_ACCESSIBILITY_DE_MACHINE,
            figure_labels={},
            origin=TranslationOrigin.MACHINE,
            state=ReviewState.DRAFT,
            source_version=1,
        )
        _add_translation(
            session,
            briefing,
            "ru",
            title="Доступность для избирателей с инвалидностью",
            body=ATYRAU_ACCESSIBILITY_RU_DRAFT,
            figure_labels={},
            origin=TranslationOrigin.HUMAN,
            state=ReviewState.DRAFT,
            source_version=1,
        )
    elif briefing.slug == "atyrau-contacts":
        _add_translation(
            session,
            briefing,
            "ru",
            title="Контакты и горячие линии",
            body=ATYRAU_CONTACTS_RU_V1,
            figure_labels={
                briefing.figures[0].key: {
                    "label": "Колл-центры",
                    "unit": "",
                    "source": briefing.figures[0].label,
                    "source_unit": "",
                }
            },
            origin=TranslationOrigin.HUMAN,
            state=ReviewState.REVIEWED,
            source_version=1,
            reviewed_at=now,
        )
        # The original was updated afterwards: the Russian text is now outdated (with a diff for reviewers).
        original = briefing.original
        original.body = ATYRAU_CONTACTS_V2
        briefing.version = original.source_version = 2
        session.flush()
        snapshot(session, None, briefing, original)
