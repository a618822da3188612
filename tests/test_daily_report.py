"""The daily centre report against figures worked out by hand (the scene of
test_equal_treatment, plus volunteers going on and off duty), on SQLite and PostgreSQL: a day,
the seven days up to it, the whole election; the notes; the files and the command line in
Kazakh and Russian; and the e-mail to subscribers, sent once, after the centre closes."""

from __future__ import annotations

import email
import re
from datetime import UTC, date, datetime, timedelta
from email import policy
from io import BytesIO

import pytest
from openpyxl import load_workbook

from observer_portal.extensions import db
from observer_portal.models import (
    AuditEvent,
    Proficiency,
    ReportDelivery,
    RequestKind,
    User,
    VisitorKind,
)
from observer_portal.models import (
    ReportSubscription as ReportSubscriptionRow,
)
from observer_portal.services.reports import daily, daily_admin
from observer_portal.services.reports.scope import Scope
from observer_portal.services.reports.sending import send_due
from observer_portal.services.reports.sql import Spread
from tests.helpers import make_user, sign_in_directly
from tests.test_equal_treatment import build_scene

DAY = date(2022, 11, 18)
M = 60
PERSONAL = ("Anna Observer", "Boris Observer", "Carla Journalist", "ACC-", "Jane Roe", "Volunteer ")


def _duty(user: User, action: str, at: datetime) -> None:
    db.session.add(AuditEvent(action=action, object_type="User", object_id=user.id, created_at=at))


def build_day() -> dict:
    scene = build_scene()
    on, off = "volunteer.on_duty", "volunteer.off_duty"
    fluent = Proficiency.FLUENT
    since_before = make_user("volunteer", languages={"en": fluent, "de": fluent})
    for_a_while = make_user("volunteer", languages={"en": fluent})
    the_day_before = make_user("volunteer", languages={"fr": fluent})
    elsewhere = make_user("volunteer", centre="aktau", languages={"kk": fluent})
    _duty(since_before, on, datetime(2022, 11, 17, 10, tzinfo=UTC))
    _duty(for_a_while, on, datetime(2022, 11, 18, 6, tzinfo=UTC))
    _duty(for_a_while, off, datetime(2022, 11, 18, 8, tzinfo=UTC))
    _duty(the_day_before, on, datetime(2022, 11, 16, 6, tzinfo=UTC))
    _duty(the_day_before, off, datetime(2022, 11, 17, 6, tzinfo=UTC))
    _duty(elsewhere, on, datetime(2022, 11, 18, 6, tzinfo=UTC))
    db.session.commit()
    return {name: value.id for name, value in scene.items()}


@pytest.fixture
def day_scene(app_ctx) -> dict:
    return build_day()


def test_a_day_matches_the_hand_count(day_scene):
    report = daily.build(db.session, Scope(day_scene["election"], DAY, DAY, centre_id=day_scene["centre"]))
    assert (report.visits, report.by_visitor_kind) == (6, {VisitorKind.OBSERVER: 5, VisitorKind.MEDIA: 1})
    assert report.requests == {
        RequestKind.EQUIPMENT: 3,
        RequestKind.INTERNET: 2,
        RequestKind.TRANSLATION: 2,
        RequestKind.INTERPRETATION: 1,
        RequestKind.OTHER: 2,
    }
    assert (report.done, report.not_done) == (6, 3)  # the unroutable, the assigned and the new one
    assert report.first_response == Spread(7, 30 * M, 102 * M)
    assert (report.loans_out, report.loans_back) == (3, 3)
    assert (report.unroutable, report.unroutable_reasons) == (1, {"nobody_speaks": 1})
    assert (report.volunteers_on_duty, report.languages_on_duty) == (2, {"en": 2, "de": 1})
    assert report.busiest_hour == (10, 3)  # 10:00 in Atyrau: three arrivals
    assert report.days == []


