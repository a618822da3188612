"""Translation and interpretation requests routed to volunteers by language, end to end."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import (
    HelpMode,
    InterpretationBooking,
    Proficiency,
    RequestStatus,
    ServiceRequest,
    TranslationJob,
    TranslationMemory,
    User,
)
from observer_portal.models.base import utcnow
from observer_portal.services import ServiceError
from observer_portal.services.language_help import JobInput, file_job
from observer_portal.services.request_actions import perform
from observer_portal.services.workflow import Action
from tests.helpers import csrf_from, make_user, post_form, post_multipart
from tests.test_assistance import _race, local

F, N = Proficiency.FLUENT, Proficiency.NATIVE
LANGS = ("en", "de", "fr", "ru", "kk")


def volunteer(name, languages, on_duty=True, centre="atyrau"):
    return make_user("volunteer", name=name, languages=dict.fromkeys(languages, F), on_duty=on_duty, centre=centre)


def written(source="ru", target="de", text="Протокол № 12", hours=5):
    return JobInput(
        source=source, target=target, mode=HelpMode.WRITTEN, text=text, needed_by=utcnow() + timedelta(hours=hours)
    )


def interpretation(start_hours=24, length=2, source="en", target="ru"):
    start = utcnow() + timedelta(hours=start_hours)
    return JobInput(
        source=source,
        target=target,
        mode=HelpMode.INTERPRETATION,
        needed_by=start,
        starts_at=start,
        ends_at=start + timedelta(hours=length),
        place="Regional TEC",
    )


def test_observer_asks_in_german_and_reads_the_result(app, login_as):
    """The whole flow once: asked in German, routed to the German speaker, done, read."""
    observer, observer_user = login_as("observer", preferred_locale="de")
    with app.app_context():
        volunteer("Timur", ["ru", "kk", "en"])
        dana = volunteer("Dana", ["ru", "kk", "de"])
        volunteer("Nurlan", ["ru", "de"], on_duty=False)
        dana_email = dana.email
    form = {
        "source": "ru",
        "target": "de",
        "mode": "written",
        "text": "Явка избирателей — 41,2 %.",
        "needed_by": local(5, app),
        "notes": "Protokoll",
    }
    response = post_form(observer, "/language-help/new", form)
    assert response.status_code == 302
    request_page = response.headers["Location"]
    html = observer.get(request_page).get_data(as_text=True)
    assert "Russisch → Deutsch" in html
    assert "Dana" in html  # routed to the only German speaker on duty

    from tests.helpers import login

    dana_client = observer.application.test_client()
    login(dana_client, dana_email)
    request_id = int(request_page.rsplit("/", 1)[1])
    jobs = dana_client.get("/language-help/jobs").get_data(as_text=True)
    assert f"#{request_id}" in jobs
    response = post_form(
        dana_client,
        f"/language-help/{request_id}/work",
        {"final_text": "Wahlbeteiligung: 41,2 %.", "deliver": "1"},
    )
    assert response.status_code == 302
    html = observer.get(request_page).get_data(as_text=True)
    assert "Erledigt" in html
    assert "Wahlbeteiligung: 41,2 %." in html
    download = observer.get(f"/language-help/{request_id}/result.txt")
    assert download.get_data(as_text=True) == "Wahlbeteiligung: 41,2 %."
    assert download.headers["Content-Disposition"].startswith("attachment;")
    with app.app_context():
        assert db.session.scalar(select(TranslationMemory.target_text)) == "Wahlbeteiligung: 41,2 %."


def test_routing_prefers_the_least_loaded_and_declines_move_on(app_ctx):
    observer = make_user("observer")
    a = volunteer("A", ["en", "ru"])
    b = volunteer("B", ["en", "ru"])
    volunteer("C", ["de", "ru"])
    first, _ = file_job(db.session, observer, written("en", "ru"), LANGS)
    second, _ = file_job(db.session, observer, written("en", "ru"), LANGS)
    db.session.commit()
    assert {first.assignee_id, second.assignee_id} == {a.id, b.id}  # one each: fewest open assignments
    holder = db.session.get(User, first.assignee_id)
    perform(db.session, holder, first, Action.DECLINE, note="I am at a polling station")
    db.session.commit()
    first = db.session.get(ServiceRequest, first.id)
    assert first.assignee_id not in (None, holder.id)  # the other English speaker
    other = db.session.get(User, first.assignee_id)
    perform(db.session, other, first, Action.DECLINE, note="Busy")
    db.session.commit()
    first = db.session.get(ServiceRequest, first.id)
    assert first.status == RequestStatus.UNROUTABLE  # everyone declined; nobody asked twice
    assert db.session.get(TranslationJob, first.id).unroutable_reason["code"] == "all_declined"


def test_unroutable_is_explained_and_rerouted_when_someone_comes_on_duty(app, login_as):
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        observer = make_user("observer")
        volunteer("Dana", ["ru", "de"])
        yerlan = volunteer("Yerlan", ["fr", "de"], on_duty=False)
        request, _ = file_job(db.session, observer, written("de", "fr"), LANGS)
        db.session.commit()
        request_id, yerlan_id = request.id, yerlan.id
        assert request.status == RequestStatus.UNROUTABLE
    html = coordinator.get("/language-help/coverage?lang=en").get_data(as_text=True)
    assert "No on-duty volunteer speaks French." in html
    html = coordinator.get("/language-help/coverage?lang=de").get_data(as_text=True)
    assert "Deutsch" in html
    # the coordinator puts Yerlan on duty: the job finds him
    post_form(
        coordinator,
        f"/staff/{yerlan_id}",
        {"display_name": "Yerlan", "role": "volunteer", "on_duty": "y", "lang_fr": "fluent", "lang_de": "fluent"},
    )
    with app.app_context():
        request = db.session.get(ServiceRequest, request_id)
        assert (request.status, request.assignee_id) == (RequestStatus.ASSIGNED, yerlan_id)


def test_going_off_duty_releases_jobs_not_yet_started(app, login_as):
    dana_client, dana = login_as("volunteer", languages={"ru": N, "de": F}, on_duty=True)
    with app.app_context():
        observer = make_user("observer")
        nurlan = volunteer("Nurlan", ["ru", "de"])
        jobs = [file_job(db.session, observer, written(), LANGS)[0] for _ in range(2)]
        db.session.commit()
        mine = [j.id for j in jobs if j.assignee_id == dana.id]
        assert mine
        nurlan_id = nurlan.id
    post_form(dana_client, "/account/duty", {}, page="/account")
    with app.app_context():
        for request_id in mine:
            assert db.session.get(ServiceRequest, request_id).assignee_id == nurlan_id


def test_interpretation_bookings_never_overlap(app_ctx):
    observer = make_user("observer")
    only = volunteer("Aruzhan", ["en", "ru"])
    first, _ = file_job(db.session, observer, interpretation(24, 2), LANGS)
    db.session.commit()
    assert first.assignee_id == only.id
    clash, _ = file_job(db.session, observer, interpretation(25, 2), LANGS)  # overlaps the first
    after, _ = file_job(db.session, observer, interpretation(26, 1), LANGS)  # starts when the first ends
    db.session.commit()
    assert clash.status == RequestStatus.UNROUTABLE
    assert db.session.get(TranslationJob, clash.id).unroutable_reason["code"] == "all_busy"
    assert after.assignee_id == only.id
    coordinator = make_user("coordinator")
    with pytest.raises(ServiceError):
        perform(db.session, coordinator, clash, Action.ASSIGN, assignee=only)
    db.session.rollback()
    assert db.session.scalar(select(func.count(InterpretationBooking.id))) == 2


@pytest.mark.commits  # threads, each with its own connection
def test_overlapping_bookings_are_refused_under_concurrency(app):
    """Twenty coordinators assign the same interpreter to twenty overlapping meetings at once."""
    with app.app_context():
        observer = make_user("observer")
        make_user("volunteer", name="Busy", languages={"fr": F})  # speaks neither: requests stay unroutable
        interpreter = make_user("volunteer", name="Aruzhan", languages={"en": F, "ru": N}, on_duty=False)
        coordinators = [make_user("coordinator").id for _ in range(20)]
        requests = [file_job(db.session, observer, interpretation(24 + i * 0.1, 2), LANGS)[0].id for i in range(20)]
        db.session.commit()
        interpreter_id = interpreter.id

    def assign(index: int) -> None:
        actor = db.session.get(User, coordinators[index])
        request = db.session.get(ServiceRequest, requests[index])
        perform(db.session, actor, request, Action.ASSIGN, assignee=db.session.get(User, interpreter_id))
        db.session.commit()

    results = _race(app, 20, assign)
    assert sorted(results) == ["lost"] * 19 + ["won"]
    with app.app_context():
        assert db.session.scalar(select(func.count(InterpretationBooking.id))) == 1


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_documents_are_read_and_bad_files_refused(app, login_as):
    client, _ = login_as("observer")
    base = {"source": "ru", "target": "en", "mode": "document", "needed_by": local(5, app)}
    ok = post_form(
        client,
        "/language-help/new",
        {**base, "document": (io.BytesIO(_docx_bytes("Явка 41,2 %")), "protocol.docx")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    cases = [
        ((io.BytesIO(b"MZ\x90\x00"), "virus.exe"), "Send a plain text (.txt) or Word (.docx) file."),
        ((io.BytesIO(b"not a zip"), "fake.docx"), "This is not a Word (.docx) document."),
        ((io.BytesIO("Привет".encode("cp1251")), "old.txt"), "This .txt file is not UTF-8 text."),
        ((io.BytesIO(b"x" * (1024 * 1024 + 1)), "big.txt"), "The file is larger than 1 MB."),
        ((io.BytesIO(b""), "empty.txt"), "The file is empty."),
    ]
    for upload, message in cases:
        response = post_form(
            client, "/language-help/new", {**base, "document": upload}, content_type="multipart/form-data"
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 1
        job = db.session.scalar(select(TranslationJob))
        assert job.source_text == "Явка 41,2 %"
        assert job.document_type == "docx"


def test_a_body_over_the_limit_gets_413(app, login_as):
    client, _ = login_as("observer")
    token = csrf_from(client.get("/language-help/new").get_data(as_text=True))
    response = post_multipart(
        client,
        "/language-help/new",
        {"csrf_token": token, "mode": "document", "document": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "a.txt")},
    )
    assert response.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target": "ru"}, "Choose two different languages."),
        ({"source": "xx"}, "Not a valid choice"),
        ({"text": ""}, "Paste the text to translate."),
        ({"mode": "interpretation", "place": ""}, "Give the start and end of the meeting."),
    ],
)
def test_bad_requests_write_nothing(app, login_as, overrides, message):
    client, _ = login_as("observer")
    form = {"source": "ru", "target": "en", "mode": "written", "text": "Текст", "needed_by": local(5, app), **overrides}
    response = post_form(client, "/language-help/new", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0


def test_nobody_else_reads_a_translation(app, login_as):
    owner, owner_user = login_as("observer")
    stranger, _ = login_as("media")
    outsider, _ = login_as("volunteer", centre="karaganda", languages={"ru": N, "de": F})
    with app.app_context():
        volunteer("Dana", ["ru", "de"])
        request, _ = file_job(db.session, db.session.get(User, owner_user.id), written(), LANGS)
        job = db.session.get(TranslationJob, request.id)
        job.final_text = "Geheim"
        db.session.commit()
        request_id = request.id
    assert owner.get(f"/language-help/{request_id}/result.txt").status_code == 200
    for client in (stranger, outsider):
        assert client.get(f"/language-help/{request_id}/result.txt").status_code == 404
        assert client.get(f"/requests/{request_id}").status_code == 404
    assert outsider.get(f"/language-help/{request_id}/work").status_code == 404


def test_calendar_feed_lists_bookings_in_the_interpreters_language(app, login_as):
    client, interpreter = login_as("volunteer", languages={"en": F, "ru": N}, on_duty=True, preferred_locale="ru")
    with app.app_context():
        request, _ = file_job(db.session, make_user("observer"), interpretation(30, 2), LANGS)
        db.session.commit()
    assert "Regional TEC" not in client.get("/language-help/bookings").get_data(as_text=True)
    post_form(client, "/language-help/bookings/feed", {}, page="/language-help/bookings")
    html = client.get("/language-help/bookings").get_data(as_text=True)
    import re

    feed = re.search(r'href="https://portal.test(/language-help/calendar/[^"]+\.ics)"', html).group(1)
    anonymous = app.test_client()
    response = anonymous.get(feed)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    assert str(events[0]["location"]) == "Regional TEC"
    # the calendar app sends no cookie and an English Accept-Language: the words are the interpreter's
    assert anonymous.get(feed, headers={"Accept-Language": "en"}).data == response.data
    assert str(events[0]["summary"]).startswith("Устный перевод: Английский → Русский (заявка №")
    assert str(calendar["x-wr-calname"]) == "Заказы устного перевода · Портал наблюдателей"
    assert anonymous.get("/language-help/calendar/not-the-right-token-at-all.ics").status_code == 404
    post_form(client, "/language-help/bookings/feed", {}, page="/language-help/bookings")  # rotate
    assert anonymous.get(feed).status_code == 404


def test_coverage_matrix_and_load(app, login_as):
    coordinator, coordinator_user = login_as("coordinator")
    with app.app_context():
        volunteer("A", ["en", "ru"])
        volunteer("B", ["en", "ru"])
        volunteer("C", ["de", "ru"])
        volunteer("D", ["fr", "en"], on_duty=False)
        from observer_portal.services.language_help import coverage

        data = coverage(db.session, coordinator_user.centre_id, LANGS)
        assert data.matrix[("en", "ru")] == 2
        assert data.matrix[("de", "ru")] == 1
        assert data.matrix[("en", "fr")] == 0
    html = coordinator.get("/language-help/coverage").get_data(as_text=True)
    assert 'class="gap"' in html


def test_an_administrator_chooses_whose_coverage_to_read(app, login_as):
    """The menu offers administrators the page: it shows a centre's coverage, theirs to choose."""
    from tests.helpers import make_centre

    admin, _ = login_as("admin", centre=None)
    with app.app_context():
        volunteer("Asel", ["de", "ru"])  # at Atyrau
        karaganda = make_centre("karaganda").id
    first = admin.get("/language-help/coverage")
    assert first.status_code == 200
    assert 'name="centre"' in first.get_data(as_text=True)
    chosen = admin.get(f"/language-help/coverage?centre={karaganda}").get_data(as_text=True)
    assert f'<option selected value="{karaganda}">' in chosen or f'value="{karaganda}" selected' in chosen
    assert admin.get("/language-help/coverage?centre=999999").status_code == 400  # not a centre: said so


