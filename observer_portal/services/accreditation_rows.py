"""The rules of one row of an accreditation list: which column holds what (guessed from the
header's words in the languages lists come in), and what each cell may hold — a name on one
line and no spreadsheet formula, a known country and languages, a valid e-mail and phone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from email_validator import EmailNotValidError, validate_email

from observer_portal.i18n import LOCALES, SPOKEN_LANGUAGES
from observer_portal.lazy_text import _l
from observer_portal.models import VisitorKind
from observer_portal.services import ServiceError
from observer_portal.services.centres import PHONE
from observer_portal.services.csv_safety import SPLIT, starts_like_formula
from observer_portal.text_rules import is_one_line

FIELDS = {
    "full_name": _l("Full name"),
    "accreditation_number": _l("Accreditation or press card number"),
    "kind": _l("Observer or journalist"),
    "organisation": _l("Mission or media outlet"),
    "nationality": _l("Nationality"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "languages": _l("Languages"),
}
REQUIRED = ("full_name", "accreditation_number")
LIMITS = {"full_name": 120, "accreditation_number": 64, "organisation": 200, "email": 254, "phone": 40}
#: header words that name each field, in the languages lists come in (compared casefolded)
HEADERS = {
    "full_name": (
        "name",
        "full name",
        "name and surname",
        "фио",
        "ф.и.о.",
        "ф. и. о.",
        "полное имя",
        "аты-жөні",
        "аты жөні",
        "толық аты-жөні",
        "vollständiger name",
        "vorname nachname",
        "nom complet",
        "nom et prénom",
        "prénom et nom",
    ),
    "accreditation_number": (
        "accreditation",
        "accreditation number",
        "card",
        "press card",
        "badge",
        "№",
        "номер",
        "аккредитация",
        "номер аккредитации",
        "аккредиттеу",
        "аккредитация нөмірі",
        "ausweis",
        "number",
        "akkreditierungsnummer",
        "akkreditierung",
        "n° d'accréditation",
        "numéro d'accréditation",
        "accréditation",
        "№ аккредитации",
        "аккредитация №",
    ),
    "kind": ("kind", "type", "category", "role", "категория", "тип", "санаты", "түрі", "art"),
    "organisation": (
        "organisation",
        "organization",
        "mission",
        "outlet",
        "media",
        "организация",
        "миссия",
        "сми",
        "ұйым",
        "миссиясы",
        "бақ",
        "organisation / outlet",
    ),
    "nationality": (
        "nationality",
        "citizenship",
        "country",
        "гражданство",
        "страна",
        "азаматтығы",
        "ел",
        "staatsangehörigkeit",
        "nationalité",
    ),
    "email": ("email", "e-mail", "mail", "электронная почта", "почта", "эл. пошта", "электрондық пошта"),
    "phone": ("phone", "telephone", "mobile", "телефон", "тел.", "téléphone", "telefonnummer", "telefon", "handy"),
    "languages": ("languages", "language", "языки", "язык", "тілдер", "тілі", "sprachen", "langues"),
}
KIND_WORDS = {
    VisitorKind.OBSERVER: ("observer", "наблюдатель", "байқаушы", "beobachter", "observateur", "lto", "sto"),
    VisitorKind.MEDIA: ("media", "journalist", "press", "журналист", "сми", "бақ", "тілші", "presse", "journaliste"),
}


def _like_formula(target: str, value: str) -> bool:
    """What a spreadsheet would run, by the export's rule (`csv_safety`: any fragment between
    delimiters, full-width signs too); a card number may start with + or - and a phone with +."""
    if target == "phone":
        return False
    if target == "accreditation_number":
        first = value.lstrip()[:1]
        return bool(first) and starts_like_formula(first) and first not in "+-"
    return any(starts_like_formula(fragment) for fragment in SPLIT.split(value)[::2])


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: object  # lazily translated


@dataclass
class Person:
    line: int
    full_name: str
    accreditation_number: str
    kind: VisitorKind
    organisation: str = ""
    nationality: str = ""
    email: str = ""
    phone: str = ""
    languages: tuple[str, ...] = ()


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold().strip(" :*")


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Each field's column, from the header's words ("ФИО", "E-mail", "Accreditation No.")."""
    mapping: dict[str, int] = {}
    for target, words in HEADERS.items():
        for number, title in enumerate(header):
            heading = _words(title)
            if number not in mapping.values() and (
                heading in words or any(heading.startswith(word) for word in words if len(word) > 3)
            ):
                mapping[target] = number
                break
    return mapping