def test_the_week_and_the_whole_election(day_scene):
    week = daily.build(db.session, Scope(day_scene["election"], date(2022, 11, 12), DAY, centre_id=day_scene["centre"]))
    assert [
        (line.day, line.visits, line.requests, line.done) for line in week.days if line.visits or line.requests
    ] == [(DAY, 6, 10, 6)]
    assert len(week.days) == 7
    assert week.busiest_hour is None
    whole = daily.build(
        db.session, Scope(day_scene["election"], date(2022, 11, 14), date(2022, 11, 21), centre_id=day_scene["centre"])
    )
    lines = {line.day: (line.visits, line.requests, line.done) for line in whole.days}
    assert lines[DAY] == (6, 10, 6)
    assert lines[date(2022, 11, 19)] == (1, 1, 1)  # filed at 00:30 and done at 00:32 on the 19th in Atyrau
    assert (whole.visits, whole.done) == (7, 7)
    every = daily.build(db.session, Scope(day_scene["election"], DAY, DAY))
    assert (every.visits, every.volunteers_on_duty) == (7, 3)  # the other centre's visit and volunteer too


def test_spans():
    assert daily.span("day", DAY, date(2022, 11, 1), date(2022, 11, 21)) == (DAY, DAY)
    assert daily.span("week", DAY, date(2022, 11, 1), date(2022, 11, 21)) == (date(2022, 11, 12), DAY)
    assert daily.span("election", DAY, date(2022, 11, 1), date(2022, 11, 21)) == (date(2022, 11, 1), date(2022, 11, 21))


@pytest.fixture
def coordinator(app):
    with app.app_context():
        ids = build_day()
        client = app.test_client()
        user = make_user("coordinator")
        sign_in_directly(client, user)
        ids["coordinator"] = user.id
    return client, ids


def test_the_page_the_notes_and_the_files(coordinator):
    client, ids = coordinator
    page = client.get("/reports/daily?day=2022-11-18")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r"10:00\sAM–11:00\sAM: 3", html)  # CLDR puts a narrow no-break space before AM
    assert "English (2), German (1)" in html
    assert not [word for word in PERSONAL if word in html.split("<main", 1)[1]]
    token = html.split('name="note-csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    saved = client.post(
        "/reports/daily/notes",
        data={
            "note-csrf_token": token,
            "note-centre": ids["centre"],
            "note-day": "2022-11-18",
            "note-text": "Жаңа принтер келді.",
            "note-language": "kk",
        },
    )
    assert saved.status_code == 302
    html = client.get("/reports/daily?day=2022-11-18&lang=ru").get_data(as_text=True)
    assert '<p class="user-text" lang="kk">Жаңа принтер келді.</p>' in html
    assert "Английский (2), Немецкий (1)" in html or "английский (2), немецкий (1)" in html
    book = load_workbook(BytesIO(client.get("/reports/daily.xlsx?day=2022-11-18&period=week&lang=en").data))
    figures = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows() if row[0].value}
    assert figures["Visits"] == 6
    assert figures["First response: median wait"] == timedelta(minutes=30)
    assert [row[0].value for row in book["Day by day"].iter_rows(min_row=2)][-1] == datetime(2022, 11, 18)
    refused = client.post(
        "/reports/daily/notes", data={"note-csrf_token": token, "note-centre": "x", "note-day": "2022-11-18"}
    )
    assert refused.status_code == 400


def test_another_centres_notes_are_refused(coordinator, app):
    client, ids = coordinator
    with app.app_context():
        other = make_user("coordinator", centre="aktau")
        other_client = app.test_client()
        sign_in_directly(other_client, other)
    html = other_client.get("/reports/daily?day=2022-11-18").get_data(as_text=True)
    token = html.split('name="note-csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = other_client.post(
        "/reports/daily/notes",
        data={
            "note-csrf_token": token,
            "note-centre": ids["centre"],
            "note-day": "2022-11-18",
            "note-text": "x",
            "note-language": "en",
        },
    )
    assert response.status_code == 403