def test_asking_for_a_briefing_translation_routes_one_job_and_delivery_updates_the_briefing(app, login_as):
    from observer_portal.models import BriefingTranslation, ReviewState, TranslationOrigin, TranslationWish
    from tests.briefing_helpers import make_briefing
    from tests.helpers import login

    reader, _ = login_as("observer")
    other_reader, _ = login_as("media")
    with app.app_context():
        from tests.helpers import make_centre

        briefing = make_briefing(make_centre("atyrau"), title="Atyrau region: overview", body="The region votes.")
        briefing_id = briefing.id
        kazakh = volunteer("Aruzhan", ["en", "kk"])
        kazakh_email = kazakh.email
    page = "/briefings/atyrau/atyrau-overview?lang=kk"
    response = post_form(reader, f"/briefings/{briefing_id}/wish/kk", {}, page=page)
    assert response.status_code == 302
    post_form(other_reader, f"/briefings/{briefing_id}/wish/kk", {}, page=page)
    with app.app_context():
        assert db.session.scalar(select(func.count(TranslationWish.id))) == 2
        jobs = db.session.scalars(select(TranslationJob).where(TranslationJob.briefing_id == briefing_id)).all()
        assert len(jobs) == 1  # one job however many readers ask
        request = db.session.get(ServiceRequest, jobs[0].request_id)
        assert request.assignee_id is not None
        assert (jobs[0].source_lang, jobs[0].target_lang) == ("en", "kk")
        request_id = request.id
    aruzhan = app.test_client()
    login(aruzhan, kazakh_email)
    post_form(
        aruzhan,
        f"/language-help/{request_id}/work",
        {"final_text": "Атырау облысы: шолу\nОблыс дауыс береді.", "deliver": "1"},
    )
    with app.app_context():
        translation = db.session.scalar(select(BriefingTranslation).where(BriefingTranslation.locale == "kk"))
        assert translation.title == "Атырау облысы: шолу"
        assert translation.body.strip() == "Облыс дауыс береді."
        assert (translation.origin, translation.state) == (TranslationOrigin.HUMAN, ReviewState.DRAFT)
    html = reader.get(page).get_data(as_text=True)
    assert "Атырау облысы: шолу" in html


