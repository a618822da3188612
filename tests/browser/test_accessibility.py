"""axe-core (shipped inside axe-playwright-python) on every page type, per role, in all
five locales: no violation of WCAG 2.1 A/AA rules is allowed."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.i18n import LOCALES
from observer_portal.models import Briefing, User
from observer_portal.services.demo_briefings import load_demo_briefings
from tests.helpers import PASSWORD, make_centre, make_user

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AXE = Axe()

PUBLIC_PAGES = ["/", "/login", "/signup", "/centres/atyrau", "/nowhere"]
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
    ],
    "volunteer": ["/account"],
    "observer": ["/account"],
}


def violations(page: Page) -> list[str]:
    result = AXE.run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]


def seed(app) -> dict[str, int]:
    with app.app_context():
        make_centre(
            "atyrau", name="Atyrau Centre", region="Atyrau", phone="+7 7122 00 00 00", opening_hours="08:00–22:00"
        )
        make_centre("karaganda", name="Karaganda Centre", region="Karaganda")
        make_user("coordinator", "coordinator@example.org")
        volunteer = make_user(
            "volunteer", "volunteer@example.org", on_duty=True, languages={"de": "fluent", "ru": "native"}
        )
        observer = make_user("observer", "observer@example.org")
        coordinator = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
        load_demo_briefings(db.session, {"atyrau": coordinator})
        db.session.commit()
        ids = {slug: id_ for slug, id_ in db.session.execute(select(Briefing.slug, Briefing.id))}
        return {
            "volunteer": volunteer.id,
            "observer": observer.id,
            "briefing": ids["atyrau-overview"],
            "contacts": ids["atyrau-contacts"],
        }


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
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
    sign_in(page, live_server, f"{role}@example.org")
    found = {}
    for template in ROLE_PAGES[role]:
        path = template.format(**ids)
        page.goto(f"{live_server}{path}?lang={locale}")
        assert page.locator("html").get_attribute("lang") == locale
        found[path] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
