"""The visit-log CSV: the same rows as the pages for every filter, safe in every spreadsheet
locale, and never a complete-looking file when the stream fails half-way (issue 13)."""

from __future__ import annotations

import csv
import io
import itertools
import re
import threading
import unicodedata
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from observer_portal.extensions import db
from observer_portal.models import Organisation, OrganisationKind, Visit, VisitorProfile, VisitPurpose, VisitPurposeRow
from observer_portal.services import visit_log
from observer_portal.services.csv_safety import safe_cell
from tests.helpers import make_centre, make_user

FAILED = "EXPORT FAILED: this file is incomplete. Please download it again."


class _LogRows(HTMLParser):
    """The rows of the visit-log table: [visit id, arrived, visitor, organisation, purposes, registered by]."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        visit = dict(attrs).get("data-visit")
        if tag == "tr" and visit:
            self.rows.append([visit])
        elif tag in ("td", "th") and self.rows and len(self.rows[-1]) < 6 and self._cell is None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_rows(client, query: str) -> list[list[str]]:
    """Every row the log shows for `query`, following the "Older visits" links to the end."""
    rows, url = [], "/visits/?" + query
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        parser = _LogRows()
        parser.feed(html)
        rows += parser.rows
        nxt = re.search(r'href="([^"]+)" rel="next"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    return rows


def csv_body(client, query: str) -> str:
    response = client.get("/visits/export.csv?" + query)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return body[1:]


def csv_rows(client, query: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(csv_body(client, query))))
    assert rows[-1] != [FAILED]
    return rows[1:]


def assert_same_rows(app, page: list[list[str]], exported: list[list[str]], query: str) -> None:
    """Row by row, the same visit: arrival (as the page words it), name, organisation, purposes."""
    assert len(page) == len(exported), query
    for shown, row in zip(page, exported, strict=True):
        assert shown[1] == row[0], query
        assert safe_cell(shown[2]) == row[3], query
        assert safe_cell(shown[3]) == row[5], query
        assert sorted(filter(None, shown[4].split(", "))) == sorted(filter(None, row[6].split(", "))), query


def _seed_varied(app) -> dict[str, str]:
    """60 visits whose date, organisation, kind, purposes, desk volunteer and text vary
    independently (coprime cycles), with ties on the arrival time and visits close to local
    midnight; plus visits of another centre, which a coordinator never sees."""
    combos = [
        ["briefing"],
        ["internet", "translation"],
        ["equipment"],
        ["other"],
        ["briefing", "internet"],
        ["translation"],
        ["briefing", "equipment", "other"],
    ]
    with app.app_context():
        centre = make_centre("atyrau", timezone="Asia/Atyrau")
        other = make_centre("karaganda")
        desk = [make_user("volunteer", name=f"Desk {n}") for n in "ABC"]
        orgs = [Organisation(name=n, kind=OrganisationKind.OTHER) for n in ("OSCE/ODIHR", "AFP", "CIS Mission")]
        people = [
            VisitorProfile(kind=kind, full_name=name, organisation=orgs[i % 3], accreditation_number=f"ACC-{i}")
            for i, (kind, name) in enumerate(
                [
                    ("observer", "Marta Kowalska"),
                    ("media", "Jean Dupont"),
                    ("observer", "Anna Kowalski"),
                    ("media", "Olga Ivanova"),
                    ("observer", "Aigerim Nurlanovna"),
                    ("media", "Tom O'Neill"),
                ]
            )
        ]
        db.session.add_all(orgs + people)
        db.session.flush()
        start = datetime(2022, 11, 10, 18, 30, tzinfo=UTC)  # 23:30 in Atyrau
        arrived = start
        for i in range(60):
            if i % 5 != 4:  # every fifth visit arrives at the same moment as the one before
                arrived = start + timedelta(hours=7 * i)
            visitor = people[i % 6]
            db.session.add(
                Visit(
                    centre_id=centre.id,
                    visitor_id=visitor.id,
                    visitor_kind=visitor.kind,
                    arrived_at=arrived,
                    organisation_id=orgs[i % 4].id if i % 4 < 3 else None,
                    registered_by_id=desk[i % 4].id if i % 4 < 3 else None,
                    notes="asked about Kowalska's badge" if i % 9 == 0 else f"visit {i}",
                    purposes=[VisitPurposeRow(purpose=VisitPurpose(p)) for p in combos[i % 7]],
                )
            )
        for i in range(5):
            db.session.add(
                Visit(
                    centre_id=other.id,
                    visitor_id=people[0].id,
                    visitor_kind="observer",
                    arrived_at=start + timedelta(days=i),
                    organisation_id=orgs[0].id,
                    purposes=[VisitPurposeRow(purpose=VisitPurpose.BRIEFING)],
                )
            )
        db.session.commit()
        return {
            "date_from": "2022-11-13",
            "date_to": "2022-11-22",
            "organisation": str(orgs[0].id),
            "kind": "observer",
            "purpose": "briefing",
            "volunteer": str(desk[0].id),
            "text": "kowal",
        }


def test_export_has_the_pages_rows_for_every_pair_of_filters(app, login_as):
    """No filter, each alone, every pair, every set but one, and all seven: 37 of the 128
    combinations, which contain every interaction of two filters and every way of leaving
    one out (the export and the page share one filtered query; defect 8 needed one filter)."""
    client, _ = login_as("coordinator")
    filters = _seed_varied(app)
    app.config["PAGE_SIZE"] = 10
    try:
        counts = {}
        for n in (0, 1, 2, len(filters) - 1, len(filters)):
            for names in itertools.combinations(filters, n):
                query = urlencode({name: filters[name] for name in names})
                page, exported = page_rows(client, query), csv_rows(client, query)
                assert_same_rows(app, page, exported, query)
                counts[names] = len(page)
    finally:
        app.config["PAGE_SIZE"] = 25
    assert len(counts) == 1 + 7 + 21 + 7 + 1
    assert counts[()] == 60  # the other centre's visits stay out
    assert all(counts[(name,)] for name in filters)  # every filter alone matches something
    assert all(counts[pair] for pair in itertools.combinations(filters, 2) if "text" not in pair)  # pairs too
    assert sum(1 for c in counts.values() if c) > len(counts) // 2  # and most sets: the test is not vacuous
    assert counts[("text",)] == len({i for i in range(60) if i % 6 in (0, 2) or i % 9 == 0})


def test_text_filter_exports_every_matching_demo_visit(app, login_as):
    """Defect 8: with a text filter the export stopped after the header row."""
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    client, _ = login_as("coordinator")
    page = page_rows(client, "text=Kowalska")
    assert page
    exported = csv_rows(client, "text=Kowalska")
    assert_same_rows(app, page, exported, "text=Kowalska")


HOSTILE = [
    "<script>alert(1)</script>",
    "<b onmouseover=alert(1)>x</b>",
    "{{ 7*7 }} {% if 1 %}x{% endif %}",
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example";"click")',
    "safe;=1+1;x",
    "safe,=1+1",
    "safe\t=1+1",
    "safe|=1+1",
    "safe\n=1+1",
    "safe\r\n+1",
    "safe; @A1",
    "trailing;",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "x;＝1",
    "\u202e=1+1",
    "\u200b=1+1",
    "\ufeff@x",
    " =1+1",
    '"=1+1"',
    'x;"=1+1"',
    'x;""=1',
    'x;"a;=1"',
    "'=already text",
    "\u202egnp.exe",
    "-",
]
LONG = ("Kowalska; =1+1\t@x " * 600)[:9_990] + ";=2+2;-3"


def looks_like_formula(cell: str) -> bool:
    """What a spreadsheet might run: = + - @ (or a full-width or small form of one) after
    any spaces, tabs, line breaks, quotes and invisible format characters."""
    for char in cell:
        if char.isspace() or char == '"' or unicodedata.category(char) == "Cf":
            continue
        return unicodedata.normalize("NFKC", char)[:1] in "=+-@"
    return False


def _seed_hostile(app) -> dict[int, tuple[str, str, str, str]]:
    with app.app_context():
        centre = make_centre("atyrau", timezone="Asia/Atyrau")
        start = datetime(2022, 11, 14, 5, 0, tzinfo=UTC)
        expected = {}
        for i, value in enumerate([*HOSTILE, LONG]):
            org = Organisation(name=value[:190] + f"#{i}", kind=OrganisationKind.OTHER)
            person = VisitorProfile(
                kind="media", full_name=value[:120], organisation=org, accreditation_number=value[:60] + f"#{i}"
            )
            db.session.add_all([org, person])
            db.session.flush()
            visit = Visit(
                centre_id=centre.id,
                visitor_id=person.id,
                organisation_id=org.id,
                visitor_kind="media",
                arrived_at=start + timedelta(minutes=i),
                notes=value,
                purposes=[VisitPurposeRow(purpose=VisitPurpose.OTHER)],
            )
            db.session.add(visit)
            db.session.flush()
            expected[visit.id] = (person.full_name, person.accreditation_number, org.name, value)
        db.session.commit()
        return expected


def test_hostile_text_survives_and_no_spreadsheet_locale_sees_a_formula(app, login_as):
    client, _ = login_as("coordinator")
    expected = _seed_hostile(app)
    body = csv_body(client, "")
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert len(rows) == len(expected)
    by_notes = {safe_cell(typed[3]): typed for typed in expected.values()}
    for row in rows:
        assert len(row) == 14
        typed = by_notes[row[7]]
        cells = (row[3], row[4], row[5], row[7])  # name, accreditation, organisation, notes
        for cell, value in zip(cells, typed, strict=True):
            assert cell == safe_cell(value)
            assert cell.replace("'", "") == value.replace("'", "")  # nothing lost, only ' added
        for cell in row:
            assert cell[:1] not in ("\t", "\r")  # OWASP: no cell of ours starts with tab or CR
            for fragment in re.split(r"[,;\t|\r\n]", cell):
                assert not looks_like_formula(fragment), (row[3][:40], cell[:80])
    assert max(len(row[7]) for row in rows) >= 10_000
    assert "{{ 7*7 }}" in body  # written as text, not rendered
    assert "<script>alert(1)</script>" in body
    # A spreadsheet that splits on ';' (de, fr, ru), on tab, or on '|', whatever it makes of the quotes:
    for delimiter in (";", "\t", "|"):
        for line in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter):
            for cell in line:
                assert not looks_like_formula(cell), (delimiter, cell[:80])
    for line in re.split(r"\r\n|\r|\n", body):  # and the crudest reader: split every line on everything
        for fragment in re.split(r"[,;\t|]", line):
            assert not looks_like_formula(fragment), fragment[:80]


def test_text_filter_finds_hostile_text_literally(app, login_as):
    client, _ = login_as("coordinator")
    _seed_hostile(app)
    assert len(page_rows(client, urlencode({"text": "safe;=1+1"}))) == 1
    exported = csv_rows(client, urlencode({"text": "safe;=1+1"}))
    assert [row[7] for row in exported] == ["safe;'=1+1;x"]
    assert len(csv_rows(client, urlencode({"text": "%"}))) == 1  # LIKE wildcards match literally: {% if 1 %}


def _failing_after_one_batch(monkeypatch):
    """Rows come in batches of 2; the second batch dies like a lost database connection."""
    real = visit_log._export_batch
    calls = []

    def batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("connection to the database lost")
        return real(*args)

    monkeypatch.setattr(visit_log, "CSV_BATCH", 2)
    monkeypatch.setattr(visit_log, "_export_batch", batch)


def test_a_stream_that_fails_half_way_is_logged_marked_and_raised(app, login_as, monkeypatch, caplog):
    client, _ = login_as("coordinator")
    _seed_varied(app)
    _failing_after_one_batch(monkeypatch)
    response = client.get("/visits/export.csv")
    assert response.status_code == 200  # the headers left before the failure
    assert "Content-Length" not in response.headers
    received = []

    def read_all():
        for chunk in response.response:
            received.append(chunk.decode() if isinstance(chunk, bytes) else chunk)

    with pytest.raises(RuntimeError, match="database lost"):  # raised on: the server drops the connection
        read_all()
    rows = list(csv.reader(io.StringIO("".join(received).lstrip("\ufeff"))))
    assert len(rows) == 1 + 2 + 1  # header, the first batch, the marker
    assert rows[-1] == [FAILED]
    logged = [r for r in caplog.records if r.name == "observer_portal.streaming"]
    assert [r.levelname for r in logged] == ["ERROR"]
    assert re.search(r"visits-[a-z-]+-all-dates-exported-[0-9-]+\.csv", logged[0].getMessage())
    assert "database lost" in str(logged[0].exc_info[1])


def test_a_client_that_goes_away_is_no_failure_and_leaves_no_cursor_open(app, login_as, monkeypatch, caplog):
    """On PostgreSQL the rows come from a server-side cursor: closing the download early
    must close it (an open one fails this test as an unraisable ResourceWarning)."""
    client, _ = login_as("coordinator")
    _seed_varied(app)
    monkeypatch.setattr(visit_log, "CSV_BATCH", 2)
    response = client.get("/visits/export.csv")
    chunks = iter(response.response)
    next(chunks), next(chunks)  # the header and the first batch
    response.close()
    assert not [r for r in caplog.records if r.name == "observer_portal.streaming"]


@pytest.mark.commits  # a server thread reads what the test wrote
def test_a_browser_sees_a_failed_download_not_a_short_file(app, login_as, monkeypatch):
    """Over real HTTP/1.1 the response is chunked and the failure drops the connection
    before the last chunk: the client gets an error, as a browser's download does."""
    requests = pytest.importorskip("requests")
    from werkzeug.serving import make_server

    client, _ = login_as("coordinator")
    _seed_varied(app)
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/visits/export.csv"
        headers = {
            "Cookie": f"{cookie.key}={cookie.value}",
            "User-Agent": client.environ_base.get("HTTP_USER_AGENT", "Werkzeug"),
        }
        complete = requests.get(url, headers=headers, timeout=10)
        assert complete.status_code == 200, complete.text[:300]
        assert complete.text.count("\n") == 61  # header and 60 visits
        _failing_after_one_batch(monkeypatch)
        with requests.get(url, headers=headers, timeout=10, stream=True) as response:
            assert response.headers.get("Transfer-Encoding") == "chunked"
            received = []

            def read_all():
                for chunk in response.iter_content(chunk_size=None, decode_unicode=True):
                    received.append(chunk)

            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                read_all()
        assert FAILED in "".join(received)
    finally:
        server.shutdown()
        thread.join(5)


