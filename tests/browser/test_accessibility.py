"""axe-core (shipped inside axe-playwright-python) on every page type, per role, in all
five locales, over the full demo data: no violation of WCAG 2.1 A/AA rules is allowed."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from sqlalchemy import select

from observer_portal.demo import DEMO_PASSWORD, load_demo
from observer_portal.extensions import db
from observer_portal.i18n import LOCALES
from observer_portal.models import Briefing, EquipmentItem, ServiceRequest, User

# resultTypes: axe details only the violations (passes and "incomplete" are counted, not
# described), which is all the test reads: the same verdicts in about 60 % of the time.
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()

PUBLIC_PAGES = [
    "/", "/login", "/signup", "/centres/atyrau", "/nowhere",
    "/briefings/", "/briefings/atyrau/atyrau-overview", "/briefings/atyrau/atyrau-accessibility",
    "/briefings/atyrau/atyrau-contacts",
]  # fmt: skip
ACCOUNTS = {
    "coordinator": "coordinator@atyrau.example.org",
    "volunteer": "dana@atyrau.example.org",
    "observer": "h.mueller@osce.example.org",
}
ROLE_PAGES = {
    "coordinator": [
        "/", "/account", "/account/password", "/staff/", "/staff/new", "/staff/{volunteer}", "/staff/{observer}",
        "/staff/audit", "/briefings/manage", "/briefings/new", "/briefings/{briefing}/edit",
        "/briefings/{briefing}/history", "/briefings/{briefing}/translate/de", "/briefings/{contacts}/translate/ru",
        "/requests/queue", "/requests/{walk_in}", "/inventory/", "/inventory/new", "/inventory/{item}",
        "/inventory/{item}/edit", "/notifications", "/language-help/coverage", "/requests/{unroutable}",
        "/language-help/{language_job}/work", "/visits/", "/visits/?kind=media&date_from=bad",
        "/visits/visitors/{marta}", "/visits/visitors/{marta}/merge?duplicate={marta_again}",
        "/visits/visitors/{marta}/merge?q=kowalska",
    ],
    "volunteer": [
        "/account", "/briefings/manage", "/briefings/{briefing}/translate/de", "/requests/queue",
        "/requests/queue?overdue=y", "/requests/new-for-visitor", "/requests/{open}", "/inventory/",
        "/inventory/{free_item}", "/language-help/jobs", "/language-help/{language_job}/work",
        "/language-help/bookings", "/visits/desk", "/visits/desk?q=osce", "/visits/desk?q=nobody-at-all",
        "/visits/visitors", "/visits/visitors?q=marta", "/visits/visitors/{marta}",
    ],
    "observer": [
        "/account", "/briefings/atyrau/atyrau-overview", "/requests/", "/requests/new", "/requests/{own}",
        "/notifications", "/language-help/new", "/requests/{language_job}", "/visits/mine",
    ],
}  # fmt: skip


def violations(page: Page) -> list[str]:
    result = AXE.run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]


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
        return {
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


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_public_pages_have_no_wcag_violations(app, live_server, page: Page, locale):
    seed(app)
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server}{path}?lang={locale}")
        found[path] = violations(page)
    page.goto(f"{live_server}/signup?lang={locale}")
    page.click("main button[type=submit]")  # the page with every error shown
    found["/signup (errors)"] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}


@pytest.mark.parametrize("locale", sorted(LOCALES))
@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_signed_in_pages_have_no_wcag_violations(app, live_server, page: Page, role, locale):
    ids = seed(app)
    sign_in(page, live_server, ACCOUNTS[role])
    found = {}
    for template in ROLE_PAGES[role]:
        path = template.format(**ids)
        separator = "&" if "?" in path else "?"
        response = page.goto(f"{live_server}{path}{separator}lang={locale}")
        # a page showing a bad filter answers 400 (nothing is shown as matching); it is read all the same
        assert response.status == (400 if "=bad" in path else 200), path
        assert page.locator("html").get_attribute("lang") == locale
        found[path] = violations(page)
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


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_no_page_scrolls_sideways_on_a_phone(app, live_server, page: Page, role):
    """WCAG 2.1 1.4.10 (reflow): at 390 CSS pixels no page is wider than the screen, in German
    (long words); wide tables scroll inside themselves, their hidden labels with them."""
    from observer_portal.models import VisitPurpose
    from observer_portal.models.base import utcnow
    from observer_portal.services.visits import VisitInput, register_visit

    ids = seed(app)
    with app.app_context():  # a visit of today: the desk's table has rows (with hidden labels)
        desk = db.session.scalar(select(User).where(User.email == ACCOUNTS["volunteer"]))
        register_visit(db.session, desk, VisitInput(purposes=[VisitPurpose.BRIEFING], arrived_at=utcnow(),
                                                    visitor_id=ids["marta"]))  # fmt: skip
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, ACCOUNTS[role])
    wide = {}
    for template in ROLE_PAGES[role]:
        path = template.format(**ids)
        separator = "&" if "?" in path else "?"
        page.goto(f"{live_server}{path}{separator}lang=de")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}
