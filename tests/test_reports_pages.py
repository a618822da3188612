"""The equal-treatment report as people get it: the page (a coordinator's own centre, an
administrator's choice), the Excel workbook with typed cells, refused scopes, the words in
another language, and no person's name, e-mail or accreditation number anywhere."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from observer_portal.extensions import db
from observer_portal.models import Organisation
from tests.helpers import make_user, sign_in_directly
from tests.test_equal_treatment import build_scene

PERSONAL = ("Anna Observer", "Boris Observer", "Carla Journalist", "ACC-", "Jane Roe", "@example.org")
ARGS = "date_from=2022-11-18&date_to=2022-11-18"


@pytest.fixture
def scene(app) -> dict:
    """The hand-counted scene, as ids (no application context stays open: each request has its own)."""
    with app.app_context():
        built = build_scene()
        return {name: value.id for name, value in built.items()}


@pytest.fixture
def coordinator(app, scene):
    client = app.test_client()
    with app.app_context():
        sign_in_directly(client, make_user("coordinator", centre="atyrau"))
    return client, scene


def _query(scene, **extra) -> str:
    pairs = {"election": scene["election"], "date_from": "2022-11-18", "date_to": "2022-11-18", **extra}
    return "&".join(f"{k}={v}" for k, v in pairs.items())


def test_a_coordinator_reads_their_centre_with_its_flags(coordinator):
    client, scene = coordinator
    page = client.get(f"/reports/equal-treatment?{_query(scene)}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "CIS Mission: Observer" in html
    # the flag in words, with both figures as durations
    assert "waited 1 hr, 30 min for a first response (median), against 30 min for everyone" in html
    assert "25% of requests given back by a volunteer, against 10% for everyone" in html
    assert 'name="centre"' not in html  # a coordinator's report is their own centre's
    assert not [word for word in PERSONAL if word in html.split("<main", 1)[1]]


def test_the_report_in_russian_and_kazakh(coordinator):
    client, scene = coordinator
    for locale, words in (("ru", ("1 ч 30 мин", "30 мин")), ("kk", ("1 сағ 30 мин", "30 мин"))):
        html = client.get(f"/reports/equal-treatment?{_query(scene, lang=locale)}").get_data(as_text=True)
        assert f'lang="{locale}"' in html
        assert [word for word in words if word not in html] == [], locale


def test_the_workbook_has_typed_cells_and_no_personal_data(coordinator):
    client, scene = coordinator
    response = client.get(f"/reports/equal-treatment.xlsx?{_query(scene)}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "equal-treatment-atyrau-2022-11-18-2022-11-18.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [
        "Summary",
        "Visits and requests",
        "How they were served",
        "Briefings read",
        "Language help nobody took",
    ]
    served = book["How they were served"]
    assert served.freeze_panes == "B2"
    header = [cell.value for cell in served[1]]
    rows = {row[0].value: row for row in served.iter_rows(min_row=2) if row[0].value}
    cis = rows["CIS Mission: Observer"]
    done = cis[header.index("Done")]
    wait = cis[header.index("First response: median wait")]
    assert (done.value, done.number_format) == (0.5, "0%")
    assert (wait.value, wait.number_format) == (timedelta(minutes=90), "[h]:mm")
    requests = book["Visits and requests"]
    everyone = [cell.value for cell in requests[2]]
    assert everyone[:3] == ["Everyone", 6, 10]
    assert all(isinstance(value, int) for value in everyone[1:])
    text = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value)
    assert not [word for word in PERSONAL if word in text]
    assert "waited 1 hr, 30 min" in text
    reading = book["Briefings read"]
    header = [cell.value for cell in reading[1]]
    assert header == [
        "Group",
        "In any language",
        "English",
        "German",
        "French",
        "Russian",
        "Kazakh",
        "In their own language",
    ]
    osce = next(row for row in reading.iter_rows(min_row=2) if row[0].value == "OSCE/ODIHR: Observer")
    assert [cell.value for cell in osce[1:]] == [4, 3, 1, 0, 0, 0, 0.25]
    assert osce[-1].number_format == "0%"


def test_a_name_typed_as_a_formula_stays_text(coordinator):
    client, scene = coordinator
    with client.application.app_context():
        db.session.get(Organisation, scene["reuters"]).name = '=HYPERLINK("http://evil.example","x")'
        db.session.commit()
    book = load_workbook(BytesIO(client.get(f"/reports/equal-treatment.xlsx?{_query(scene)}").data))
    cells = [cell for row in book["Visits and requests"].iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)


def test_an_administrator_chooses_every_centre_or_one(app, scene):
    client = app.test_client()
    with app.app_context():
        sign_in_directly(client, make_user("admin", centre=None))
    every = client.get(
        f"/reports/equal-treatment?{_query(scene, centre='all', date_from='2022-11-01', date_to='2022-11-30')}"
    )
    one = client.get(f"/reports/equal-treatment?{_query(scene, centre=scene['centre'])}")
    assert every.status_code == one.status_code == 200
    assert "Every centre" in every.get_data(as_text=True)
    assert 'name="centre"' in one.get_data(as_text=True)


@pytest.mark.parametrize(
    "args",
    ["date_from=2022-11-20&date_to=2022-11-18", "election=999999", "date_from=2022-13-45", "centre=5"],
)
def test_a_refused_scope_says_why_and_makes_no_file(coordinator, args):
    client, scene = coordinator
    if args == "centre=5":  # a coordinator cannot widen the report to another centre: the field is not theirs
        page = client.get(f"/reports/equal-treatment?{_query(scene)}&{args}")
        assert page.status_code == 200
        assert "CIS Mission" in page.get_data(as_text=True)
        return
    page = client.get(f"/reports/equal-treatment?{args}")
    assert page.status_code == 400
    assert "Correct the fields marked above" in page.get_data(as_text=True)
    assert client.get(f"/reports/equal-treatment.xlsx?{args}").status_code == 400


def test_without_any_election_the_page_says_so(login_as):
    client, _ = login_as("coordinator")
    page = client.get("/reports/equal-treatment")
    assert page.status_code == 200
    assert "There is no election yet" in page.get_data(as_text=True)
    assert client.get("/reports/equal-treatment.xlsx").status_code == 404  # nothing to report on


def test_the_default_scope_is_the_days_the_centres_serve(coordinator):
    client, scene = coordinator
    html = client.get(f"/reports/equal-treatment?election={scene['election']}").get_data(as_text=True)
    assert "November 14, 2022 to November 21, 2022" in html  # the days the centres serve it
    assert "CIS Mission: Observer" in html


def test_the_command_line_writes_the_same_report(app, scene, tmp_path):
    runner = app.test_cli_runner()
    common = ["reports", "equal-treatment", "--election", "2022-11-20", "--from", "2022-11-18", "--to", "2022-11-18"]
    html_file, xlsx_file = tmp_path / "report.html", tmp_path / "report.xlsx"
    result = runner.invoke(args=[*common, "--centre", "atyrau", "--locale", "kk", "--format", "html", "-o", html_file])
    assert result.exit_code == 0, result.output
    html = html_file.read_text("utf-8")
    assert '<html lang="kk">' in html
    assert "1 сағ 30 мин" in html
    assert "CIS Mission" in html
    assert not [word for word in PERSONAL if word in html]
    result = runner.invoke(args=[*common, "--centre", "all", "--locale", "ru", "--format", "xlsx", "-o", xlsx_file])
    assert result.exit_code == 0, result.output
    book = load_workbook(xlsx_file)
    assert book.sheetnames[0] == "Сводка"
    assert runner.invoke(args=[*common, "--centre", "nowhere", "-o", html_file]).exit_code == 1
    assert "No centre 'nowhere'" in runner.invoke(args=[*common, "--centre", "nowhere", "-o", html_file]).output


@pytest.mark.parametrize(
    ("locale", "words"), [("ru", ("Равное обслуживание", "1 ч 30 мин")), ("kk", ("тең қызмет көрсету", "1 сағ 30 мин"))]
)
def test_the_pdf_reads_back_in_russian_and_kazakh(coordinator, locale, words):
    from pypdf import PdfReader

    client, scene = coordinator
    response = client.get(f"/reports/equal-treatment.pdf?{_query(scene, lang=locale)}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert [word for word in words if word not in text] == []
    assert "CIS Mission" in text
    assert f"1 / {len(reader.pages)}" in text  # numbered pages
    assert not [word for word in PERSONAL if word in text]
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 across
