"""Date and time inputs in every locale: refused with a translated field error, never a 500.

`date` and `datetime-local` inputs send ISO text whatever the UI language, so
the class of problem here is the value, not the format: year 1 or 9999 used to
overflow while being converted to UTC (issue 13, defect 9, the sweep).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import Loan, ServiceRequest, TranslationJob, User, Visit
from tests.helpers import make_user, post_form
from tests.test_assistance import local, request_form
from tests.test_inventory import make_item
from tests.test_visits import visit_form

OUT_OF_RANGE = ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:00"]
#: The range message on a page in each language (format_date "long" of 2000-01-01 and 2099-12-31).
RANGE_MESSAGE = {
    "en": "Enter a date between January 1, 2000 and December 31, 2099.",
    "de": "Geben Sie ein Datum zwischen dem 1. Januar 2000 und dem 31. Dezember 2099 ein.",
    "fr": "Saisissez une date entre le 1 janvier 2000 et le 31 décembre 2099.",
    "ru": "Введите дату с 1 января 2000\u202fг. по 31 декабря 2099\u202fг.",
    "kk": "2000\u202fж. 1 қаңтар және 2099\u202fж. 31 желтоқсан аралығындағы күнді енгізіңіз.",
}
NOT_A_DATETIME = {
    "en": "Not a valid datetime value.",
    "de": "Kein gültiges Datum mit Zeit.",
    "ru": "Неверное значение даты и времени.",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _in(client, locale):
    client.get(f"/?lang={locale}")
    return client


def _submit(app, login_as, form: str, value: str, locale: str):
    """POST one of the four forms with a date-time input set to `value`; (response, rows written)."""
    if form == "assistance":
        client = _in(login_as("observer")[0], locale)
        return post_form(client, "/requests/new", request_form(app, needed_by=value)), ServiceRequest
    if form == "language_help":
        client = _in(login_as("observer")[0], locale)
        data = {
            "source": "ru",
            "target": "en",
            "mode": "interpretation",
            "place": "Akimat",
            "needed_by": local(5, app),
            "starts_at": value,
            "ends_at": local(7, app),
        }
        return post_form(client, "/language-help/new", data), TranslationJob
    client, volunteer = login_as("volunteer")
    _in(client, locale)
    if form == "desk":
        data = visit_form(app, full_name="Ana Pop", organisation="OSCE/ODIHR", arrived_at=value)
        return post_form(client, "/visits/desk", data), Visit
    with app.app_context():
        item_id = make_item(volunteer.centre_id).id
        borrower = make_user("observer", name="Hannah Müller").visitor_profile.id
    data = {"borrower": str(borrower), "due_at": value}
    return post_form(client, f"/inventory/{item_id}/checkout", data, page=f"/inventory/{item_id}"), Loan


FORMS = ["assistance", "language_help", "desk", "inventory"]


@pytest.mark.parametrize("locale", sorted(RANGE_MESSAGE))
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_out_of_range_times_are_refused_in_the_page_language(app, login_as, form, value, locale):
    response, model = _submit(app, login_as, form, value, locale)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert RANGE_MESSAGE[locale] in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert count(model) == 0


@pytest.mark.parametrize("locale", sorted(NOT_A_DATETIME))
@pytest.mark.parametrize("form", FORMS)
def test_a_time_typed_in_local_style_is_refused_in_the_page_language(app, login_as, form, locale):
    """Browsers without a date picker let people type `31.12.2030 10:00`: refused, not guessed."""
    response, model = _submit(app, login_as, form, "31.12.2030 10:00", locale)
    assert response.status_code == 422
    assert NOT_A_DATETIME[locale] in response.get_data(as_text=True)
    with app.app_context():
        assert count(model) == 0


def test_seconds_sent_by_a_browser_are_accepted(app, login_as):
    client, _ = login_as("observer")
    response = post_form(client, "/requests/new", request_form(app, needed_by=local(5, app) + ":00"))
    assert response.status_code == 302
    with app.app_context():
        assert count(ServiceRequest) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=0001-01-01", RANGE_MESSAGE["ru"]),
        ("date_to=9999-12-31", RANGE_MESSAGE["ru"]),
        ("date_from=2024-02-30", "Неверное значение даты."),
        ("date_to=31.12.2024", "Неверное значение даты."),
        ("date_from=%00", None),
    ],
)
def test_visit_log_date_filters_never_fail(app, login_as, query, message):
    client, _ = login_as("coordinator")
    page = client.get(f"/visits/?lang=ru&{query}")
    assert page.status_code in (200, 400)
    if message:  # a bad filter is shown, never silently dropped (the log would claim every visit)
        assert page.status_code == 400
        assert message in page.get_data(as_text=True)
    export = client.get(f"/visits/export.csv?{query}")
    assert export.status_code in (200, 400)
    body = export.get_data(as_text=True)
    assert "EXPORT FAILED" not in body


def test_every_date_and_time_input_uses_the_checked_fields():
    """The sweep, kept: a new plain DateField or DateTimeLocalField in a form fails here."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "observer_portal"
    plain = re.compile(
        r"\b(DateField|DateTimeLocalField|DateTimeField|TimeField|DecimalField|FloatField|IntegerField)\("
    )
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "forms.py" or p.parent != root
        if plain.search(p.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("locale", "shape"),
    [("en", r"\w{3} \d{1,2}, \d{4}, \d{1,2}:\d\d\s?[AP]M"), ("de", r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d\d")],
)
def test_dates_with_times_are_shown_to_the_minute_in_the_readers_locale(app, login_as, locale, shape):
    from tests.assistance_helpers import make_request

    client, user = login_as("observer")
    with app.app_context():
        request_id = make_request(db.session.get(User, user.id)).id
    html = client.get(f"/requests/{request_id}?lang={locale}").get_data(as_text=True)
    needed_by = re.search(
        r"<dd>([^<]*?)(?:<| <strong)", html.split(">" + ("Needed by" if locale == "en" else "Benötigt bis") + "<", 1)[1]
    )
    assert needed_by, html[:200]
    shown = needed_by.group(1).replace("\u202f", " ").replace("\xa0", " ")
    assert re.fullmatch(shape, shown.strip()), shown


def test_dates_with_times_are_written_one_way_everywhere():
    """One style for a date and time (`timezones.moment_text`: the medium date, the short
    time): templates write them with `| when`, Python with `when` or `moment_text`. A
    `datetimeformat`, a Babel `format_datetime` or a hand-made pattern ("d.MM") elsewhere
    would bring back "11/21/22, 7:57 PM" next to "Nov 21, 2022, 7:57 PM" and "31.10"."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in (root / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        offenders += [
            f"{path.name}: {m}" for m in re.findall(r"datetimeformat\([^)]*\)|dateformat\('[^'smlf][^']*'\)", text)
        ]
    for path in (root / "observer_portal").rglob("*.py"):
        if path.name == "timezones.py":
            continue
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\bformat_datetime\(", path.read_text(encoding="utf-8"))]
    assert offenders == []
