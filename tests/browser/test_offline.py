"""Briefings that work without a network: Chromium opens two briefings, goes offline, and
reloads both and their centre's page — each is the copy the service worker kept, with the
time it was saved written in the page's language, and nothing personal in it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import update

from observer_portal.extensions import db
from observer_portal.models import Briefing
from tests.briefing_helpers import make_briefing
from tests.helpers import PASSWORD, make_centre, make_user


def _world(app) -> None:
    with app.app_context():
        centre = make_centre("atyrau", phone="+7 7122 27 63 00")
        make_briefing(centre, slug="atyrau-overview", title="Atyrau region: overview")
        make_briefing(centre, slug="atyrau-contacts", title="Contacts and hotlines", body="Hotline: **1414**.\n")
        make_user("observer", "reader@example.org", name="Rosa Reader", preferred_locale="de")
        db.session.commit()


def test_opened_briefings_and_their_centre_open_offline_with_the_time_they_were_saved(
    app, live_server, browser: Browser
):
    _world(app)
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label(re.compile("E-Mail")).fill("reader@example.org")
    page.get_by_label(re.compile("Passwort")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden")).click()
    page.goto(f"{live_server}/briefings/atyrau/atyrau-overview")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for slug in ("atyrau-overview", "atyrau-contacts"):  # read with the worker in place
        page.goto(f"{live_server}/briefings/atyrau/{slug}")
        expect(page.locator("[data-offline-notice]")).to_be_hidden()  # online: the page itself
    page.wait_for_function(
        """async () => {
            const cache = await caches.open("observer-portal-offline-v1");
            const kept = await cache.keys();
            return kept.length >= 3;
        }"""
    )

    context.set_offline(True)
    for path, words in (
        ("/briefings/atyrau/atyrau-overview", "261"),
        ("/briefings/atyrau/atyrau-contacts", "1414"),
        ("/centres/atyrau", "+7 7122 27 63 00"),
    ):
        page.goto(f"{live_server}{path}")
        expect(page.locator("main")).to_contain_text(words)
        notice = page.locator("[data-offline-notice]")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("offline")  # German: "Sie sind offline …"
        saved = notice.locator("time").get_attribute("datetime")
        assert re.match(r"\d{4}-\d\d-\d\dT", saved or ""), saved
        assert re.search(r"\d", notice.locator("time").inner_text())
        assert page.locator("html").get_attribute("lang") == "de"
        assert "Rosa Reader" not in page.content()  # a copy without cookies: nothing personal
    with pytest.raises(PlaywrightError, match="INTERNET_DISCONNECTED"):  # never kept: nothing personal is
        page.goto(f"{live_server}/requests/")

    context.set_offline(False)  # the contacts briefing is withdrawn: its copies go with it
    with app.app_context():
        db.session.execute(update(Briefing).where(Briefing.slug == "atyrau-contacts").values(published=False))
        db.session.commit()
    assert page.goto(f"{live_server}/briefings/atyrau/atyrau-contacts").status == 404
    page.wait_for_function(
        """async () => {
            const cache = await caches.open("observer-portal-offline-v1");
            return !(await cache.keys()).some((r) => r.url.includes("atyrau-contacts"));
        }"""
    )
    context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.goto(f"{live_server}/briefings/atyrau/atyrau-contacts")
    context.set_offline(False)
    context.close()


def test_the_very_first_page_a_reader_opens_is_kept_and_each_language_read(app, live_server, browser: Browser):
    """A reader who is not signed in opens a briefing as their first page (the worker is not
    in place yet when it loads): it is kept, and offline the Kazakh notice writes the time as
    Kazakh does by hand; reading it in Russian too keeps a copy in each language."""
    _world(app)
    context = browser.new_context(locale="kk-KZ", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server}/briefings/atyrau/atyrau-overview?lang=kk")
    page.wait_for_function(KEPT_IN, arg=["atyrau-overview?lang=kk", "kk"])
    page.wait_for_function(KEPT_IN, arg=["/centres/atyrau?lang=kk", "kk"])  # its centre's too: the worker is done
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")  # the worker claimed the page
    context.set_offline(True)
    later = context.new_page()  # opened again later, from a bookmark: a new navigation, not a reload
    later.goto(f"{live_server}/briefings/atyrau/atyrau-overview?lang=kk")
    assert later.locator("html").get_attribute("lang") == "kk"
    expect(later.locator("[data-offline-notice] time")).to_have_text(re.compile(r"^\d\d\.\d\d\.\d{4}, \d\d:\d\d$"))
    later.close()
    context.set_offline(False)
    page.goto(f"{live_server}/briefings/atyrau/atyrau-overview?lang=ru")
    page.wait_for_function(KEPT_IN, arg=["atyrau-overview?lang=ru", "ru"])
    page.wait_for_function(KEPT_IN, arg=["atyrau-overview?lang=kk", "kk"])  # the other language stays
    context.close()


#: is a copy kept under an address ending so, in that language?
KEPT_IN = """async ([ending, lang]) => {
    const cache = await caches.open("observer-portal-offline-v1");
    for (const request of await cache.keys()) {
        if (!request.url.endsWith(ending)) continue;
        const html = await (await cache.match(request)).text();
        return html.includes('<html lang="' + lang + '"');
    }
    return false;
}"""
