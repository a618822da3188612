"""axe-core (shipped inside axe-playwright-python) on every page type, per role, in all
five locales, over the full demo data: no violation of WCAG 2.1 A/AA rules is allowed.

What a translation changes on a page is its words — names, labels, titles, alternatives,
the language it declares, and how long a line is (a region that starts to scroll must be
reachable by keyboard). The rules that read those (`WORDING_CATEGORIES`) run on every page
in every locale. The other rules read what is the same in every locale (markup, ARIA
attributes, tables, lists, ids, colours: the stylesheet has no rule that depends on the
language, `test_no_style_depends_on_the_language`); they run on each page in one locale,
and the locales take turns page by page, so each locale is read by every rule somewhere.
Colour contrast alone was 60-80 % of axe's time on a page with a table: running the
locale-independent rules five times per page proved nothing new at the cost of about two
minutes of the suite. The German pass is read at the width of a phone (390 CSS pixels):
axe reads the phone layout, and no page may scroll sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import select

from observer_portal.demo import DEMO_PASSWORD, load_demo
from observer_portal.extensions import db, limiter
from observer_portal.i18n import LOCALES
from observer_portal.models import Briefing, EquipmentItem, ServiceRequest, User
from tests.conftest import wipe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# resultTypes: axe details only the violations (passes and "incomplete" are counted, not
# described), which is all the test reads: the same verdicts in about 60 % of the time.
EVERY_RULE = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
WORDING_CATEGORIES = ["cat.text-alternatives", "cat.name-role-value", "cat.language", "cat.forms", "cat.keyboard"]
# the rules of those categories, and the ARIA rules that ask for a name ("aria-command-name" …)
WORDING_RULES_JS = """([tags, categories]) => axe.getRules(tags)
    .filter(rule => rule.tags.some(tag => categories.includes(tag)) || rule.ruleId.endsWith("-name"))
    .map(rule => rule.ruleId)"""
ESSENTIAL_WORDING_RULES = {
    "label",
    "button-name",
    "link-name",
    "document-title",
    "image-alt",
    "html-lang-valid",
    "valid-lang",
    "scrollable-region-focusable",
    "aria-input-field-name",
}
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
LOCALE_ORDER = sorted(LOCALES)
PHONE_LOCALE, PHONE_WIDTH = "de", 390
STYLESHEET = Path(__file__).resolve().parents[2] / "observer_portal" / "static" / "css" / "portal.css"

PUBLIC_PAGES = [
    "/",
    "/login",
    "/signup",
    "/centres/atyrau",
    "/nowhere",
    "/briefings/",
    "/briefings/atyrau/atyrau-overview",
    "/briefings/atyrau/atyrau-accessibility",
    "/briefings/atyrau/atyrau-contacts",
]
ACCOUNTS = {
    "coordinator": "coordinator@atyrau.example.org",
    "volunteer": "dana@atyrau.example.org",
    "observer": "h.mueller@osce.example.org",
}
ROLE_PAGES = {
    "coordinator": [
        "/",
        "/account",
        "/account/password",
        "/staff/",
        "/staff/new",
        "/staff/{volunteer}",
        "/staff/{observer}",
        "/staff/audit",
        "/briefings/manage",
        "/briefings/new",
        "/briefings/{briefing}/edit",
        "/briefings/{briefing}/history",
        "/briefings/{briefing}/translate/de",
        "/briefings/{contacts}/translate/ru",
        "/requests/queue",
        "/requests/{walk_in}",
        "/inventory/",
        "/inventory/new",
        "/inventory/{item}",
        "/inventory/{item}/edit",
        "/notifications",
        "/language-help/coverage",
        "/requests/{unroutable}",
        "/language-help/{language_job}/work",
        "/visits/",
        "/visits/?kind=media&date_from=bad",
        "/visits/visitors/{marta}",
        "/visits/visitors/{marta}/merge?duplicate={marta_again}",
        "/visits/visitors/{marta}/merge?q=kowalska",
        "/elections/",
        "/manage/centres/",
        "/manage/centres/atyrau",
        "/manage/organisations/",
        "/manage/organisations/new",
        "/manage/organisations/{osce}/merge",
        "/manage/accreditations/",
        "/manage/accreditations/{list}/columns",
        "/manage/accreditations/{list}",
        "/manage/accreditations/people",
    ],
    "volunteer": [
        "/account",
        "/briefings/manage",
        "/briefings/{briefing}/translate/de",
        "/requests/queue",
        "/requests/queue?overdue=y",
        "/requests/new-for-visitor",
        "/requests/{open}",
        "/inventory/",
        "/inventory/{free_item}",
        "/language-help/jobs",
        "/language-help/{language_job}/work",
        "/language-help/bookings",
        "/visits/desk",
        "/visits/desk?q=osce",
        "/visits/desk?q=nobody-at-all",
        "/visits/visitors",
        "/visits/visitors?q=marta",
        "/visits/visitors/{marta}",
    ],
    "observer": [
        "/account",
        "/briefings/atyrau/atyrau-overview",
        "/requests/",
        "/requests/new",
        "/requests/{own}",
        "/notifications",
        "/language-help/new",
        "/requests/{language_job}",
        "/visits/mine",
    ],
}


#: pages that are another state of a page listed before them (an error shown, a search
#: made, another record of the same kind): their markup is that page's, their words the
#: same catalog's. They are not read again at the phone's width.
VARIANTS = {
    "/staff/{observer}",
    "/briefings/{contacts}/translate/ru",
    "/requests/{unroutable}",
    "/visits/?kind=media&date_from=bad",
    "/visits/visitors/{marta}/merge?q=kowalska",
    "/inventory/{item}/edit",
    "/requests/queue?overdue=y",
    "/visits/desk?q=osce",
    "/visits/visitors?q=marta",
}


#: the locales that take turns on the signed-in pages (English and German read them all)
TURNS = ("fr", "ru", "kk")


def read_in(index: int, template: str, locale: str) -> bool:
    """Whether the page at `index` of a role's list is read in `locale`: every page in
    English (the catalogs' source) and in German at a phone's width (the longest words,
    the narrowest screen; variants excepted), and in one of French, Russian and Kazakh,
    taking turns — where it is read by every rule. The catalogs are complete
    (`tests/test_i18n.py`) and no style depends on the language (below), so a fourth and
    fifth reading of the same markup finds nothing the others did not."""
    if locale == "en":
        return True
    if locale == PHONE_LOCALE:
        return template not in VARIANTS
    return TURNS[index % len(TURNS)] == locale


def role_page_every_rule(index: int, locale: str) -> bool:
    return TURNS[index % len(TURNS)] == locale


def every_rule_turn(index: int, locale: str) -> bool:
    """Whether the page at `index` of a list is read by every rule in `locale` (else by the wording rules)."""
    return index % len(LOCALE_ORDER) == LOCALE_ORDER.index(locale)


@pytest.fixture(scope="module")
def axe_context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for the module, with axe in every document it opens (registered
    once: nothing is sent again per page); each test starts without cookies."""
    context = browser.new_context()
    context.add_init_script(path=AXE_SCRIPT)
    yield context
    context.close()


@pytest.fixture
def axe_page(axe_context: BrowserContext) -> Iterator[Page]:
    axe_context.clear_cookies()
    page = axe_context.new_page()
    yield page
    page.close()


def violations(page: Page, *, every_rule: bool = True) -> list[str]:
    if every_rule:
        options = EVERY_RULE
    else:
        rules = page.evaluate(WORDING_RULES_JS, [WCAG_TAGS, WORDING_CATEGORIES])
        assert ESSENTIAL_WORDING_RULES <= set(rules), "axe's categories changed: review WORDING_CATEGORIES"
        options = {"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:3]}" for v in result["violations"]]


def seed(app) -> dict[str, int]:
    with app.app_context():
        load_demo(db.session)
        db.session.commit()

        def user(email):
            return db.session.scalar(select(User).where(User.email == email))

        def briefing(slug):
            return db.session.scalar(select(Briefing.id).where(Briefing.slug == slug))

        def item(tag):
            return db.session.scalar(select(EquipmentItem.id).where(EquipmentItem.asset_tag == tag))

        hannah = user(ACCOUNTS["observer"])
        own = db.session.scalar(select(ServiceRequest.id).where(ServiceRequest.requester_id == hannah.id))
        walk_in = db.session.scalar(select(ServiceRequest.id).where(ServiceRequest.filed_by_id.is_not(None)))
        open_request = db.session.scalar(select(ServiceRequest.id).where(ServiceRequest.status == "new"))
        from observer_portal.models import TranslationJob

        language_job = db.session.scalar(
            select(ServiceRequest.id)
            .join(TranslationJob, TranslationJob.request_id == ServiceRequest.id)
            .where(ServiceRequest.assignee_id == user(ACCOUNTS["volunteer"]).id)
        )
        unroutable = db.session.scalar(select(ServiceRequest.id).where(ServiceRequest.status == "unroutable"))
        from observer_portal.models import VisitorProfile

        marta, marta_again = db.session.scalars(
            select(VisitorProfile.id)
            .where(VisitorProfile.full_name == "Marta Kowalska")
            .order_by(VisitorProfile.accreditation_number.is_(None))
        ).all()
        from observer_portal.models import Organisation, VisitorKind
        from observer_portal.services import accreditations

        coordinator = user(ACCOUNTS["coordinator"])
        listed = "ФИО;Номер аккредитации;E-mail;Языки\nАйгуль Серикова;CIS-LTO-0201;aigul@example.org;kk\n"
        clean = accreditations.upload_list(
            db.session, coordinator, coordinator.centre_id, "list.csv", listed.encode(), "", VisitorKind.OBSERVER
        )
        accreditations.run_import(db.session, coordinator, clean)
        faulty = listed + "=HYPERLINK(1);CIS-LTO-0202;x;klingon\nАйгуль С.;CIS-LTO-0201;aigul@example.org;ru\n"
        problems = accreditations.upload_list(
            db.session, coordinator, coordinator.centre_id, "list-2.csv", faulty.encode(), "", VisitorKind.OBSERVER
        )
        db.session.commit()
        osce = db.session.scalar(select(Organisation.id).where(Organisation.name.startswith("OSCE")))
        return {
            "list": problems.id,
            "osce": osce,
            "marta": marta,
            "marta_again": marta_again,
            "language_job": language_job,
            "unroutable": unroutable,
            "volunteer": user(ACCOUNTS["volunteer"]).id,
            "observer": hannah.id,
            "briefing": briefing("atyrau-overview"),
            "contacts": briefing("atyrau-contacts"),
            "own": own,
            "walk_in": walk_in,
            "open": open_request,
            "item": item("ATR-LAP-01"),
            "free_item": item("ATR-LAP-02"),
        }


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Replaces conftest's per-test cleaning here: these tests read the demo built once
    below (signing in and refused forms write nothing another test reads)."""
    if "demo_ids" in request.fixturenames:
        limiter.reset()


@pytest.fixture(scope="module")
def demo_ids(app, live_server) -> Iterator[dict[str, int]]:
    """The demo data, with a visit of today (the desk's table has rows, hidden labels and all)."""
    from observer_portal.models import VisitPurpose
    from observer_portal.models.base import utcnow
    from observer_portal.services.visits import VisitInput, register_visit

    wipe(app)
    ids = seed(app)
    with app.app_context():
        desk = db.session.scalar(select(User).where(User.email == ACCOUNTS["volunteer"]))
        register_visit(
            db.session, desk, VisitInput(purposes=[VisitPurpose.BRIEFING], arrived_at=utcnow(), visitor_id=ids["marta"])
        )
        db.session.commit()
        db.session.remove()
    yield ids
    wipe(app)


def read_on_a_phone_in(locale: str, page: Page) -> bool:
    """German (the longest words) is read at 390 CSS pixels, the width of a phone: axe reads
    the phone layout, and no page may be wider than the screen (WCAG 2.1 1.4.10, reflow);
    wide tables scroll inside themselves, their hidden labels with them."""
    if locale != PHONE_LOCALE:
        return False
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    return True


def too_wide(page: Page) -> int | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > PHONE_WIDTH else None


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_public_pages_have_no_wcag_violations(live_server, demo_ids, axe_page: Page, locale):
    page = axe_page
    phone = read_on_a_phone_in(locale, page)
    found, wide = {}, {}
    for index, path in enumerate(PUBLIC_PAGES):
        page.goto(f"{live_server}{path}?lang={locale}")
        found[path] = violations(page, every_rule=every_rule_turn(index, locale))
        wide[path] = phone and too_wide(page)
    page.goto(f"{live_server}/signup?lang={locale}")
    page.click("main button[type=submit]")  # the page with every error shown
    found["/signup (errors)"] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
    assert {path: width for path, width in wide.items() if width} == {}


@pytest.mark.parametrize("locale", sorted(LOCALES))
@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_signed_in_pages_have_no_wcag_violations(live_server, demo_ids, axe_page: Page, role, locale):
    page = axe_page
    phone = read_on_a_phone_in(locale, page)
    sign_in(page, live_server, ACCOUNTS[role])
    found, wide = {}, {}
    for index, template in enumerate(ROLE_PAGES[role]):
        if not read_in(index, template, locale):
            continue
        path = template.format(**demo_ids)
        separator = "&" if "?" in path else "?"
        response = page.goto(f"{live_server}{path}{separator}lang={locale}")
        # a page showing a bad filter answers 400 (nothing is shown as matching); it is read all the same
        assert response.status == (400 if "=bad" in path else 200), path
        assert page.locator("html").get_attribute("lang") == locale
        found[path] = violations(page, every_rule=role_page_every_rule(index, locale))
        wide[path] = phone and too_wide(page)
    if role == "observer":  # a form with every error shown
        page.goto(f"{live_server}/requests/new?lang={locale}")
        page.fill("#details", "")
        page.click("main button[type=submit]")
        found["/requests/new (errors)"] = violations(page)
        page.goto(f"{live_server}/language-help/new?lang={locale}")
        page.fill("#text", "")
        page.click("main button[type=submit]")
        found["/language-help/new (errors)"] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
    assert {path: width for path, width in wide.items() if width} == {}


def test_no_style_depends_on_the_language():
    """The locale-independent rules read each page in one locale: that holds while no style
    rule selects by language (`:lang()`, `[lang]`) and every locale is served the same sheet;
    and every locale takes a turn on the public pages."""
    css = STYLESHEET.read_text(encoding="utf-8")
    assert ":lang(" not in css
    assert "[lang" not in css
    assert sorted({index % len(LOCALE_ORDER) for index in range(len(PUBLIC_PAGES))}) == list(range(5))
    for pages in ROLE_PAGES.values():  # every page is read by every rule in some locale, variants too
        for index, template in enumerate(pages):
            assert any(read_in(index, template, code) and role_page_every_rule(index, code) for code in LOCALE_ORDER), (
                template
            )
        assert {code for index in range(len(pages)) for code in TURNS if read_in(index, pages[index], code)} == set(
            TURNS
        )
    assert VARIANTS <= {template for pages in ROLE_PAGES.values() for template in pages}


def test_every_data_table_can_be_scrolled_with_the_keyboard():
    """On a phone every data table scrolls inside itself (portal.css): one that holds no
    field or link must take the focus (tabindex="0") and have a name (a caption or
    aria-labelledby), or keyboard users cannot reach what is off screen (WCAG 2.1.1)."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    unreachable = []
    for path in sorted(templates.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b[^>]*>(.*?)</table>", html, re.S):
            tag, body = match.group(0)[: match.group(0).index(">") + 1], match.group(1)
            holds_fields = "{{ field(" in body or "<input" in body or "render_field" in body
            named = "<caption" in body or "aria-labelledby=" in tag
            if "data-table" in tag and not holds_fields and not ('tabindex="0"' in tag and named):
                unreachable.append(f"{path.relative_to(templates)}: {tag}")
    assert unreachable == []
