"""Machine drafts through deep-translator's real LibreTranslator code path, against a
local LibreTranslate stand-in (pytest-stand_in) on 127.0.0.1."""

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
def libre(app, stand_in):
    app.config.update(TRANSLATOR="libre", TRANSLATOR_URL=stand_in.url_for("/"), TRANSLATOR_TIMEOUT=1.0)
    yield stand_in
    app.config.update(TRANSLATOR="none", TRANSLATOR_URL="", TRANSLATOR_TIMEOUT=10.0)


def translator(stand_in, timeout=1.0) -> MachineTranslator:
    return MachineTranslator(provider="libre", timeout=timeout, url=stand_in.url_for("/"), api_key="local")


def test_translate_sends_what_libretranslate_expects(stand_in):
    stand_in.expect_request("/translate", method="POST").respond_with_json({"translatedText": "Wahllokale"})
    assert translator(stand_in).translate("Polling stations", "en", "de") == "Wahllokale"
    request, _ = stand_in.log[0]
    query = parse_qs(request.query_string.decode())
    assert query["q"] == ["Polling stations"]
    assert query["source"] == ["en"]
    assert query["target"] == ["de"]
    assert query["format"] == ["text"]
    assert query["api_key"] == ["local"]


def test_kazakh_is_refused_before_any_request(stand_in):
    with pytest.raises(MachineTranslationError) as error:
        translator(stand_in).translate("Polling stations", "en", "kk")
    assert error.value.reason == "unsupported"
    assert len(stand_in.log) == 0


def test_server_error_becomes_a_clear_message(stand_in):
    stand_in.expect_request("/translate").respond_with_data("boom", status=500)
    with pytest.raises(MachineTranslationError) as error:
        translator(stand_in).translate("Voters", "en", "de")
    assert error.value.reason == "unavailable"
    assert "unavailable" in str(error.value.message)


def test_unreachable_server_becomes_a_clear_message():
    dead = MachineTranslator(provider="libre", timeout=1.0, url="http://127.0.0.1:9/", api_key="x")
    with pytest.raises(MachineTranslationError) as error:
        dead.translate("Voters", "en", "de")
    assert error.value.reason == "unavailable"


def test_a_hanging_server_is_cut_off_at_the_timeout(stand_in):
    def slow(_request):
        time.sleep(2.5)
        return Response(json.dumps({"translatedText": "zu spät"}), content_type="application/json")

    stand_in.expect_request("/translate").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(MachineTranslationError) as error:
        translator(stand_in, timeout=0.5).translate("Voters", "en", "de")
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