def check_mapping(mapping: dict[str, int], header: list[str]) -> None:
    for target in REQUIRED:
        if mapping.get(target) is None:
            raise ServiceError(_l("Choose the column that holds: %(field)s.", field=FIELDS[target]), field=target)
    used: dict[int, str] = {}
    for target, number in mapping.items():
        if number is None:
            continue
        if not 0 <= number < len(header):
            raise ServiceError(_l("Choose one of the file's columns."), field=target)
        if number in used:
            raise ServiceError(_l("This column is already chosen for another field."), field=target)
        used[number] = target


@cache
def _countries() -> dict[str, str]:
    """Country names in the portal's languages (and ISO codes) → ISO code."""
    found: dict[str, str] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                found[name.casefold()] = code
                found[code.casefold()] = code
    return found


@cache
def _languages() -> dict[str, str]:
    """Language names in the portal's languages (and codes, and the Kazakh "-ша" forms)."""
    found: dict[str, str] = {"қазақша": "kk", "орысша": "ru", "ағылшынша": "en", "немісше": "de", "французша": "fr"}
    for code in SPOKEN_LANGUAGES:
        found[code] = code
        for locale in LOCALES:
            found[(Locale.parse(code).get_display_name(locale) or code).casefold()] = code
    return found


def _text(person: dict, target: str, problems: list, line: int) -> str:
    value = person.get(target, "")
    if not value:
        return ""
    if not is_one_line(value):
        problems.append(RowProblem(line, target, _l("Contains control characters or line breaks.")))
    elif len(value) > LIMITS.get(target, 200):
        problems.append(RowProblem(line, target, _l("At most %(n)d characters.", n=LIMITS.get(target, 200))))
    elif _like_formula(target, value):
        problems.append(RowProblem(line, target, _l("Looks like a spreadsheet formula; write the value itself.")))
    return " ".join(value.split())


def read_person(line: int, cells: list[str], mapping: dict[str, int], default_kind: VisitorKind, problems: list):
    raw = {target: cells[n] if n is not None and n < len(cells) else "" for target, n in mapping.items()}
    before = len(problems)
    name = _text(raw, "full_name", problems, line)
    number = _text(raw, "accreditation_number", problems, line)
    for target, value in (("full_name", name), ("accreditation_number", number)):
        if not value and not any(p.line == line and p.field == target for p in problems):
            problems.append(RowProblem(line, target, _l("This is required.")))
    kind = default_kind
    if raw.get("kind"):
        word = _words(raw["kind"])
        found = [k for k, words in KIND_WORDS.items() if any(word.startswith(w) for w in words)]
        if len(found) == 1:
            kind = found[0]
        else:
            problems.append(RowProblem(line, "kind", _l("Write observer or journalist.")))
    organisation = _text(raw, "organisation", problems, line)
    nationality = ""
    if raw.get("nationality"):
        nationality = _countries().get(_words(raw["nationality"]), "")
        if not nationality:
            problems.append(RowProblem(line, "nationality", _l("Not a country the portal knows.")))
    email, typed = "", _text(raw, "email", problems, line)
    if typed and not any(p.line == line and p.field == "email" for p in problems):
        try:
            email = validate_email(typed, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(RowProblem(line, "email", _l("Enter a valid e-mail address.")))
    phone = _text(raw, "phone", problems, line)
    if phone and not PHONE.fullmatch(phone):
        problems.append(
            RowProblem(line, "phone", _l("Write the phone number with digits, spaces and an optional “+”."))
        )
    languages: list[str] = []
    for word in re.split(r"[,;/]+", raw.get("languages", "")):
        if word.strip():
            code = _languages().get(_words(word))
            if code is None:
                problems.append(
                    RowProblem(
                        line,
                        "languages",
                        _l("“%(language)s” is not a language the portal knows.", language=word.strip()),
                    )
                )
            elif code not in languages:
                languages.append(code)
    if len(problems) > before:
        return None
    return Person(line, name, number, kind, organisation, nationality, email, phone, tuple(languages))
