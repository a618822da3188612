"""Briefing figures are read in the number format of the person typing (issue 13, defect 9).

A German coordinator's `768.778` used to be stored as 768.78; unreadable input
showed a raw dict ten times, in English. Each case goes through the real edit
route and checks what the database holds afterwards.
"""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import Form

from observer_portal.extensions import db
from observer_portal.forms import LocaleDecimalField
from observer_portal.models import Briefing, BriefingVersion
from observer_portal.numbers import NumberInputError, format_number, parse_number
from tests.briefing_helpers import make_briefing
from tests.helpers import make_centre, post_form

# ---------------------------------------------------------------- the parser

ACCEPTED = [
    ("en", "768,778", "768778"),
    ("en", "768778", "768778"),
    ("en", "1,959.5", "1959.5"),
    ("en", "0.25", "0.25"),
    ("en", "-1,234.5", "-1234.5"),
    ("en", " 42 ", "42"),
    ("de", "768.778", "768778"),
    ("de", "1.959,5", "1959.5"),
    ("de", "768778", "768778"),
    ("de", "1,5", "1.5"),
    ("de", "1.234.567,89", "1234567.89"),
    ("fr", "768\u202f778", "768778"),
    ("fr", "768 778", "768778"),
    ("fr", "768\xa0778", "768778"),
    ("fr", "1 959,5", "1959.5"),
    ("fr", "1.5", "1.5"),
    ("fr", "768778", "768778"),
    ("ru", "768\xa0778", "768778"),
    ("ru", "768 778", "768778"),
    ("ru", "768\u202f778", "768778"),
    ("ru", "1 959,5", "1959.5"),
    ("ru", "41.25", "41.25"),
    ("ru", "\u22125", "-5"),
    ("kk", "768 778", "768778"),
    ("kk", "1 959,5", "1959.5"),
    ("kk", "0,5", "0.5"),
    ("kk", "768778", "768778"),
]

REFUSED = [
    ("en", "abc"),
    ("en", "1,2,3"),
    ("en", "1..2"),
    ("en", "1,5"),
    ("en", "768.778"),
    ("en", "768 778"),
    ("en", "1e5"),
    ("en", "NaN"),
    ("en", "1_000"),
    ("en", "\u0663"),
    ("en", "99,999,999,999,999"),
    ("de", "abc"),
    ("de", "1,2,3"),
    ("de", "1..2"),
    ("de", "1.5"),
    ("de", "768,778"),
    ("de", "1.959.5"),
    ("fr", "768.778"),
    ("fr", "1.234.567"),
    ("fr", "1,234.5"),
    ("fr", "1..2"),
    ("fr", "abc"),
    ("ru", "768.778"),
    ("ru", "12 34"),
    ("ru", "1,2,3"),
    ("ru", "abc"),
    ("kk", "768.778"),
    ("kk", "1..2"),
    ("kk", "abc"),
    ("kk", "1,2,3"),
]

LIMIT = 10**13


@pytest.mark.parametrize(("locale", "text", "expected"), ACCEPTED)
def test_parser_reads_the_locale_format(app, locale, text, expected):
    with app.test_request_context(f"/?lang={locale}"):
        assert parse_number(text, locale, minimum=-LIMIT, maximum=LIMIT) == Decimal(expected)


@pytest.mark.parametrize(("locale", "text"), REFUSED)
def test_parser_refuses_what_it_cannot_read_for_sure(app, locale, text):
    with app.test_request_context(f"/?lang={locale}"):
        with pytest.raises(NumberInputError) as caught:
            parse_number(text, locale, minimum=-LIMIT, maximum=LIMIT)
        message = str(caught.value.message)
    assert message
    assert "{" not in message
    assert "[" not in message


@pytest.mark.parametrize(
    ("locale", "text", "readings"),
    [
        ("de", "1.5", ("15", "1,5")),
        ("en", "1,5", ("15", "1.5")),
        ("ru", "768.778", ("768\xa0778", "768,778")),
        ("fr", "768.778", ("768\u202f778", "768,778")),
    ],
)
def test_ambiguous_input_names_both_readings(app, locale, text, readings):
    with app.test_request_context(f"/?lang={locale}"):
        with pytest.raises(NumberInputError) as caught:
            parse_number(text, locale)
        message = str(caught.value.message)
    assert all(reading in message for reading in readings), message