def test_a_hostile_place_stays_one_field_of_one_calendar_event(app, login_as):
    """A place typed by an observer cannot add events or properties to an interpreter's calendar."""
    from observer_portal.language_help.calendar import bookings_calendar
    from observer_portal.models import InterpretationBooking

    hostile = 'TEC\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Fake; "=1+1", <b>x</b> \u202eevil'
    with app.app_context():
        volunteer("Timur", ["en", "ru"])
        job = interpretation(30, 2)
        job.place = hostile
        request, _ = file_job(db.session, make_user("observer"), job, LANGS)
        db.session.commit()
        bookings = db.session.scalars(select(InterpretationBooking)).all()
        jobs = {
            b.request_id: db.session.scalar(select(TranslationJob).where(TranslationJob.request_id == b.request_id))
            for b in bookings
        }
        feed = bookings_calendar(bookings, jobs, "en")
    events = list(Calendar.from_ical(feed).walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["location"]) == hostile.replace("\r\n", "\n") or str(events[0]["location"]) == hostile
    assert "Fake" not in str(events[0]["summary"])


def test_a_request_without_notes_stores_no_words_in_the_askers_language(app, login_as):
    """Issue 13: the details of a language request are the asker's notes, or nothing — never a
    fixed "Sprachhilfe" stored in the asker's language and shown to a volunteer reading English."""
    observer, _ = login_as("observer", preferred_locale="de")
    with app.app_context():
        volunteer("Dana", ["ru", "de"])
    form = {"source": "ru", "target": "de", "mode": "written", "text": "Протокол", "needed_by": local(5, app)}
    response = post_form(observer, "/language-help/new", form)
    assert response.status_code == 302
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(ServiceRequest, request_id).details == ""
    coordinator, _ = login_as("coordinator")
    html = coordinator.get(f"/requests/{request_id}?lang=en").get_data(as_text=True)
    assert "Sprachhilfe" not in html
    assert "Russian → German" in html


