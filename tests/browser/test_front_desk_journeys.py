"""The front desk with a queue at the door, in Chromium: a badge scanned into the search
(a scanner types the digits and Enter) and one submit; a new visitor on one page after a
search that found nobody. Submits are counted as the browser sends them."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import Visit, VisitorProfile
from observer_portal.services.badges import badge_code
from tests.helpers import PASSWORD, make_centre, make_user


def desk_ready(app, live_server: str, page: Page) -> list[str]:
    with app.app_context():
        make_centre("atyrau", name="Atyrau Centre", region="Atyrau")
        make_user("volunteer", "desk@example.org", name="Dana Volunteer")
    page.goto(f"{live_server}/login")
    page.fill("#email", "desk@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live_server}/visits/desk")
    # the search has the focus when the page opens (autofocus): typing starts there, once it has it
    expect(page.locator("#q")).to_be_focused()
    return sent


def visits_of(app, name: str) -> int:
    with app.app_context():
        visitor_ids = select(VisitorProfile.id).where(VisitorProfile.full_name == name)
        return len(db.session.scalars(select(Visit.id).where(Visit.visitor_id.in_(visitor_ids))).all())


def test_a_scanned_badge_and_one_submit_register_a_returning_visitor(app, live_server, page: Page):
    with app.app_context():
        hannah = VisitorProfile(kind="observer", full_name="Hannah Müller", accreditation_number="ODIHR-LTO-0142")
        db.session.add(hannah)
        db.session.commit()
        with app.test_request_context():
            code = badge_code(hannah.id)
    sent = desk_ready(app, live_server, page)
    # the search field has the focus: the scanner types into it and presses Enter
    expect(page.locator("input[name=q]")).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Hannah Müller").first).to_be_visible()
    assert page.locator("input[name=full_name]").count() == 0  # nothing to fill for someone known
    page.get_by_label("Briefing about the region").check()
    page.get_by_role("button", name="Register the visit").click()
    expect(page.get_by_text("Visit of Hannah Müller registered.")).to_be_visible()
    assert len(sent) == 1
    assert visits_of(app, "Hannah Müller") == 1
    expect(
        page.locator("input[name=q]")
    ).to_be_focused()  # ready for the next in the queue (autofocus waits for a frame)


def test_a_card_number_typed_into_the_search_finds_the_visitor_whatever_the_case(app, live_server, page: Page):
    with app.app_context():
        db.session.add(VisitorProfile(kind="media", full_name="Oliver Hughes", accreditation_number="PRESS-RTR-3390"))
        db.session.commit()
    sent = desk_ready(app, live_server, page)
    page.keyboard.type("press-rtr-3390")
    page.keyboard.press("Enter")
    page.get_by_label("Internet access").check()
    page.get_by_role("button", name="Register the visit").click()
    expect(page.get_by_text("Visit of Oliver Hughes registered.")).to_be_visible()
    assert len(sent) == 1
    assert visits_of(app, "Oliver Hughes") == 1


def test_a_new_visitor_is_one_page_after_a_search_that_found_nobody(app, live_server, page: Page):
    sent = desk_ready(app, live_server, page)
    page.keyboard.type("Camille Martin")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Nobody found for “Camille Martin”")).to_be_visible()
    expect(page.get_by_label("Full name of a new visitor")).to_have_value("Camille Martin")  # not typed twice
    page.get_by_label("Media representative").check()
    page.get_by_label("Mission or media outlet").fill("Agence France-Presse")
    page.get_by_label("Translation").check()
    page.get_by_role("button", name="Register the visit").click()
    expect(page.get_by_text("Visit of Camille Martin registered.")).to_be_visible()
    assert len(sent) == 1
    assert visits_of(app, "Camille Martin") == 1
