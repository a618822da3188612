"""axe-core (shipped inside axe-playwright-python) on every page type, per role, over the
full demo data: no violation of WCAG 2.1 A/AA rules is allowed, no page is wider than the
screen, and screenshots are kept under test-artifacts/screens/ for people to look at.

Every signed-in page is read in English, Russian and Kazakh (the issue's matrix: the
source, the Cyrillic locales, the longest Kazakh words) at the width of a phone (390 × 844)
and of a laptop (1,366 × 900): axe reads it and a screenshot is kept at one of the two
widths (they take turns between the locales), the width and the charts are measured at both. German, whose compound words are the longest of
the five, is read for its width on a phone. French and German are read by axe on the
public pages, with the other three.

What a translation changes on a page is its words — names, labels, titles, alternatives,
the language it declares, and how long a line is (a region that starts to scroll must be
reachable by keyboard). The rules that read those (`WORDING_CATEGORIES`) run on every
reading. The other rules read what is the same in every locale (markup, ARIA attributes,
tables, lists, ids, colours: the stylesheet has no rule that depends on the language,
`test_no_style_depends_on_the_language`); they run on each page in one locale, the locales
taking turns page by page. Colour contrast alone was 60-80 % of axe's time on a page with
a table: running the locale-independent rules on every reading proved nothing new at the
cost of minutes of the suite."""

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
    "/developers/api",
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
        "/reports/equal-treatment",
        "/reports/daily",
        "/reports/daily?period=week",
        "/reports/daily/subscriptions",
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
        "/glossary/",
        "/glossary/propose",
        "/glossary/{term}",
        "/glossary/import",
    ],
    "volunteer": [
        "/",
        "/account",
        "/briefings/manage",
        "/briefings/{briefing}/translate/de",
        "/requests/queue",
        "/requests/queue?overdue=y",
        "/requests/new-for-visitor",
        "/language-help/new-for-visitor?mode=phone",
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
        "/visits/visitors/{marta}/badge",
        "/visits/desk?q=kowalska&new=1",
        "/glossary/",
    ],
    "observer": [
        "/",
        "/account",
        "/briefings/atyrau/atyrau-overview",
        "/requests/",
        "/requests/ask",
        "/requests/new",
        "/requests/{own}",
        "/notifications",
        "/language-help/new",
        "/language-help/new?mode=interpretation",
        "/requests/{language_job}",
        "/visits/mine",
        "/account/tokens",
    ],
}


#: pages that are another state of a page listed before them (an error shown, a search
#: made, another record of the same kind): their markup is that page's, their words the
#: same catalog's. They are not read again at the phone's width.
VARIANTS = {
    "/staff/{observer}",
    "/reports/daily?period=week",
    "/briefings/{contacts}/translate/ru",
    "/requests/{unroutable}",
    "/visits/?kind=media&date_from=bad",
    "/visits/visitors/{marta}/merge?q=kowalska",
    "/inventory/{item}/edit",
    "/requests/queue?overdue=y",
    "/language-help/new?mode=interpretation",
    "/visits/desk?q=osce",
    "/visits/visitors?q=marta",
}


#: the locales of the signed-in pages, each at both widths; the first of them, by turns, with every rule
MATRIX_LOCALES = ("en", "ru", "kk")
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def role_page_every_rule(index: int, locale: str) -> bool:
    return MATRIX_LOCALES[index % len(MATRIX_LOCALES)] == locale