def test_a_deactivated_volunteer_hands_back_work_not_yet_started(app, login_as):
    """Deactivation takes a volunteer off duty like their own switch does (services/duty.py):
    their unstarted jobs go to someone else at once instead of waiting on a closed account."""
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        observer = make_user("observer")
        dana = volunteer("Dana", ["ru", "de"])
        nurlan = volunteer("Nurlan", ["ru", "de"])
        jobs = [file_job(db.session, observer, written(), LANGS)[0] for _ in range(2)]
        db.session.commit()
        mine = [j.id for j in jobs if j.assignee_id == dana.id]
        assert mine
        dana_id, nurlan_id = dana.id, nurlan.id
    response = post_form(coordinator, f"/staff/{dana_id}/deactivate", {}, page=f"/staff/{dana_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, dana_id).on_duty is False
        for request_id in mine:
            assert db.session.get(ServiceRequest, request_id).assignee_id == nurlan_id


def test_deactivation_hands_back_every_open_request_even_off_duty_and_started(app, login_as):
    """An off-duty volunteer assigned work by hand, with a job already started: deactivating
    them hands both back — the language job is routed on, the equipment request returns to
    the queue — instead of leaving them with someone who can no longer sign in."""
    from tests.assistance_helpers import make_request

    coordinator, coordinator_user = login_as("coordinator")
    with app.app_context():
        observer = make_user("observer")
        off = volunteer("Nurlan", ["ru", "de"], on_duty=False)
        volunteer("Dana", ["ru", "de"])
        job = file_job(db.session, observer, written(), LANGS)[0]
        db.session.commit()
        coordinator_db = db.session.get(User, coordinator_user.id)
        if job.assignee_id is not None:  # routed to Dana: take it back to hand it to Nurlan
            perform(db.session, db.session.get(User, job.assignee_id), job, Action.DECLINE, note="busy")
        job = db.session.get(ServiceRequest, job.id)
        perform(db.session, coordinator_db, job, Action.ASSIGN, assignee=off)
        equipment = make_request(observer)
        perform(db.session, coordinator_db, equipment, Action.ASSIGN, assignee=off)
        perform(db.session, off, equipment, Action.START)
        db.session.commit()
        ids, off_id = (job.id, equipment.id), off.id
    assert post_form(coordinator, f"/staff/{off_id}/deactivate", {}, page=f"/staff/{off_id}").status_code == 302
    with app.app_context():
        language, printer = (db.session.get(ServiceRequest, i) for i in ids)
        assert language.assignee_id != off_id
        assert printer.assignee_id is None
        assert printer.status == RequestStatus.NEW


def test_the_workspace_is_offered_only_to_who_may_open_it(app, login_as):
    """Templates ask the policy module (policies.may_work_on, actions_for): a volunteer who is
    not the assignee sees no workspace button (the page would answer 404) and no "Take it" on
    a request that is already taken."""
    observer, _ = login_as("observer")
    with app.app_context():
        dana = volunteer("Dana", ["ru", "de"])
        dana_email = dana.email
    response = post_form(
        observer,
        "/language-help/new",
        {"source": "ru", "target": "de", "mode": "written", "text": "Протокол", "needed_by": local(5, app)},
    )
    page = response.headers["Location"]
    other, _ = login_as("volunteer")
    assert "Open the translation workspace" not in other.get(page).get_data(as_text=True)
    assert other.get((page + "/work").replace("/requests/", "/language-help/")).status_code == 404
    queue = other.get("/requests/queue").get_data(as_text=True)
    assert "Take it" not in queue  # routed to Dana already
    from tests.helpers import login

    assignee = app.test_client()
    login(assignee, dana_email)
    assert "Open the translation workspace" in assignee.get(page).get_data(as_text=True)
