"""Machine drafts through deep-translator's real LibreTranslator code path, against a
local LibreTranslate stand-in (pytest-httpserver) on 127.0.0.1."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from observer_portal.extensions import db
from observer_portal.models import BriefingTranslation, TranslationMemory, TranslationOrigin
from observer_portal.services.machine_translation import MachineTranslationError, MachineTranslator
from observer_portal.services.markdown_text import translate_markdown
from tests.briefing_helpers import make_briefing
from tests.helpers import make_centre, make_user, post_form

GERMAN = {
    "Atyrau region: overview": "Region Atyrau: Überblick",
    "Polling stations": "Wahllokale",
    "The region votes at **261 polling stations**.": "Die Region wählt in **261 Wahllokalen**.",
    "Voters": "Wähler",
    "people": "Personen",
}


def fake_libre(request):
    """Answer like LibreTranslate: POST /translate?q=..&source=..&target=..&format=text&api_key=.."""
    query = parse_qs(request.query_string.decode())
    text = query["q"][0]
    return Response(json.dumps({"translatedText": GERMAN.get(text, f"[de] {text}")}), content_type="application/json")


@pytest.fixture
def libre(app, httpserver):
    app.config.update(TRANSLATOR="libre", TRANSLATOR_URL=httpserver.url_for("/"), TRANSLATOR_TIMEOUT=1.0)
    yield httpserver
    app.config.update(TRANSLATOR="none", TRANSLATOR_URL="", TRANSLATOR_TIMEOUT=10.0)


def translator(httpserver, timeout=1.0) -> MachineTranslator:
    return MachineTranslator(provider="libre", timeout=timeout, url=httpserver.url_for("/"), api_key="local")


def test_translate_sends_what_libretranslate_expects(httpserver):
    httpserver.expect_request("/translate", method="POST").respond_with_json({"translatedText": "Wahllokale"})
    assert translator(httpserver).translate("Polling stations", "en", "de") == "Wahllokale"
    request, _ = httpserver.log[0]
    query = parse_qs(request.query_string.decode())
    assert query["q"] == ["Polling stations"]
    assert query["source"] == ["en"]
    assert query["target"] == ["de"]
    assert query["format"] == ["text"]
    assert query["api_key"] == ["local"]


def test_kazakh_is_refused_before_any_request(httpserver):
    with pytest.raises(MachineTranslationError) as error:
        translator(httpserver).translate("Polling stations", "en", "kk")
    assert error.value.reason == "unsupported"
    assert len(httpserver.log) == 0


def test_server_error_becomes_a_clear_message(httpserver):
    httpserver.expect_request("/translate").respond_with_data("boom", status=500)
    with pytest.raises(MachineTranslationError) as error:
        translator(httpserver).translate("Voters", "en", "de")
    assert error.value.reason == "unavailable"
    assert "unavailable" in str(error.value.message)


def test_unreachable_server_becomes_a_clear_message():
    dead = MachineTranslator(provider="libre", timeout=1.0, url="http://127.0.0.1:9/", api_key="x")
    with pytest.raises(MachineTranslationError) as error:
        dead.translate("Voters", "en", "de")
    assert error.value.reason == "unavailable"


def test_a_hanging_server_is_cut_off_at_the_timeout(httpserver):
    def slow(_request):
        time.sleep(2.5)
        return Response(json.dumps({"translatedText": "zu spät"}), content_type="application/json")

    httpserver.expect_request("/translate").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(MachineTranslationError) as error:
        translator(httpserver, timeout=0.5).translate("Voters", "en", "de")
    assert time.monotonic() - started < 1.5
    assert error.value.reason == "timeout"


def test_markdown_structure_survives_translation():
    source = (
        "## Hotlines\n\n- call **109** for help\n1. see [sailau09.kz](https://sailau09.kz)\n"
        "> write to info@example.org\n\n```\ncode stays\n```\n| Station | Floor |\n|---|---|\n| 12 | first |\n"
    )
    result = translate_markdown(source, lambda text: text.upper())
    assert result.startswith("## HOTLINES\n\n- CALL **109** FOR HELP\n")
    assert "1. SEE [SAILAU09.KZ](https://sailau09.kz)" in result
    assert "> WRITE TO info@example.org" in result
    assert "```\ncode stays\n```" in result
    assert "|---|---|" in result
    assert "| 12 | FIRST |" in result


def test_machine_draft_is_stored_and_memory_avoids_a_second_call(app, libre, login_as):
    libre.expect_request("/translate", method="POST").respond_with_handler(fake_libre)
    client, _ = login_as("coordinator")
    with app.app_context():
        centre = make_centre("atyrau")
        briefing_id = make_briefing(centre).id
        other_id = make_briefing(centre, slug="second").id
    response = post_form(
        client, f"/briefings/{briefing_id}/translate/de/machine", {}, page=f"/briefings/{briefing_id}/translate/de"
    )
    assert response.status_code == 302
    calls_for_first = len(libre.log)
    assert calls_for_first == 5  # title, heading, paragraph, two figure labels... and the unit
    with app.app_context():
        draft = db.session.scalar(select(BriefingTranslation).where(BriefingTranslation.locale == "de"))
        assert draft.origin == TranslationOrigin.MACHINE
        assert draft.title == "Region Atyrau: Überblick"
        assert "## Wahllokale" in draft.body
        assert "Die Region wählt in **261 Wahllokalen**." in draft.body
        assert db.session.scalar(select(func.count(TranslationMemory.id))) == calls_for_first
    page = client.get("/briefings/atyrau/atyrau-overview?lang=de").get_data(as_text=True)
    assert "Maschinelle Übersetzung, noch nicht geprüft." in page

    # the same texts in another briefing: everything comes from memory, no HTTP call
    post_form(client, f"/briefings/{other_id}/translate/de/machine", {}, page=f"/briefings/{other_id}/translate/de")
    assert len(libre.log) == calls_for_first


def _count_translations(app):
    with app.app_context():
        return db.session.scalar(select(func.count(BriefingTranslation.id)))


@pytest.mark.parametrize("failure", ["timeout", "error"])
def test_failed_draft_loses_nothing(app, libre, login_as, failure):
    client, user = login_as("coordinator")
    with app.app_context():
        briefing = make_briefing(make_centre("atyrau"))
        briefing_id = briefing.id
        make_user("volunteer")
    # an existing human draft must survive a failed machine run
    post_form(
        client,
        f"/briefings/{briefing_id}/translate/de",
        {"title": "Mein Entwurf", "body": "Von Hand übersetzt.", "save_draft": "1"},
    )
    if failure == "timeout":
        app.config["TRANSLATOR_TIMEOUT"] = 0.5
        libre.expect_request("/translate").respond_with_handler(lambda r: (time.sleep(2), Response("{}"))[1])
    else:
        libre.expect_request("/translate").respond_with_data("down", status=500)
    started = time.monotonic()
    response = post_form(
        client, f"/briefings/{briefing_id}/translate/de/machine", {}, page=f"/briefings/{briefing_id}/translate/de"
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("did not answer in time" if failure == "timeout" else "is unavailable") in html
    assert "Nothing was changed" in html
    with app.app_context():
        translation = db.session.scalar(select(BriefingTranslation).where(BriefingTranslation.locale == "de"))
        assert translation.title == "Mein Entwurf"
        assert translation.body == "Von Hand übersetzt."
        assert translation.origin == TranslationOrigin.HUMAN
        assert db.session.scalar(select(func.count(TranslationMemory.id))) == 0