def test_the_command_line_in_kazakh(app, tmp_path):
    with app.app_context():
        build_day()
    runner = app.test_cli_runner()
    out = tmp_path / "day.html"
    result = runner.invoke(
        args=["reports", "daily", "--centre", "atyrau", "--date", "2022-11-18", "--locale", "kk", "-o", out]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert '<html lang="kk">' in html
    assert "ағылшын тілі (2)" in html.lower()
    assert not [word for word in PERSONAL if word in html]
    pdf = tmp_path / "week.pdf"
    result = runner.invoke(
        args=[
            "reports",
            "daily",
            "--centre",
            "atyrau",
            "--date",
            "2022-11-18",
            "--period",
            "week",
            "--locale",
            "ru",
            "--format",
            "pdf",
            "-o",
            pdf,
        ]
    )
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Ежедневный отчёт центра" in " ".join(text.split())


def test_the_report_is_emailed_once_after_the_centre_closes(make_app, smtp_server):
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, DAILY_REPORT_HOUR=21)
    with mail_app.app_context():
        ids = build_day()
        coordinator = make_user("coordinator")
        from observer_portal.models import Centre

        centre = db.session.get(Centre, ids["centre"])
        daily_admin.subscribe(db.session, coordinator, centre.id, "commission@example.org", "kk")
        daily_admin.subscribe(db.session, coordinator, centre.id, "press@example.org", "fr")
        db.session.commit()
        before = datetime(2022, 11, 18, 15, 59, tzinfo=UTC)  # 20:59 in Atyrau
        assert send_due(db.session, before, 21) == 0
        closed = datetime(2022, 11, 18, 16, 0, tzinfo=UTC)  # 21:00 in Atyrau
        assert send_due(db.session, closed, 21) == 2
        assert send_due(db.session, closed + timedelta(minutes=15), 21) == 0  # once
        assert db.session.get(ReportDelivery, (centre.id, DAY)).recipients == 2
    mails = {
        m["To"]: m for m in (email.message_from_bytes(e.content, policy=policy.default) for e in smtp_server.messages)
    }
    assert set(mails) == {"commission@example.org", "press@example.org"}
    kazakh = mails["commission@example.org"]
    assert "Күнделікті есеп" in kazakh["Subject"]
    text = kazakh.get_body(preferencelist=("plain",)).get_content()
    html = kazakh.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="kk">' in html
    assert "ағылшын тілі (2)" in text.lower()
    for body in (text, html):
        assert not [word for word in PERSONAL if word in body]
    assert "Rapport quotidien" in mails["press@example.org"]["Subject"]


def test_without_a_mail_server_nothing_is_sent_or_marked(day_scene):
    coordinator = make_user("coordinator")
    daily_admin.subscribe(db.session, coordinator, day_scene["centre"], "commission@example.org", "en")
    db.session.commit()
    assert send_due(db.session, datetime(2022, 11, 18, 16, 0, tzinfo=UTC), 21) == 0
    assert db.session.get(ReportDelivery, (day_scene["centre"], DAY)) is None


def test_a_failed_send_is_tried_again(make_app, smtp_server):
    from tests.helpers import free_port

    dead_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=1)
    with dead_app.app_context():
        ids = build_day()
        coordinator = make_user("coordinator")
        daily_admin.subscribe(db.session, coordinator, ids["centre"], "commission@example.org", "en")
        db.session.commit()
        closed = datetime(2022, 11, 18, 16, 0, tzinfo=UTC)
        assert send_due(db.session, closed, 21) == 0
        assert db.session.get(ReportDelivery, (ids["centre"], DAY)) is None  # to be tried again


