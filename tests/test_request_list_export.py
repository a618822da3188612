"""The request queue as CSV and as an Excel workbook: the rows the queue's pages show for the
same filters and in their order, worded in the reader's language with no internal id, text
that can never run as a formula, typed times in the workbook, for coordinators and
administrators only, and every download in the audit trail."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import (
    AuditEvent,
    OrganisationKind,
    Priority,
    RequestKind,
    RequestStatus,
    Role,
    ServiceRequest,
    User,
)
from observer_portal.models.base import utcnow
from observer_portal.services.assistance import RequestInput, create_request
from observer_portal.services.organisations import find_or_create_organisation
from tests.helpers import QueryCounter, make_user, sign_in_directly

ROW_LINK = re.compile(r'<th scope="row"><a href="/requests/(\d+)">')


def _file(observer, kind, details, hours, priority=Priority.NORMAL) -> int:
    filed = create_request(
        db.session,
        observer,
        RequestInput(kind=kind, details=details, needed_by=utcnow() + timedelta(hours=hours), priority=priority),
    )
    db.session.commit()
    return filed.id


@pytest.fixture
def scene(app) -> dict:
    """At Atyrau: an urgent internet request, a normal one for a printer whose details look like
    a formula, one done; at Aktau, one more (not a coordinator of Atyrau's)."""
    with app.app_context():
        observer = make_user(Role.OBSERVER, name="Anna Observer")
        observer.visitor_profile.organisation = find_or_create_organisation(
            db.session, "OSCE/ODIHR EOM", OrganisationKind.OBSERVER_MISSION
        )
        db.session.commit()
        urgent = _file(observer, RequestKind.INTERNET, "Wi-Fi at the hotel", 2, Priority.URGENT)
        formula = _file(observer, RequestKind.EQUIPMENT, '=HYPERLINK("http://evil.example","x")', 5)
        done = _file(observer, RequestKind.EQUIPMENT, "A printer", 1)
        finished = db.session.get(ServiceRequest, done)
        finished.status, finished.completed_at = RequestStatus.DONE, utcnow()
        elsewhere = _file(make_user(Role.OBSERVER, centre="aktau"), RequestKind.OTHER, "A map", 3)
        db.session.commit()
        coordinator, volunteer, admin = (make_user(role) for role in (Role.COORDINATOR, Role.VOLUNTEER, Role.ADMIN))
        return {
            "ids": {"urgent": urgent, "formula": formula, "done": done, "elsewhere": elsewhere},
            "coordinator": coordinator.id,
            "volunteer": volunteer.id,
            "admin": admin.id,
        }


def _client(app, user_id: int):
    client = app.test_client()
    with app.app_context():
        sign_in_directly(client, db.session.get(User, user_id))
    return client


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _page_numbers(client, query: str) -> list[str]:
    html = client.get(f"/requests/queue?{query}").get_data(as_text=True)
    return [f"#{number}" for number in ROW_LINK.findall(html)]


def test_the_csv_lists_what_the_queue_shows_in_the_readers_words(app, scene):
    client = _client(app, scene["coordinator"])
    ids = scene["ids"]
    rows = _csv(client.get("/requests/queue.csv?lang=de"))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["Anfrage", "Eingereicht am", "Benötigt bis", "Art", "Status", "Dringlichkeit", "Besucher"]
    assert [row[0] for row in body] == _page_numbers(client, "lang=de") == [f"#{ids['urgent']}", f"#{ids['formula']}"]
    urgent = dict(zip(header, body[0], strict=True))
    assert urgent["Art"] == "Internetzugang"
    assert urgent["Dringlichkeit"] == "Dringend"
    assert urgent["Besucher"] == "Anna Observer"
    assert urgent["Mission oder Medienhaus"] == "OSCE/ODIHR EOM"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d", urgent["Benötigt bis"])  # German, to the minute
    assert body[0][-4:-2] == ["internet", "new"]  # the stable codes
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body[0][-1])
    formula = dict(zip(header, body[1], strict=True))
    assert formula["Einzelheiten"].startswith("'=HYPERLINK")  # neutralised: never a formula