def test_blank_is_no_number_and_formatting_round_trips():
    assert parse_number("  ", "de") is None
    for locale in ("en", "de", "fr", "ru", "kk"):
        for value in (Decimal("768778.00"), Decimal("1959.50"), Decimal("-0.25"), Decimal(LIMIT)):
            assert parse_number(format_number(value, locale), locale) == value, (locale, value)


class _OneNumber(Form):
    value = LocaleDecimalField("Number", minimum=-LIMIT, maximum=LIMIT)


@pytest.mark.parametrize(
    ("locale", "typed", "data", "shown"),
    [
        ("de", "768.778", Decimal(768778), "768.778"),
        ("en", "768,778", Decimal(768778), "768,778"),
        ("fr", "768 778,5", Decimal("768778.5"), "768\u202f778,5"),
        ("ru", "768778", Decimal(768778), "768\xa0778"),
    ],
)
def test_field_parses_and_shows_in_the_current_locale(app, locale, typed, data, shown):
    with app.test_request_context(f"/?lang={locale}"):
        form = _typed(typed)
        assert form.validate()
        assert form.value.data == data
        assert _OneNumber(data={"value": data}).value._value() == shown
        refused = _typed("1..2")
        assert not refused.validate()
        assert refused.value.data is None
        assert refused.value._value() == "1..2"  # what was typed stays in the box


def _typed(text: str) -> _OneNumber:
    return _OneNumber(MultiDict({"value": text}))


# ---------------------------------------------------------------- through the edit route

THROUGH_ROUTE_OK = [
    ("en", "768,778", "768778"),
    ("en", "768778", "768778"),
    ("en", "1,959.5", "1959.5"),
    ("de", "768.778", "768778"),
    ("de", "1.959,5", "1959.5"),
    ("de", "768778", "768778"),
    ("fr", "768 778", "768778"),
    ("fr", "768\u202f778", "768778"),
    ("fr", "1 959,5", "1959.5"),
    ("ru", "768 778", "768778"),
    ("ru", "768\xa0778", "768778"),
    ("ru", "1959,5", "1959.5"),
    ("kk", "768 778", "768778"),
    ("kk", "1 959,5", "1959.5"),
    ("kk", "768778", "768778"),
]


def _expected_message(app, locale: str, typed: str) -> tuple[str, str]:
    """What the parser says about `typed` on a page in `locale`, and the same words in English."""
    with app.test_request_context(f"/?lang={locale}"):
        with pytest.raises(NumberInputError) as caught:
            parse_number(typed, locale, minimum=-LIMIT, maximum=LIMIT)
        local = str(caught.value.message)
    with app.test_request_context("/?lang=en"):
        return local, str(caught.value.message)


def _coordinator(app, login_as, locale):
    client, _ = login_as("coordinator")
    client.get(f"/?lang={locale}")  # remembered in the session for the form page and the POST
    with app.app_context():
        briefing = make_briefing(make_centre("atyrau"), figures=[("Voters", 642, "people"), ("Stations", 261, "")])
        return client, briefing.id


def _form(**figures) -> dict:
    data = {
        "title": "Atyrau region: overview",
        "slug": "atyrau-overview",
        "topic": "overview",
        "original_locale": "en",
        "body": "## Polling stations\n\nThe region votes at **261 polling stations**.\n",
        "figures-0-label": "Voters",
        "figures-0-value": "642",
        "figures-0-unit": "people",
        "figures-1-label": "Stations",
        "figures-1-value": "261",
        "figures-1-unit": "",
    }
    data.update(figures)
    return data


def _stored(app, briefing_id) -> tuple[int, list[Decimal], int]:
    with app.app_context():
        briefing = db.session.get(Briefing, briefing_id)
        versions = db.session.scalar(select(func.count(BriefingVersion.id)))
        return briefing.version, [f.value for f in briefing.figures], versions


@pytest.mark.parametrize(("locale", "typed", "expected"), THROUGH_ROUTE_OK)
def test_edit_stores_the_number_the_person_meant(app, login_as, locale, typed, expected):
    client, briefing_id = _coordinator(app, login_as, locale)
    response = post_form(client, f"/briefings/{briefing_id}/edit", _form(**{"figures-0-value": typed}))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    version, values, _ = _stored(app, briefing_id)
    assert values == [Decimal(expected), Decimal(261)]
    assert version == 2


