"""Accreditation lists (services/accreditation_*.py, accreditations/): CSV in any delimiter and
encoding or XLSX, a mapping step, a dry run that lists every row's problems in the reader's
language and writes nothing, an all-or-nothing import that a second run leaves unchanged."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import AccreditationImport, AuditEvent, Organisation, VisitorProfile
from tests.helpers import make_centre, post_form, post_multipart

HEADER = ["ФИО", "Номер аккредитации", "Организация", "Гражданство", "E-mail", "Телефон", "Языки"]
GOOD = [
    [
        "Иванов Иван Иванович",
        "CIS-LTO-0101",
        "Миссия наблюдателей от СНГ",
        "Россия",
        "ivanov@example.org",
        "+7 701 000 00 01",
        "русский, английский",
    ],
    ["Anna Müller", "ODIHR-STO-0400", "OSCE/ODIHR", "DE", "anna.mueller@example.org", "", "de; en"],
    ["Claire Dubois", "ODIHR-STO-0401", "OSCE/ODIHR", "Frankreich", "", "", "français"],
]
BAD = [
    ["Иванов Дубль", "cis lto 0101", "", "", "", "", ""],  # the first row's number, written otherwise
    ['=HYPERLINK("http://evil.example","click")', "X-1", "", "", "", "", ""],  # a formula
    ["A" * 10_000, "X-2", "", "", "", "", ""],  # far too long
    ["No Number", "", "", "", "", "", ""],  # the key is missing
    ["Bad Mail", "X-3", "", "Atlantis", "not-an-address", "call me", "klingon"],
]


def _csv(rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    lines = [delimiter.join(f'"{cell}"' if delimiter in cell or '"' in cell else cell for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    sheet["A5"] = "=1+1"  # a formula cell in the name column
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str, lang: str = "de", **fields):
    page = client.get(f"/manage/accreditations/?lang={lang}").get_data(as_text=True)
    from tests.helpers import csrf_from

    payload = {"csrf_token": csrf_from(page), "default_kind": "observer", "encoding": "", **fields}
    payload["file"] = (io.BytesIO(data), name)
    return post_multipart(client, "/manage/accreditations/", payload)


def _profiles(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(VisitorProfile.id)))


@pytest.fixture
def coordinator(app, login_as):
    with app.app_context():
        make_centre("atyrau")
    client, _user = login_as("coordinator", preferred_locale="de")
    return client


def _preview_of(client, response) -> tuple[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    columns = response.headers["Location"]
    page = client.get(columns)
    assert page.status_code == 200
    confirmed = post_form(client, columns, {"default_kind": "observer", **_guessed(page.get_data(as_text=True))})
    assert confirmed.status_code == 302, (
        re.findall(r"(?s)class=\"field-error[^>]*>(.*?)</", confirmed.get_data(as_text=True))
        or confirmed.get_data(as_text=True)[-4000:]
    )
    preview_url = confirmed.headers["Location"]
    return preview_url, unescape(client.get(preview_url).get_data(as_text=True))


def _guessed(html: str) -> dict:
    """The mapping form as the portal filled it (its guesses)."""
    import re

    chosen = {}
    for name, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
        chosen[name] = next((g for g in selected.groups() if g is not None), "") if selected else ""
    return chosen


def test_a_list_with_bad_rows_is_previewed_row_by_row_in_german_and_nothing_is_written(app, coordinator):
    before = _profiles(app)
    response = _upload(coordinator, _csv([HEADER, *GOOD, *BAD]), "liste.csv", lang="de")
    preview_url, page = _preview_of(coordinator, response)
    assert "Zeilen: 8. Neu: 3; zu aktualisieren: 0; unverändert: 0; mit Problemen: 5." in page
    assert "Dieselbe Nummer wie in Zeile 2." in page
    assert "Sieht wie eine Tabellenformel aus" in page
    assert "Höchstens 120 Zeichen." in page or "Höchstens 120" in page
    assert "Diese Angabe ist Pflicht." in page
    assert "Kein Land, das das Portal kennt." in page
    assert "Geben Sie eine gültige E-Mail-Adresse ein." in page
    assert "„klingon“ ist keine Sprache, die das Portal kennt." in page
    assert "Liste importieren" not in page  # no button while a row has a problem
    import_id = int(preview_url.rstrip("/").split("/")[-1])
    refused = post_form(coordinator, f"/manage/accreditations/{import_id}/import", {}, page=preview_url)
    assert refused.status_code == 302
    assert _profiles(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 0  # not even an organisation


def test_a_clean_list_is_imported_once_and_a_second_import_changes_nothing(app, coordinator):
    response = _upload(coordinator, _csv([HEADER, *GOOD], delimiter=","), "list.csv")
    preview_url, page = _preview_of(coordinator, response)
    assert "Zeilen: 3. Neu: 3; zu aktualisieren: 0; unverändert: 0; mit Problemen: 0." in page
    import_id = preview_url.rstrip("/").split("/")[-1]
    done = post_form(coordinator, f"/manage/accreditations/{import_id}/import", {}, page=preview_url)
    assert done.status_code == 302
    with app.app_context():
        ivanov = db.session.scalar(select(VisitorProfile).where(VisitorProfile.accreditation_number == "CIS-LTO-0101"))
        assert ivanov.full_name == "Иванов Иван Иванович"
        assert (ivanov.nationality, ivanov.contact_email, ivanov.language_codes) == (
            "RU",
            "ivanov@example.org",
            ["en", "ru"],
        )
        assert ivanov.centre_id is not None
        assert db.session.get(AccreditationImport, int(import_id)).data is None  # the file is not kept
        assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "accreditations.imported")) == {
            "created": 3,
            "updated": 0,
            "unchanged": 0,
        }
    count = _profiles(app)

    again = _upload(coordinator, _csv([HEADER, *GOOD], delimiter="\t"), "list-again.csv")
    preview_url, page = _preview_of(coordinator, again)
    assert "Zeilen: 3. Neu: 0; zu aktualisieren: 0; unverändert: 3; mit Problemen: 0." in page
    post_form(coordinator, preview_url + "/import", {}, page=preview_url)
    assert _profiles(app) == count

    changed = [row[:] for row in GOOD]
    changed[1][5] = "+49 151 000 00 02"
    third = _upload(coordinator, _csv([HEADER, *changed]), "list-3.csv")
    _url, page = _preview_of(coordinator, third)
    assert "Zeilen: 3. Neu: 0; zu aktualisieren: 1; unverändert: 2" in page
    assert "Anna Müller" in page
    assert "Telefon" in page


def test_windows_1251_and_xlsx_read_the_same_people(app, coordinator):
    cyrillic = [GOOD[0], ["Петров Пётр", "CIS-LTO-0102", "Миссия наблюдателей от СНГ", "Беларусь", "", "", "русский"]]
    response = _upload(coordinator, _csv([HEADER, *cyrillic], encoding="cp1251"), "cp1251.csv")
    _url, page = _preview_of(coordinator, response)
    assert "Zeilen: 2. Neu: 2; zu aktualisieren: 0; unverändert: 0; mit Problemen: 0." in page  # Беларусь read right
    workbook = _upload(coordinator, _xlsx([HEADER, *GOOD]), "list.xlsx")
    _url, page = _preview_of(coordinator, workbook)
    assert "Zeilen: 4. Neu: 3; zu aktualisieren: 0; unverändert: 0; mit Problemen: 1." in page  # the formula cell
    assert "Sieht wie eine Tabellenformel aus" in page


def test_a_file_that_is_no_list_is_refused_at_the_upload(app, coordinator):
    response = _upload(coordinator, b"PK\x03\x04 not really a zip", "list.xlsx", lang="de")
    assert response.status_code == 422
    assert "keine Excel-Arbeitsmappe" in unescape(response.get_data(as_text=True))
    windows = _csv([HEADER, GOOD[0]], encoding="cp1251")
    wrong = _upload(coordinator, windows, "list.csv", encoding="utf-8")  # the wrong encoding chosen
    assert wrong.status_code == 422
    assert "Die Datei kann in dieser Kodierung nicht gelesen werden." in unescape(wrong.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count(AccreditationImport.id))) == 0


def test_excels_unicode_text_is_read_too(app, coordinator):
    utf16 = _upload(coordinator, _csv([HEADER, *GOOD], delimiter="\t", encoding="utf-16"), "unicode.txt")
    _url, page = _preview_of(coordinator, utf16)
    assert "Zeilen: 3. Neu: 3; zu aktualisieren: 0; unverändert: 0; mit Problemen: 0." in page


def test_another_centres_list_is_not_a_coordinators(app, coordinator, login_as):
    with app.app_context():
        make_centre("karaganda")
        upload = AccreditationImport(centre_id=make_centre("karaganda").id, filename="x.csv", data=b"a,b\n1,2\n")
        db.session.add(upload)
        db.session.commit()
        upload_id = upload.id
    assert coordinator.get(f"/manage/accreditations/{upload_id}").status_code == 403
    assert coordinator.get(f"/manage/accreditations/{upload_id}/columns").status_code == 403


def test_the_command_line_prints_the_counts_and_exits_1_on_any_error(app, tmp_path):
    with app.app_context():
        make_centre("atyrau")
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(_csv([HEADER, *GOOD]))
    bad.write_bytes(_csv([HEADER, *GOOD, *BAD]))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["accreditations", "import", str(good), "--centre", "atyrau", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "created 3, updated 0, unchanged 0, errors 0" in dry.output
    assert _profiles(app) == 0
    refused = runner.invoke(args=["accreditations", "import", str(bad), "--centre", "atyrau"])
    assert refused.exit_code == 1
    assert "created 3, updated 0, unchanged 0, errors 5" in refused.output
    assert "line 5, Accreditation or press card number: The same number as line 2." in refused.output
    assert _profiles(app) == 0
    done = runner.invoke(args=["accreditations", "import", str(good), "--centre", "atyrau"])
    assert done.exit_code == 0
    again = runner.invoke(args=["accreditations", "import", str(good), "--centre", "atyrau"])
    assert "created 0, updated 0, unchanged 3, errors 0" in again.output
    assert _profiles(app) == 3


def test_a_list_never_changes_another_centres_visitor(app, coordinator, login_as):
    """Karaganda's list with the number of Atyrau's visitor: refused, nothing about her changes
    (an address changed there would send her invitation to whoever typed it)."""
    with app.app_context():
        make_centre("karaganda")
        atyrau = db.session.scalar(select(AccreditationImport.centre_id)) or make_centre("atyrau").id
        db.session.add(
            VisitorProfile(
                kind="observer",
                full_name="Hannah Müller",
                accreditation_number="ODIHR-LTO-0142",
                centre_id=atyrau,
                contact_email="hannah@example.org",
            )
        )
        db.session.commit()
    karaganda, _user = login_as("coordinator", email="coord@karaganda.example.org", centre="karaganda")
    hostile = _csv([["Name", "Accreditation number", "E-mail"], ["Hans", "odihr lto 0142", "mallory@evil.example"]])
    _url, page = _preview_of(karaganda, _upload(karaganda, hostile, "list.csv", lang="en"))
    assert "This number is held by a visitor of another centre." in page
    assert "Import the list" not in page
    with app.app_context():
        hannah = db.session.scalar(
            select(VisitorProfile).where(VisitorProfile.accreditation_number == "ODIHR-LTO-0142")
        )
        assert (hannah.full_name, hannah.contact_email) == ("Hannah Müller", "hannah@example.org")


def test_an_admin_upload_without_a_centre_is_refused_not_a_500(app, login_as):
    with app.app_context():
        make_centre("atyrau")
    admin, _user = login_as("admin")
    response = _upload(admin, _csv([HEADER, *GOOD]), "list.csv", lang="en", centre="")
    assert response.status_code == 422
    assert "Choose a centre from the list." in unescape(response.get_data(as_text=True))


def test_a_list_for_the_election_being_prepared_outlives_the_one_that_ends(app, coordinator, tmp_path):
    """Imported while the training election is active, for the next one: the end of the
    training election's retention does not take these people."""
    from datetime import date

    from observer_portal.services.elections import ElectionInput, close, create_election

    with app.app_context():
        current = create_election(db.session, None, ElectionInput({"en": "Now"}, date(2022, 11, 20)), active=True)
        upcoming = create_election(db.session, None, ElectionInput({"en": "Next"}, date(2027, 3, 19)))
        db.session.commit()
        current_id, upcoming_id = current.id, upcoming.id
    response = _upload(coordinator, _csv([HEADER, *GOOD]), "next.csv", lang="en", election=str(upcoming_id))
    preview_url, page = _preview_of(coordinator, response)
    assert "Next" in page  # the election the list is for is said on the preview
    post_form(coordinator, preview_url + "/import", {}, page=preview_url)
    with app.app_context():
        close(db.session, None, db.session.get(type(current), current_id))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["elections", "enforce-retention", "--today", "2023-06-01"])
    assert result.exit_code == 0, result.output
    assert _profiles(app) == 3
    with app.app_context():
        assert set(db.session.scalars(select(VisitorProfile.election_id))) == {upcoming_id}