def test_filters_choose_the_same_rows_as_the_page(app, scene):
    client = _client(app, scene["coordinator"])
    ids = scene["ids"]
    for query, expected in (
        ("status=every", ["urgent", "done", "formula"]),  # urgency order: the urgent one, then by deadline
        ("status=done", ["done"]),
        ("kind=equipment", ["formula"]),
        ("status=every&kind=equipment", ["done", "formula"]),
    ):
        numbers = [row[0] for row in _csv(client.get(f"/requests/queue.csv?{query}"))[1:]]
        assert numbers == _page_numbers(client, query) == [f"#{ids[name]}" for name in expected], query


def test_the_workbook_has_typed_cells(app, scene):
    client = _client(app, scene["coordinator"])
    response = client.get("/requests/queue.xlsx?status=every")
    data = response.data
    response.close()  # as the WSGI server does: the temporary file goes with it
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert re.search(
        r'filename="?requests-atyrau-exported-\d{4}-\d\d-\d\d-\d{4}\.xlsx', response.headers["Content-Disposition"]
    )
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.title == "Requests"
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Request", "Filed", "Needed by"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 3
    filed = rows[0][1]
    assert isinstance(filed.value, datetime)
    assert filed.number_format == "yyyy-mm-dd hh:mm"
    details = [row[header.index("Details")] for row in rows]
    assert all(cell.data_type == "s" for cell in details)
    assert '=HYPERLINK("http://evil.example","x")' in [cell.value for cell in details]  # as typed, as text
    done = [row for row in rows if row[header.index("Status")].value == "Done"][0]
    assert isinstance(done[header.index("Done at")].value, datetime)


def test_only_coordinators_and_administrators_download(app, scene):
    volunteer = _client(app, scene["volunteer"])
    assert volunteer.get("/requests/queue.csv").status_code == 403
    assert volunteer.get("/requests/queue.xlsx").status_code == 403
    assert "queue.csv" not in volunteer.get("/requests/queue").get_data(as_text=True)
    coordinator = _client(app, scene["coordinator"])
    assert "/requests/queue.csv?status=every" in coordinator.get("/requests/queue?status=every").get_data(as_text=True)

    admin = _client(app, scene["admin"])
    response = admin.get("/requests/queue.csv?status=every")
    assert "requests-all-centres-exported-" in response.headers["Content-Disposition"]
    numbers = {row[0] for row in _csv(response)[1:]}
    assert f"#{scene['ids']['elsewhere']}" in numbers  # every centre's


def test_a_refused_filter_exports_nothing_and_every_download_is_recorded(app, scene):
    client = _client(app, scene["coordinator"])
    assert client.get("/requests/queue.csv?status=nonsense").status_code == 400
    assert client.get("/requests/queue.xlsx?kind=nonsense").status_code == 400
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "requests.exported")).all() == []
    client.get("/requests/queue.csv?status=every&kind=internet&made_up=" + "x" * 5000)
    client.get("/requests/queue.xlsx").close()
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "requests.exported")).all()
        assert [event.details["filters"] for event in events] == [{"status": "every", "kind": "internet"}, {}]


def test_the_file_costs_as_many_statements_for_30_requests_as_for_3(app, scene):
    client = _client(app, scene["coordinator"])

    def statements() -> int:
        with app.app_context(), QueryCounter(db.engine) as counter:
            assert len(_csv(client.get("/requests/queue.csv?status=every"))) > 1
        return counter.count

    few = statements()
    with app.app_context():
        observer = db.session.scalar(select(User).where(User.display_name == "Anna Observer"))
        for n in range(27):
            _file(observer, RequestKind.OTHER, f"Help {n}", 3 + n)
    assert statements() == few
