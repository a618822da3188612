"""Machine drafts are made by the job queue, never while a page waits (services/machine_drafts.py).

The app here queues to a real Huey queue (a SQLite file) with no worker running, so the
test sees exactly what a person sees between the click and the worker: the page says the
draft is being prepared and no provider has been called. The test then runs the queued
job through Huey, as a worker does.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import BriefingTranslation, DraftOutcome, MachineDraft, TranslationOrigin
from observer_portal.models.base import utcnow
from observer_portal.services import machine_drafts
from observer_portal.services.machine_translation import translator_from_config
from tests.briefing_helpers import make_briefing
from tests.helpers import make_centre, make_user, post_form, sign_in_directly
from tests.test_machine_translation import fake_libre

PAGE = "/briefings/{id}/translate/de"


@pytest.fixture
def queued(make_app, stand_in, tmp_path):
    """An app whose jobs wait in a queue file (no worker), with a LibreTranslate stand-in."""
    stand_in.expect_request("/translate", method="POST").respond_with_handler(fake_libre)
    app = make_app(
        JOB_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        TRANSLATOR="libre",
        TRANSLATOR_URL=stand_in.url_for("/"),
        TRANSLATOR_TIMEOUT=1.0,
    )
    client = app.test_client()
    with app.app_context():
        briefing_id = make_briefing(make_centre("atyrau")).id
        sign_in_directly(client, make_user("coordinator"))
    return app, client, briefing_id


def _ask(client, briefing_id: int):
    page = PAGE.format(id=briefing_id)
    return post_form(client, page + "/machine", {}, page=page)


def _run_queue(app) -> list:
    """Do what a worker does with every job waiting in the queue."""
    queue = app.extensions["jobs"].queue
    results = []
    while (task := queue.dequeue()) is not None:
        results.append(queue.execute(task))
    return results


@pytest.mark.commits
def test_the_page_says_the_draft_is_being_prepared_and_no_provider_is_called_meanwhile(queued, stand_in):
    app, client, briefing_id = queued
    started = time.monotonic()
    response = _ask(client, briefing_id)
    assert response.status_code == 302
    assert time.monotonic() - started < 2
    assert len(stand_in.log) == 0  # the request did not wait on the provider
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A machine draft is being prepared (asked for at" in page
    assert "Make a machine draft" not in page  # no second button while one is waiting

    assert _ask(client, briefing_id).status_code == 302  # a second click changes nothing
    queue = app.extensions["jobs"].queue
    assert queue.pending_count() == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(MachineDraft.id))) == 1

    assert _run_queue(app) == ["done"]
    calls = len(stand_in.log)
    assert calls > 0
    page = client.get(PAGE.format(id=briefing_id)).get_data(as_text=True)
    assert "Region Atyrau: Überblick" in page
    assert "A machine draft is being prepared (asked for at" not in page
    with app.app_context():
        draft = db.session.scalar(select(MachineDraft))
        assert draft.outcome == DraftOutcome.DONE
        translation = db.session.scalar(select(BriefingTranslation).where(BriefingTranslation.locale == "de"))
        assert translation.title == "Region Atyrau: Überblick"
        # the job is done once: running it again (a retry, a second worker) does nothing
        again = machine_drafts.make(db.session, draft.id, translator_from_config(app.config), timedelta(minutes=5))
        assert again is None
    assert len(stand_in.log) == calls


@pytest.mark.commits
def test_a_draft_that_fails_in_the_worker_says_why_and_keeps_the_text(queued, stand_in):
    app, client, briefing_id = queued
    stand_in.clear()
    stand_in.expect_request("/translate").respond_with_data("down", status=503)
    page = PAGE.format(id=briefing_id)
    post_form(client, page, {"title": "Mein Entwurf", "body": "Von Hand.", "save_draft": "1"})
    _ask(client, briefing_id)
    assert _run_queue(app) == ["unavailable"]
    html = client.get(page).get_data(as_text=True)
    assert "was not made" in html
    assert "The machine translation service is unavailable. Nothing was changed" in html
    assert "Make a machine draft" in html  # one may ask again
    with app.app_context():
        translation = db.session.scalar(select(BriefingTranslation).where(BriefingTranslation.locale == "de"))
        assert (translation.title, translation.body) == ("Mein Entwurf", "Von Hand.")


def test_a_draft_whose_worker_died_is_handed_out_again(app_ctx):
    """The sweep queues again a draft nobody is making: never claimed well after it was
    asked for, or claimed by a worker that died; never a fresh, a claimed or a finished one.
    One nobody made within a day is given up, so the page offers the button again."""
    centre = make_centre("atyrau")
    asker = make_user("coordinator")
    now = utcnow()
    rows = {
        "fresh": MachineDraft(locale="de", requested_at=now),
        "never claimed": MachineDraft(locale="fr", requested_at=now - timedelta(minutes=20)),
        "worker died": MachineDraft(
            locale="ru", requested_at=now - timedelta(hours=1), claimed_at=now - timedelta(minutes=30)
        ),
        "being made": MachineDraft(locale="en", requested_at=now - timedelta(hours=1), claimed_at=now),
        "finished": MachineDraft(locale="kk", requested_at=now - timedelta(hours=1), outcome=DraftOutcome.TIMEOUT),
    }
    other = make_briefing(centre, slug="contacts")
    forgotten = MachineDraft(
        locale="de", briefing_id=other.id, requested_by_id=asker.id, requested_at=now - timedelta(days=2)
    )
    db.session.add(forgotten)
    briefing = make_briefing(centre)
    for draft in rows.values():
        draft.briefing_id, draft.requested_by_id = briefing.id, asker.id
        db.session.add(draft)
    db.session.flush()
    stale = set(machine_drafts.stale(db.session, timedelta(minutes=10)))
    assert stale == {rows["never claimed"].id, rows["worker died"].id}
    db.session.refresh(forgotten)
    assert forgotten.outcome == DraftOutcome.EXPIRED
    assert "Ask for it again" in str(machine_drafts.failure_message(forgotten))


def _reviewed_german(briefing):
    from observer_portal.models import BriefingTranslation, ReviewState

    return BriefingTranslation(
        locale="de",
        title="Geprüft",
        body="Von Hand.",
        state=ReviewState.REVIEWED,
        origin=TranslationOrigin.HUMAN,
        source_version=briefing.version,
    )


def _world():
    from observer_portal.models import Proficiency
    from observer_portal.services.machine_translation import MachineTranslator

    centre = make_centre("atyrau")
    briefing = make_briefing(centre)
    speaks = {"en": Proficiency.FLUENT, "de": Proficiency.FLUENT, "kk": Proficiency.NATIVE}
    volunteer = make_user("volunteer", languages=speaks)
    libre = MachineTranslator(provider="libre", url="http://127.0.0.1:9/", timeout=0.5)
    return briefing, volunteer, libre


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        ("the volunteer stops speaking German", DraftOutcome.NOT_ALLOWED),
        ("the volunteer is deactivated", DraftOutcome.NOT_ALLOWED),
        ("machine translation is switched off", DraftOutcome.NOT_CONFIGURED),
        ("a person reviews the translation", DraftOutcome.REVIEWED),
        ("a person saves a translation of their own", DraftOutcome.EDITED),
    ],
)
def test_what_changed_between_the_click_and_the_worker_is_respected(app_ctx, change, outcome):
    """The worker checks again what the click checked: the world may have moved on."""
    from observer_portal.services.machine_translation import MachineTranslator

    briefing, volunteer, libre = _world()
    draft = machine_drafts.ask_for_briefing(db.session, volunteer, briefing, "de", libre)
    db.session.flush()
    if change == "the volunteer stops speaking German":
        volunteer.languages = [lang for lang in volunteer.languages if lang.language != "de"]
    elif change == "the volunteer is deactivated":
        volunteer.active = False
    elif change == "machine translation is switched off":
        libre = MachineTranslator(provider="none")
    elif change == "a person saves a translation of their own":
        from observer_portal.services.briefings import save_translation

        save_translation(
            db.session,
            volunteer,
            briefing,
            "de",
            title="Mein Titel",
            body="Mein Text.",
            figure_labels={},
            reviewed=False,
        )
    else:
        briefing.translations.append(_reviewed_german(briefing))
    db.session.flush()
    assert machine_drafts.make(db.session, draft.id, libre, timedelta(minutes=5)) == outcome
    db.session.refresh(draft)
    assert draft.outcome == outcome
    assert str(machine_drafts.failure_message(draft))  # the page has words for it
    if outcome == DraftOutcome.NOT_ALLOWED:  # read later by others: not "you"
        assert str(machine_drafts.failure_message(draft)).startswith("The person who asked")
    if outcome == DraftOutcome.EDITED:
        assert briefing.translation("de").title == "Mein Titel"  # the person's text stays


def test_what_cannot_succeed_is_refused_at_the_click_and_nothing_is_queued(app_ctx):
    from observer_portal.services import ServiceError
    from observer_portal.services.machine_translation import MachineTranslator

    briefing, volunteer, libre = _world()
    refused = [
        (volunteer, "kk", libre, "cannot translate this language pair"),  # LibreTranslate has no Kazakh
        (volunteer, "fr", libre, "cannot translate this briefing into that language"),  # not one of hers
        (volunteer, "de", MachineTranslator(provider="none"), "not configured"),
    ]
    for who, locale, translator, words in refused:
        with pytest.raises(ServiceError) as error:
            machine_drafts.ask_for_briefing(db.session, who, briefing, locale, translator)
        assert words in str(error.value.message)
    briefing.translations.append(_reviewed_german(briefing))
    db.session.flush()
    with pytest.raises(ServiceError, match="has been reviewed"):
        machine_drafts.ask_for_briefing(db.session, volunteer, briefing, "de", libre)
    assert db.session.scalar(select(func.count(MachineDraft.id))) == 0


class _Scripted:
    """A provider stand-in in Python: translates by upper-casing, and runs `during` on each call."""

    provider, enabled, third_party = "libre", True, False

    def __init__(self, during=lambda: None) -> None:
        self.during, self.calls = during, 0

    def supports(self, source: str, target: str) -> bool:
        return source != target

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls += 1
        self.during()
        return text.upper()


def test_a_worker_whose_claim_was_taken_over_stops_and_writes_nothing(app_ctx):
    """A draft that outlived its claim was handed to another worker: the first one notices
    before its next call to the provider, stops, and writes no draft."""
    from sqlalchemy import update

    briefing, volunteer, _ = _world()
    draft = machine_drafts.ask_for_briefing(db.session, volunteer, briefing, "de", _Scripted())
    db.session.flush()

    def taken_over():
        db.session.execute(update(MachineDraft).where(MachineDraft.id == draft.id).values(claim_token="f" * 32))

    provider = _Scripted(during=taken_over)
    assert machine_drafts.make(db.session, draft.id, provider, timedelta(minutes=5)) is None
    assert provider.calls == 1  # stopped before a second call
    assert briefing.translation("de") is None
    assert db.session.get(MachineDraft, draft.id).outcome is None  # the other worker finishes it


def test_a_long_draft_keeps_its_claim_fresh(app_ctx):
    """Each call to the provider renews the claim (its time moves on with every call), so
    the sweep, which looks for claims older than JOB_CLAIM_TIMEOUT, never takes a slow draft
    for abandoned."""
    briefing, volunteer, _ = _world()
    draft = machine_drafts.ask_for_briefing(db.session, volunteer, briefing, "de", _Scripted())
    db.session.flush()
    claimed_at = []

    def look():
        claimed_at.append(db.session.scalar(select(MachineDraft.claimed_at).where(MachineDraft.id == draft.id)))

    provider = _Scripted(during=look)
    assert machine_drafts.make(db.session, draft.id, provider, timedelta(minutes=5)) == DraftOutcome.DONE
    assert provider.calls >= 3
    assert claimed_at == sorted(claimed_at)
    assert len(set(claimed_at)) == len(claimed_at)  # renewed before every call


def test_a_reviewed_translation_and_a_closed_request_offer_no_button(app, login_as):
    from observer_portal.models import Briefing

    client, _ = login_as("coordinator")
    app.config.update(TRANSLATOR="libre", TRANSLATOR_URL="http://127.0.0.1:9/")
    try:
        with app.app_context():
            briefing = make_briefing(make_centre("atyrau"))
            db.session.get(Briefing, briefing.id).translations.append(_reviewed_german(briefing))
            db.session.commit()
            briefing_id = briefing.id
        html = client.get(f"/briefings/{briefing_id}/translate/de").get_data(as_text=True)
    finally:
        app.config.update(TRANSLATOR="none", TRANSLATOR_URL="")
    assert "This translation has been reviewed." in html
    assert "Make a machine draft" not in html