def test_a_translation_requests_machine_draft_goes_through_the_queue(app, libre, login_as):
    """The request workspace asks the same way: the draft is queued, made once, and shown."""
    from observer_portal.models import DraftOutcome, MachineDraft, Proficiency, TranslationJob
    from observer_portal.services.language_help import file_job
    from tests.test_language_help import LANGS, written

    libre.expect_request("/translate", method="POST").respond_with_handler(fake_libre)
    speaks = {"en": Proficiency.FLUENT, "de": Proficiency.NATIVE}
    client, dana = login_as("volunteer", languages=speaks, on_duty=True)
    with app.app_context():
        observer = make_user("observer")
        request, _ = file_job(db.session, observer, written("en", "de", text="Polling stations\n\nVoters"), LANGS)
        db.session.commit()
        assert request.assignee_id == dana.id  # routed to the one German speaker on duty
        request_id = request.id
    page = f"/language-help/{request_id}/work"
    response = post_form(client, page.replace("/work", "/machine"), {}, page=page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Wahllokale\n\nWähler" in html
    with app.app_context():
        assert db.session.get(TranslationJob, request_id).machine_draft == "Wahllokale\n\nWähler"
        assert db.session.scalars(select(MachineDraft.outcome)).all() == [DraftOutcome.DONE]


# ---------------------------------------------------------------- DeepL, through DeepL's own package


def deepl_translator(stand_in, timeout=1.0) -> MachineTranslator:
    return MachineTranslator(provider="deepl", timeout=timeout, url=stand_in.url_for("/"), api_key="test-key:fx")


def _sent(request) -> dict:
    """What the package sent: a JSON body (form-encoded in older versions)."""
    if request.is_json:
        return request.get_json()
    return {key: values if len(values) > 1 else values[0] for key, values in request.form.lists()}


def test_deepl_is_asked_the_way_its_api_documents(stand_in):
    answer = {"translations": [{"detected_source_language": "EN", "text": "Wähler", "billed_characters": 6}]}
    stand_in.expect_request("/v2/translate", method="POST").respond_with_json(answer)
    assert deepl_translator(stand_in).translate("Voters", "en", "de") == "Wähler"
    request, _ = stand_in.log[-1]
    assert request.headers["Authorization"] == "DeepL-Auth-Key test-key:fx"  # a header, never a parameter
    assert "auth_key" not in request.url
    assert "auth_key" not in request.get_data(as_text=True)
    sent = _sent(request)
    assert sent["text"] in (["Voters"], "Voters")
    assert (sent["source_lang"], sent["target_lang"]) == ("EN", "DE")


@pytest.mark.parametrize(
    "reply", [{"translations": [{"text": None}]}, {"translations": [{}]}, {"translations": "x"}, [], {"n": 1}]
)
def test_an_answer_of_the_wrong_shape_is_a_failure_not_a_crash(stand_in, reply):
    stand_in.expect_request("/v2/translate").respond_with_json(reply)
    with pytest.raises(MachineTranslationError) as error:
        deepl_translator(stand_in).translate("Voters", "en", "de")
    assert error.value.reason in ("no_result", "unavailable")


def test_deepl_into_english_names_which_english(stand_in):
    answer = {"translations": [{"detected_source_language": "DE", "text": "Voters", "billed_characters": 6}]}
    stand_in.expect_request("/v2/translate", method="POST").respond_with_json(answer)
    deepl_translator(stand_in).translate("Wähler", "de", "en")
    assert _sent(stand_in.log[-1][0])["target_lang"] == "EN-GB"


@pytest.mark.parametrize(
    ("status", "reason"),
    [(403, "unauthorised"), (456, "unavailable"), (429, "unavailable"), (500, "unavailable"), (503, "unavailable")],
)
def test_deepl_refusals_become_clear_messages_without_retries(stand_in, status, reason):
    stand_in.expect_request("/v2/translate").respond_with_json({"message": "no"}, status=status)
    started = time.monotonic()
    with pytest.raises(MachineTranslationError) as error:
        deepl_translator(stand_in).translate("Voters", "en", "de")
    assert error.value.reason == reason
    assert len(stand_in.log) == 1  # the person is told at once; they may ask again
    assert time.monotonic() - started < 1


def test_a_hanging_deepl_is_cut_off_at_the_timeout(stand_in):
    def slow(_request):
        time.sleep(2.5)
        return Response(json.dumps({"translations": [{"text": "zu spät"}]}), content_type="application/json")

    stand_in.expect_request("/v2/translate").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(MachineTranslationError) as error:
        deepl_translator(stand_in, timeout=0.5).translate("Voters", "en", "de")
    assert time.monotonic() - started < 1.5
    assert error.value.reason == "timeout"


def test_the_workspace_names_the_external_service_as_people_know_it(app, login_as):
    app.config.update(TRANSLATOR="deepl", TRANSLATOR_API_KEY="k")
    try:
        client, _ = login_as("coordinator")
        with app.app_context():
            briefing_id = make_briefing(make_centre("atyrau")).id
        html = client.get(f"/briefings/{briefing_id}/translate/de").get_data(as_text=True)
    finally:
        app.config.update(TRANSLATOR="none", TRANSLATOR_API_KEY="")
    assert "The text will be sent to an external service (DeepL)." in html


def test_an_answer_that_trickles_in_is_cut_off_and_frees_its_thread(stand_in):
    """A socket timeout applies to each read, so an answer sent a byte at a time would hold
    a translation thread for minutes; the reading watches the call's deadline instead. Six
    such answers in a row (more than the four threads) and the next answer is still read."""

    def trickle(_request):
        def body():
            for _ in range(40):
                time.sleep(0.1)
                yield b" "

        return Response(body(), content_type="application/json", headers={"Content-Length": "40"})

    stand_in.expect_request("/translate", method="POST", data="").respond_with_handler(trickle)
    slow = translator(stand_in, timeout=0.4)
    started = time.monotonic()
    for _ in range(6):
        with pytest.raises(MachineTranslationError) as error:
            slow.translate("Voters", "en", "de")
        assert error.value.reason == "timeout"
    assert time.monotonic() - started < 6 * 0.4 + 2
    time.sleep(0.5)  # the last trickle notices its deadline at its next byte
    stand_in.clear()
    stand_in.expect_request("/translate", method="POST").respond_with_json({"translatedText": "Wähler"})
    assert translator(stand_in, timeout=2).translate("Voters", "en", "de") == "Wähler"


def test_a_wrapped_paragraph_is_sent_as_one_text():
    """Authors wrap long lines; the service must read whole sentences, not halves."""
    sent: list[str] = []

    def upper(text: str) -> str:
        sent.append(text)
        return text.upper()

    source = "## Transport\n\nInvataxi vehicles carry voters\nwith disabilities on election day.\n\n- call **109**\n"
    result = translate_markdown(source, upper)
    assert sent == ["Transport", "Invataxi vehicles carry voters with disabilities on election day.", "call **109**"]
    assert (
        result
        == "## TRANSPORT\n\nINVATAXI VEHICLES CARRY VOTERS WITH DISABILITIES ON ELECTION DAY.\n\n- CALL **109**\n"
    )