def test_a_returning_visitor_with_a_new_card_is_not_made_twice(app, coordinator):
    with app.app_context():
        db.session.add(
            VisitorProfile(
                kind="observer",
                full_name="Anna Müller",
                accreditation_number="ODIHR-2022-7",
                contact_email="anna.mueller@example.org",
            )
        )
        db.session.commit()
    _url, page = _preview_of(coordinator, _upload(coordinator, _csv([HEADER, GOOD[1]]), "list.csv", lang="en"))
    assert "A visitor with another card number has this address already." in page
    assert _profiles(app) == 1


def test_the_same_list_for_the_next_election_moves_its_people_there(app, coordinator):
    """Returning observers on the next election's list: nothing changes but their election,
    so they are kept as long as the next one keeps its data."""
    from datetime import date

    from observer_portal.services.elections import ElectionInput, create_election

    with app.app_context():
        first = create_election(db.session, None, ElectionInput({"en": "First"}, date(2026, 1, 18)), active=True)
        second = create_election(db.session, None, ElectionInput({"en": "Second"}, date(2027, 3, 19)))
        db.session.commit()
        first_id, second_id = first.id, second.id
    for election_id in (first_id, second_id):
        url, page = _preview_of(
            coordinator, _upload(coordinator, _csv([HEADER, *GOOD]), "list.csv", election=str(election_id))
        )
        post_form(coordinator, url + "/import", {}, page=url)
    assert "Zeilen: 3. Neu: 0; zu aktualisieren: 3; unverändert: 0" in page
    assert page.count("Wahl") >= 3  # each person's change is named: the election
    assert _profiles(app) == 3
    with app.app_context():
        assert set(db.session.scalars(select(VisitorProfile.election_id))) == {second_id}