def test_every_csv_the_app_writes_goes_through_the_safe_writer():
    """One rule: no module but csv_safety makes a csv.writer of its own."""
    from pathlib import Path

    root = Path(visit_log.__file__).parents[1]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "csv_safety.py" and re.search(r"csv\.(writer|DictWriter)\(", path.read_text("utf-8"))
    ]
    assert offenders == []


def test_numbers_the_app_writes_stay_numbers():
    from observer_portal.services.csv_safety import csv_line

    assert csv_line([-3, 12, 1.5, "-3", None, "a;b"]) == '-3,12,1.5,"\'-3","","a;b"\r\n'


def test_the_file_says_who_registered_each_visit_where_and_its_codes_and_is_named_for_its_contents(app, login_as):
    """Labels in the reader's language, then who was at the desk, the centre and the stable
    codes; the file name carries the centre, the filter's dates and the time of the export."""
    client, _ = login_as("coordinator")
    filters = _seed_varied(app)
    response = client.get("/visits/export.csv?" + urlencode({"date_from": filters["date_from"], "lang": "de"}))
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        rf'attachment; filename="visits-atyrau-{filters["date_from"]}-to-now-exported-\d{{4}}-\d\d-\d\d-\d{{4}}\.csv"',
        disposition,
    ), disposition
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][8:] == [
        "Erfasst von",
        "Zentrum",
        "Art des Besuchers (Code)",
        "Warum sie gekommen sind (Codes)",
        "Angekommen (ISO 8601, UTC)",
        "Gegangen (ISO 8601, UTC)",
    ]
    assert rows[1:]
    kinds = {"Beobachter": "observer", "Medien": "media"}
    assert {row[8] for row in rows[1:]} == {"Desk A", "Desk B", "Desk C", ""}  # "": registered by no one at the desk
    for row in rows[1:]:
        assert row[9] == "Centre Atyrau"
        assert kinds[row[2]] == row[10]
        assert set(row[11].split()) <= {purpose.value for purpose in VisitPurpose}
        assert len(row[11].split()) == len(row[6].split(", "))
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[12])


def test_the_workbook_holds_the_same_visits_typed_and_no_formula(app, login_as):
    from openpyxl import load_workbook

    client, _ = login_as("coordinator")
    expected = _seed_hostile(app)
    response = client.get("/visits/export.xlsx")
    data = response.data
    response.close()  # as the WSGI server does: the temporary file goes with it
    assert response.status_code == 200
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(expected)
    assert sheet.freeze_panes == "A2"
    notes = {typed[3] for typed in expected.values()}
    for row in rows:
        assert isinstance(row[0].value, datetime)
        assert row[0].number_format == "yyyy-mm-dd hh:mm"
        assert row[7].value in notes  # kept whole, not neutralised: a workbook cell is text, not CSV
        assert all(cell.data_type in ("s", "n", "d") for cell in row if cell.value is not None), [
            c.data_type for c in row
        ]