def axe_width(index: int, locale: str) -> dict:
    """The width axe reads a page at, in turns: each page is read by axe at both widths."""
    return (PHONE, LAPTOP)[(index + MATRIX_LOCALES.index(locale)) % 2]


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
        from observer_portal.models import GlossaryTerm

        term = db.session.scalar(select(GlossaryTerm.id).where(GlossaryTerm.key == "polling-station"))
        return {
            "term": term,
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


#: what a reading measures at each width: how wide the document is (no page may be wider than
#: the screen: WCAG 2.1 1.4.10, reflow; wide tables scroll inside themselves, their hidden
#: labels with them) and where each chart is (inside the screen, at most CHART_HEIGHT tall)
MEASURE_JS = """() => ({
    width: document.documentElement.scrollWidth,
    charts: [...document.querySelectorAll("svg.chart")].map(chart => {
        const box = chart.getBoundingClientRect();
        return {left: box.left, right: box.right, height: box.height};
    }),
})"""
CHART_HEIGHT = 320


def misfits(page: Page) -> list[str]:
    """What does not fit the screen at the page's present width."""
    viewport = page.viewport_size["width"]
    measured = page.evaluate(MEASURE_JS)
    found = [f"{measured['width']} px wide at {viewport}"] if measured["width"] > viewport else []
    for chart in measured["charts"]:
        if chart["left"] < 0 or chart["right"] > viewport or chart["height"] > CHART_HEIGHT:
            found.append(f"chart {chart} at {viewport}")
    return found


def keep_screenshot(page: Page, name: str) -> None:
    """A picture of the reading, for people to look at: test-artifacts/screens/ (not compared)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    page.screenshot(path=SCREENS / f"{slug}-{page.viewport_size['width']}.jpeg", type="jpeg", quality=40)


def read_at_both_widths(page: Page, url: str, name: str, *, every_rule: bool, axe_at: dict) -> tuple[int, list, list]:
    """Open `url` at the width axe reads it at, read it; then measure it at the other width (a
    new width needs no new navigation). The widths take turns between the locales. A page is
    pictured once, in the locale whose turn it is to be read by every rule (a picture costs
    a tenth of a reading)."""
    page.set_viewport_size(axe_at)
    response = page.goto(url)
    found = violations(page, every_rule=every_rule)
    unfit = misfits(page)
    if every_rule:
        keep_screenshot(page, name)
    page.set_viewport_size(LAPTOP if axe_at is PHONE else PHONE)
    unfit += misfits(page)
    return response.status, found, unfit


def read_for_width_on_a_phone(page: Page, url: str) -> list[str]:
    page.set_viewport_size(PHONE)
    page.goto(url)
    return misfits(page)


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_public_pages_have_no_wcag_violations(live_server, demo_ids, axe_page: Page, locale):
    page = axe_page
    found, unfit = {}, {}
    for index, path in enumerate(PUBLIC_PAGES):
        url = f"{live_server}{path}?lang={locale}"
        if locale in MATRIX_LOCALES:
            every_rule = every_rule_turn(index, locale)
            _, found[path], unfit[path] = read_at_both_widths(
                page, url, f"public-{path}-{locale}", every_rule=every_rule, axe_at=axe_width(index, locale)
            )
        else:  # German and French: axe at a phone's width
            unfit[path] = read_for_width_on_a_phone(page, url)
            found[path] = violations(page, every_rule=every_rule_turn(index, locale))
    page.goto(f"{live_server}/signup?lang={locale}")
    page.click("main button[type=submit]")  # the page with every error shown
    found["/signup (errors)"] = violations(page)
    unfit["/signup (errors)"] = misfits(page)
    assert {path: v for path, v in found.items() if v} == {}
    assert {path: v for path, v in unfit.items() if v} == {}


@pytest.mark.parametrize("locale", [*MATRIX_LOCALES, "de"])
@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_signed_in_pages_have_no_wcag_violations(live_server, demo_ids, axe_page: Page, role, locale):
    """English, Russian and Kazakh: axe and width at both widths (a screenshot of each page
    once); German: the width on a phone (its words are the longest)."""
    page = axe_page
    sign_in(page, live_server, ACCOUNTS[role])
    found, unfit = {}, {}
    for index, template in enumerate(ROLE_PAGES[role]):
        path = template.format(**demo_ids)
        separator = "&" if "?" in path else "?"
        url = f"{live_server}{path}{separator}lang={locale}"
        if locale not in MATRIX_LOCALES:
            if template not in VARIANTS:
                unfit[path] = read_for_width_on_a_phone(page, url)
            continue
        status, found[path], unfit[path] = read_at_both_widths(
            page,
            url,
            f"{role}-{template}-{locale}",
            every_rule=role_page_every_rule(index, locale),
            axe_at=axe_width(index, locale),
        )
        # a page showing a bad filter answers 400 (nothing is shown as matching); it is read all the same
        assert status == (400 if "=bad" in path else 200), path
        assert page.locator("html").get_attribute("lang") == locale
    if role == "observer" and locale in MATRIX_LOCALES:  # a form with every error shown
        page.goto(f"{live_server}/requests/new?lang={locale}")
        page.fill("#details", "")
        page.click("main button[type=submit]")
        found["/requests/new (errors)"] = violations(page)
        page.goto(f"{live_server}/language-help/new?lang={locale}")
        page.fill("#text", "")
        page.click("main button[type=submit]")
        found["/language-help/new (errors)"] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
    assert {path: v for path, v in unfit.items() if v} == {}


def test_no_style_depends_on_the_language():
    """The locale-independent rules read each page in one locale: that holds while no style
    rule selects by language (`:lang()`, `[lang]`) and every locale is served the same sheet;
    and every locale takes a turn on the public pages, every page is read by every rule in
    some locale, and by axe at both widths."""
    css = STYLESHEET.read_text(encoding="utf-8")
    assert ":lang(" not in css
    assert "[lang" not in css
    assert sorted({index % len(LOCALE_ORDER) for index in range(len(PUBLIC_PAGES))}) == list(range(5))
    for pages in ROLE_PAGES.values():
        for index in range(len(pages)):
            assert sum(role_page_every_rule(index, code) for code in MATRIX_LOCALES) == 1
            assert {axe_width(index, code)["width"] for code in MATRIX_LOCALES} == {390, 1366}
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
