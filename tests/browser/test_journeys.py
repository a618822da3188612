"""Key journeys a person makes, in a real browser, with the keyboard where it matters."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from observer_portal.i18n import LOCALES
from tests.helpers import PASSWORD, make_centre, make_user


def setup_people(app):
    with app.app_context():
        make_centre("atyrau", name="Atyrau Centre", region="Atyrau")
        make_user("coordinator", "coord@example.org", name="Aigerim Coordinator")
        make_user("volunteer", "vol@example.org", name="Dana Volunteer")


def test_keyboard_only_sign_in(app, live_server, page: Page):
    setup_people(app)
    page.goto(f"{live_server}/login")
    for _ in range(40):  # Tab through the page until the e-mail field has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "email":
            break
    else:
        raise AssertionError("the e-mail field cannot be reached with Tab")
    page.keyboard.type("coord@example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Aigerim Coordinator")).to_be_visible()
    assert page.url == f"{live_server}/"


def test_skip_link_is_first_and_moves_focus_to_main(app, live_server, page: Page):
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    expect(page.locator(".skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_focus_is_visible(app, live_server, page: Page):
    page.goto(f"{live_server}/login")
    page.locator("#email").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_observer_signs_up_in_german(app, live_server, page: Page):
    with app.app_context():
        make_centre("atyrau", name="Atyrau Centre", region="Atyrau")
    page.goto(f"{live_server}/?lang=de")
    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konto erstellen")
    page.get_by_label("Wahlbeobachter/in").check()
    page.get_by_label("Vollständiger Name").fill("Hannah Müller")
    page.get_by_label("E-Mail-Adresse").fill("hannah@osce.example.org")
    page.get_by_label("Passwort (Pflichtfeld)", exact=True).fill("wahlbeobachtung in atyrau")
    page.get_by_label("Passwort wiederholen").fill("wahlbeobachtung in atyrau")
    page.get_by_label("Mission oder Medienhaus").fill("OSCE/ODIHR Election Observation Mission")
    page.get_by_label("Staatsangehörigkeit").select_option("DE")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("heading", name="Hallo, Hannah Müller")).to_be_visible()
    expect(page.get_by_text("Willkommen! Ihr Konto wurde erstellt.")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"


def test_signup_errors_are_announced_and_linked(app, live_server, page: Page):
    with app.app_context():
        make_centre("atyrau")
    page.goto(f"{live_server}/signup?lang=fr")
    page.get_by_role("button", name="Créer le compte").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Il y a un problème")
    email = page.locator("#email")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby")
    assert "email-error" in described


def test_language_switcher_on_every_page(app, live_server, page: Page):
    setup_people(app)
    pages = ["/", "/login", "/signup", "/centres/atyrau", "/nowhere"]
    for path in pages:
        page.goto(f"{live_server}{path}")
        switcher = page.get_by_role("navigation", name="Choose language")
        for code, name in LOCALES.items():
            expect(switcher.get_by_role("link", name=name)).to_have_attribute("hreflang", code)
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Қазақша").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Кіру")
    page.get_by_role("link", name="Басты бет").click()  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "kk"


def test_coordinator_adds_a_volunteer(app, live_server, page: Page):
    setup_people(app)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Accounts").first.click()
    page.get_by_role("link", name="Add a volunteer or coordinator").click()
    page.get_by_label("Full name").fill("Madina Zhumabayeva")
    page.get_by_label("E-mail address").fill("madina@example.org")
    page.get_by_label("Initial password").fill("a volunteer passphrase")
    page.get_by_label("French").select_option("fluent")
    page.get_by_label("Kazakh").select_option("native")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Account created for Madina Zhumabayeva.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Madina Zhumabayeva"))
    expect(row).to_contain_text("FR, KK")


def test_observer_asks_for_a_printer_and_a_volunteer_delivers(app, live_server, browser):
    with app.app_context():
        make_centre("atyrau", name="Atyrau Centre", region="Atyrau")
        make_user("observer", "hannah@osce.example.org", name="Hannah Müller", preferred_locale="de")
        make_user("volunteer", "timur@example.org", name="Timur")
    observer = browser.new_context().new_page()
    observer.goto(f"{live_server}/login")
    observer.get_by_label("E-mail address").fill("hannah@osce.example.org")
    observer.get_by_label("Password").fill(PASSWORD)
    observer.get_by_role("button", name="Sign in").click()  # her profile says German: from now on, German
    observer.get_by_role("link", name="Meine Anfragen").click()
    observer.get_by_role("link", name="Um Hilfe bitten").click()
    observer.get_by_role("link", name="Büroausstattung").click()  # the kind first: it comes chosen
    expect(observer.get_by_label("Was brauchen Sie?")).to_have_value("equipment")
    observer.get_by_label("Einzelheiten").fill("Ein Drucker für 20 Seiten heute Abend.")
    observer.get_by_role("button", name="Anfrage senden").click()
    expect(observer.locator("dd strong")).to_have_text("Wartet auf eine freiwillige Person")
    request_url = observer.url

    volunteer = browser.new_context().new_page()
    volunteer.goto(f"{live_server}/login?lang=en")
    volunteer.get_by_label("E-mail address").fill("timur@example.org")
    volunteer.get_by_label("Password").fill(PASSWORD)
    volunteer.get_by_role("button", name="Sign in").click()
    volunteer.get_by_role("navigation", name="Main menu").get_by_role("link", name="Request queue").click()
    volunteer.get_by_role("button", name=re.compile("Take it")).click()
    volunteer.goto(request_url)
    volunteer.get_by_role("button", name="Start working on it").click()
    volunteer.get_by_label(re.compile("^Note")).fill("Printer ATR-PRN-01 is ready at the desk.")
    volunteer.get_by_role("button", name="Mark as done").click()
    expect(volunteer.locator("dd strong")).to_have_text("Done")

    observer.goto(request_url)
    expect(observer.locator("dd strong")).to_have_text("Erledigt")
    expect(observer.get_by_text("Printer ATR-PRN-01 is ready at the desk.")).to_be_visible()
    expect(observer.get_by_role("link", name=re.compile("Benachrichtigungen"))).to_contain_text("3")


def test_observer_in_german_gets_a_translation_from_the_german_speaking_volunteer(app, live_server, browser):
    """Sign up in German, read a briefing, ask for a translation, follow it; the routed
    volunteer sees the job, translates and delivers; the observer reads the result."""
    from observer_portal.models import Proficiency
    from tests.briefing_helpers import make_briefing

    with app.app_context():
        centre = make_centre("atyrau", name="Atyrau Centre", region="Atyrau")
        make_briefing(centre)
        make_user(
            "volunteer",
            "timur@example.org",
            name="Timur",
            on_duty=True,
            languages={"ru": Proficiency.NATIVE, "en": Proficiency.FLUENT},
        )
        make_user(
            "volunteer",
            "dana@example.org",
            name="Dana",
            on_duty=True,
            languages={"ru": Proficiency.NATIVE, "de": Proficiency.FLUENT},
        )
    observer = browser.new_context().new_page()
    observer.goto(f"{live_server}/signup?lang=de")
    observer.get_by_label("Wahlbeobachter/in").check()
    observer.get_by_label("Vollständiger Name").fill("Hannah Müller")
    observer.get_by_label("E-Mail-Adresse").fill("hannah@osce.example.org")
    observer.get_by_label("Passwort (Pflichtfeld)", exact=True).fill("wahlbeobachtung in atyrau")
    observer.get_by_label("Passwort wiederholen").fill("wahlbeobachtung in atyrau")
    observer.get_by_label("Mission oder Medienhaus").fill("OSCE/ODIHR")
    observer.get_by_label("Ich bin einverstanden").check()
    observer.get_by_role("button", name="Konto anlegen").click()
    observer.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Briefings").click()
    observer.get_by_role("link", name="Atyrau region: overview").click()
    expect(observer.locator(".figure-value").first).to_have_text("768.778")
    observer.get_by_role("link", name="Meine Anfragen").click()
    observer.get_by_role("link", name="Um Hilfe bitten").click()
    observer.get_by_role("link", name="Einen Text übersetzen").click()  # the kind first, then its fields
    expect(observer.get_by_label("Dokument")).to_have_count(0)
    observer.get_by_label("Ausgangssprache").select_option("ru")
    observer.get_by_label("Zielsprache (Pflichtfeld)", exact=True).select_option("de")
    observer.get_by_label("Zu übersetzender Text").fill("Явка избирателей на 12:00 — 41,2 %.")
    observer.get_by_role("button", name="Anfrage senden").click()
    expect(observer.locator("dd strong")).to_have_text("Zugewiesen")
    expect(observer.get_by_text("Dana", exact=True)).to_be_visible()
    expect(observer.get_by_text("Jetzt bei: Dana")).to_be_visible()  # the history names her too
    request_url = observer.url

    dana = browser.new_context().new_page()
    dana.goto(f"{live_server}/login?lang=ru")
    dana.get_by_label("Адрес электронной почты").fill("dana@example.org")
    dana.get_by_label("Пароль").fill(PASSWORD)
    dana.get_by_role("button", name="Войти").click()
    dana.get_by_role("link", name="Языковые задания").click()
    dana.get_by_role("link", name=re.compile(r"#\d+")).click()
    expect(dana.locator("pre[lang=ru]")).to_contain_text("Явка избирателей")
    dana.get_by_role("textbox", name="Ваш перевод").fill("Wahlbeteiligung um 12:00 Uhr: 41,2 %.")
    dana.get_by_role("button", name="Сохранить и отправить заявителю").click()
    expect(dana.get_by_text("Отправлено заявителю.")).to_be_visible()

    observer.goto(request_url)
    expect(observer.locator("dd strong")).to_have_text("Erledigt")
    expect(observer.get_by_text("Wahlbeteiligung um 12:00 Uhr: 41,2 %.")).to_be_visible()


def test_coordinator_filters_the_visit_log_and_downloads_the_csv(app, live_server, page: Page):
    from observer_portal.demo import DEMO_PASSWORD, load_demo
    from observer_portal.extensions import db

    with app.app_context():
        load_demo(db.session)
        db.session.commit()
    page.goto(f"{live_server}/login?lang=fr")
    page.get_by_label("Adresse e-mail").fill("coordinator@atyrau.example.org")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_text("Notes et rapports").click()  # a group of the menu opens in place
    menu.get_by_role("link", name="Registre des visites").click()
    # the log opens on the election being served; the demo's history is the 2022 election's
    page.get_by_label("Élection", exact=True).select_option(
        label="Élection présidentielle anticipée de la République du Kazakhstan"
    )
    page.get_by_label("Du (date)").fill("2022-11-18")
    page.get_by_label("Au (date)").fill("2022-11-21")
    page.get_by_label("Type de visiteur", exact=True).select_option("media")
    page.get_by_role("button", name="Filtrer").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("correspond")
    shown = int(re.search(r"(\d+)", status.inner_text()).group(1))
    assert shown > 0
    expect(page.get_by_role("img", name="Visites par jour")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en CSV").click()
    download = download_info.value
    # the file says what it holds: the centre, the filter's dates and when it was exported
    assert re.fullmatch(
        r"visits-atyrau-2022-11-18-to-2022-11-21-exported-\d{4}-\d\d-\d\d-\d{4}\.csv", download.suggested_filename
    )
    import csv

    rows = list(csv.reader(Path(download.path()).read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == shown + 1  # the header and exactly the filtered visits
    assert all(row[2] == "Médias" for row in rows[1:])  # the kind as the French page says it


def test_coordinator_merges_the_front_desk_duplicate_with_the_keyboard(app, live_server, page: Page):
    """Marta was registered twice (once without her card): the coordinator finds the
    duplicate on her page, compares the two and merges; her visits end up on one profile."""
    from sqlalchemy import func, select

    from observer_portal.demo import DEMO_PASSWORD, load_demo
    from observer_portal.extensions import db
    from observer_portal.models import Visit, VisitorProfile

    with app.app_context():
        load_demo(db.session)
        db.session.commit()
        martas = db.session.scalars(select(VisitorProfile.id).where(VisitorProfile.full_name == "Marta Kowalska")).all()
        assert len(martas) == 2
        total = db.session.scalar(select(func.count(Visit.id)).where(Visit.visitor_id.in_(martas)))
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill("coordinator@atyrau.example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Visitors", exact=True).click()
    page.get_by_label("Find a visitor by name, mission or outlet, or accreditation number").fill("ODIHR-STO-0311")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Marta Kowalska").click()
    page.get_by_role("link", name=re.compile("Compare and merge Marta Kowalska")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Compare the two")).to_be_visible()
    page.get_by_role("button", name="Merge Marta Kowalska into Marta Kowalska").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("has been merged")
    with app.app_context():
        kept = db.session.scalar(select(VisitorProfile).where(VisitorProfile.full_name == "Marta Kowalska"))
        assert kept.accreditation_number == "ODIHR-STO-0311"
        assert kept.phone == "+48 601 555 014"  # copied from the duplicate
        assert db.session.scalar(select(func.count(Visit.id)).where(Visit.visitor_id == kept.id)) == total