def test_addresses_are_added_refused_twice_and_removed(login_as, app):
    from observer_portal.models import ReportSubscription

    client, _ = login_as("coordinator")
    page = client.get("/reports/daily/subscriptions").get_data(as_text=True)
    assert "Nobody receives it yet." in page
    fields = dict(re.findall(r'<input name="([\w-]+)" type="hidden" value="([^"]*)"', page))
    added = client.post("/reports/daily/subscriptions", data={**fields, "email": "Press@Example.org", "locale": "ru"})
    assert added.status_code == 302
    page = client.get("/reports/daily/subscriptions").get_data(as_text=True)
    assert "Press@example.org" in page and "Русский" in page  # noqa: PT018 - the row shows both
    fields = dict(
        re.findall(r'<input name="([\w-]+)" type="hidden" value="([^"]*)"', page.split('id="add-heading"')[1])
    )
    again = client.post("/reports/daily/subscriptions", data={**fields, "email": "press@example.org", "locale": "en"})
    assert again.status_code == 422
    assert "This address already receives the daily report." in again.get_data(as_text=True)
    bad = client.post("/reports/daily/subscriptions", data={**fields, "email": "not an address", "locale": "xx"})
    assert bad.status_code == 422
    with app.app_context():
        subscription_id = db.session.query(ReportSubscription.id).scalar()
    remove_fields = dict(
        re.findall(r'<input name="([\w-]+)" type="hidden" value="([^"]*)"', page.split('id="receivers-heading"')[1])
    )
    removed = client.post(f"/reports/daily/subscriptions/{subscription_id}/remove", data=remove_fields)
    assert removed.status_code == 302
    assert "Nobody receives it yet." in client.get("/reports/daily/subscriptions").get_data(as_text=True)


def test_notes_and_addresses_refused_with_a_reason(coordinator, app):
    """A day to come, text that reads otherwise than it is stored, a full list: each refused
    with its reason shown; an address typed with a space around it is taken."""
    from observer_portal.services.reports.daily_admin import MAX_SUBSCRIPTIONS

    client, ids = coordinator
    html = client.get("/reports/daily?day=2022-11-18").get_data(as_text=True)
    fields = dict(re.findall(r'<input name="([\w-]+)" type="hidden" value="([^"]*)"', html))
    note = {**fields, "note-centre": ids["centre"], "note-language": "en"}
    future = client.post("/reports/daily/notes", data={**note, "note-day": "2099-12-31", "note-text": "x"})
    assert future.status_code == 422
    assert "Notes can be written for today or an earlier day." in future.get_data(as_text=True)
    spoofed = client.post(
        "/reports/daily/notes", data={**note, "note-day": "2022-11-18", "note-text": "safe \u202egnp.exe"}
    )
    assert spoofed.status_code == 422
    assert "Remove the invisible control characters" in spoofed.get_data(as_text=True)
    with app.app_context():
        for n in range(MAX_SUBSCRIPTIONS - 1):
            db.session.add(ReportSubscriptionRow(centre_id=ids["centre"], email=f"list{n}@example.org", locale="en"))
        db.session.commit()
    page = client.get("/reports/daily/subscriptions").get_data(as_text=True)
    fields = dict(
        re.findall(r'<input name="([\w-]+)" type="hidden" value="([^"]*)"', page.split('id="add-heading"')[1])
    )
    spaced = client.post("/reports/daily/subscriptions", data={**fields, "email": " last@example.org ", "locale": "kk"})
    assert spaced.status_code == 302
    page = client.get("/reports/daily/subscriptions").get_data(as_text=True)
    fields = dict(
        re.findall(r'<input name="([\w-]+)" type="hidden" value="([^"]*)"', page.split('id="add-heading"')[1])
    )
    full = client.post("/reports/daily/subscriptions", data={**fields, "email": "one-more@example.org", "locale": "kk"})
    assert full.status_code == 422
    body = full.get_data(as_text=True)
    assert "at most 50 addresses" in body
    assert 'value="one-more@example.org"' in body  # what was typed is kept