def _summary(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary"
    return html_lib.unescape(match.group(0))


@pytest.mark.parametrize(("locale", "typed"), REFUSED)
def test_refused_number_writes_nothing_and_says_why_once_in_the_page_language(app, login_as, locale, typed):
    client, briefing_id = _coordinator(app, login_as, locale)
    before = _stored(app, briefing_id)
    response = post_form(client, f"/briefings/{briefing_id}/edit", _form(**{"figures-0-value": typed}))
    assert response.status_code == 422
    assert _stored(app, briefing_id) == before
    page = html_lib.unescape(response.get_data(as_text=True))
    summary = _summary(page)
    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    assert len(items) == 1, items  # one message, not one per row
    assert "{" not in summary
    assert "[" not in summary
    message = re.sub(r"<[^>]+>", "", items[0]).split(": ", 1)[1].strip()
    local, english = _expected_message(app, locale, typed)
    assert message == local
    if locale != "en":
        assert message != english  # translated, not English
    inline = re.search(r'<p class="field-error" id="figures-0-value-error">(.*?)</p>', page, re.S)
    assert inline
    assert inline.group(1).strip() == message
    assert page.count(message) == 2  # the summary and next to the field, nowhere else
    kept = re.search(r'name="figures-0-value"[^>]*value="([^"]*)"', page)
    assert kept
    assert kept.group(1) == typed  # what was typed stays in the box


def test_label_without_a_readable_number_gets_one_message(app, login_as):
    client, briefing_id = _coordinator(app, login_as, "de")
    response = post_form(client, f"/briefings/{briefing_id}/edit", _form(**{"figures-0-value": "viele"}))
    page = response.get_data(as_text=True)
    assert "Give the number for this label." not in page
    assert len(re.findall(r"<li>", _summary(page))) == 1


def test_new_briefing_in_german_reads_german_grouping(app, login_as):
    client, _ = login_as("coordinator")
    client.get("/?lang=de")
    form = {**_form(**{"figures-0-value": "768.778", "figures-1-value": "1.959,5"}), "slug": "neu"}
    assert post_form(client, "/briefings/new", form).status_code == 302
    with app.app_context():
        briefing = db.session.scalar(select(Briefing).where(Briefing.slug == "neu"))
        assert [f.value for f in briefing.figures] == [Decimal(768778), Decimal("1959.5")]


# ---------------------------------------------------------------- round trip

SHOWN = {
    "en": ("768,778", "1,959.5", "1,234,567.89"),
    "de": ("768.778", "1.959,5", "1.234.567,89"),
    "fr": ("768\u202f778", "1\u202f959,5", "1\u202f234\u202f567,89"),
    "ru": ("768\xa0778", "1\xa0959,5", "1\xa0234\xa0567,89"),
    "kk": ("768\xa0778", "1\xa0959,5", "1\xa0234\xa0567,89"),
}


@pytest.mark.parametrize("locale", sorted(SHOWN))
def test_unchanged_form_round_trips_in_every_locale(app, login_as, locale):
    client, _ = login_as("coordinator")
    client.get(f"/?lang={locale}")
    with app.app_context():
        briefing_id = make_briefing(
            make_centre("atyrau"), figures=[("Voters", 768778, "people"), ("Turnout", "1959.5", "")]
        ).id
    page = html_lib.unescape(client.get(f"/briefings/{briefing_id}/edit").get_data(as_text=True))
    shown = [re.search(rf'name="figures-{i}-value"[^>]*value="([^"]*)"', page).group(1) for i in (0, 1)]
    assert shown == list(SHOWN[locale][:2])
    assert SHOWN[locale][2] in page  # the hint shows the person's own format
    assert "768,778 / 768.778" not in page
    keys = {
        f"figures-{i}-key": re.search(rf'name="figures-{i}-key"[^>]*value="([^"]*)"', page).group(1) for i in (0, 1)
    }
    form = _form(**{"figures-0-value": shown[0], "figures-1-label": "Turnout", "figures-1-value": shown[1]}, **keys)
    form["body"] = "## Polling stations\n\nThe region votes at **261 polling stations**.\n"
    response = post_form(client, f"/briefings/{briefing_id}/edit", form)
    assert response.status_code == 302
    version, values, _ = _stored(app, briefing_id)
    assert (version, values) == (1, [Decimal(768778), Decimal("1959.5")])  # "Nothing had changed."
