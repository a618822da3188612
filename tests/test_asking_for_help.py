"""Asking for help shows only what applies (issue 17): the kind of help is chosen first, then
a form with that kind's fields only; staff file any kind for a walk-in, translation and
interpreting included; the hints of one role are not shown to another."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.help_choices import HELP_CHOICES, MODE_FIELDS
from observer_portal.models import Election, HelpMode, Proficiency, RequestStatus, ServiceRequest, TranslationJob, User
from observer_portal.services.elections import ElectionInput, activate, create_election
from tests.helpers import make_user, post_form
from tests.test_assistance import local, request_form
from tests.test_visitor_registry import _visit, _visitor

FORM = re.compile(r'<form method="post".*?</form>', re.S)
FILLED_IN = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')
ALWAYS = {"csrf_token", "submission_key", "mode", "source", "target", "notes"}


def fields_of(html: str) -> set[str]:
    """The names a person fills in on the page's form (the submit button is not one)."""
    form = max(FORM.findall(html), key=len)  # not the menu's sign-out button
    return {name for name in FILLED_IN.findall(form) if name != "submit"}


def links_of(html: str) -> list[str]:
    return [
        unescape(href) for href in re.findall(r'<ul class="help-choices">(.*?)</ul>', html, re.S)[0].split('href="')[1:]
    ]


def test_the_kind_of_help_comes_first_and_leads_to_its_own_form(app, login_as):
    client, _ = login_as("observer")
    html = client.get("/requests/ask").get_data(as_text=True)
    hrefs = [link.split('"')[0] for link in links_of(html)]
    assert hrefs == [
        "/requests/new?kind=equipment",
        "/requests/new?kind=internet",
        "/language-help/new?mode=written",
        "/language-help/new?mode=document",
        "/language-help/new?mode=interpretation",
        "/language-help/new?mode=phone",
        "/requests/new?kind=other",
    ]
    assert len(HELP_CHOICES) == len(hrefs)
    assert 'href="/requests/ask"' in client.get("/requests/").get_data(as_text=True)


@pytest.mark.parametrize("mode", list(HelpMode))
def test_each_kind_of_language_help_shows_only_its_own_fields(app, login_as, mode):
    client, _ = login_as("observer")
    html = client.get(f"/language-help/new?mode={mode.value}").get_data(as_text=True)
    assert fields_of(html) == ALWAYS | set(MODE_FIELDS[mode])
    assert ('enctype="multipart/form-data"' in html) == (mode == HelpMode.DOCUMENT)
    for name in {"text", "document", "starts_at", "ends_at", "place"} & set(MODE_FIELDS[mode]):
        label = re.search(rf'<label for="{name}">(.*?)</label>', html, re.S).group(1)
        assert "(required)" in label, (mode, name)


def test_a_request_for_the_wrong_kind_of_help_is_refused_and_stores_nothing(app, login_as):
    client, _ = login_as("observer")
    data = {"source": "ru", "target": "de", "text": "Протокол", "needed_by": local(5, app)}
    for forged in ("", "telepathy"):
        response = post_form(client, "/language-help/new", {**data, "mode": forged})
        assert response.status_code == 422
        assert "Choose the kind of help, then fill in the form." in response.get_data(as_text=True)
    phone = post_form(client, "/language-help/new", {**data, "mode": "phone", "notes": "  "})
    assert phone.status_code == 422
    assert "Say who to call, the number and what about." in phone.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0


def test_staff_file_an_interpreter_for_a_walk_in_from_the_desk(app, login_as):
    client, desk = login_as("volunteer")
    with app.app_context():
        make_user(
            "volunteer", name="Aliya", languages={"en": Proficiency.FLUENT, "ru": Proficiency.NATIVE}, on_duty=True
        )
        centre_id = db.session.get(User, desk.id).centre_id
        walk_in = _visitor("Luca Bianchi", kind="media")
        visitor_id, visit_id = walk_in.id, _visit(walk_in, centre_id).id
    asking = client.get(f"/requests/ask?visitor={visitor_id}&visit={visit_id}").get_data(as_text=True)
    interpreter = next(link for link in links_of(asking) if "mode=interpretation" in link).split('"')[0]
    assert interpreter == f"/language-help/new-for-visitor?mode=interpretation&visitor={visitor_id}&visit={visit_id}"
    page = client.get(interpreter).get_data(as_text=True)
    assert fields_of(page) == ALWAYS | {"visitor", "visit", "starts_at", "ends_at", "place"}
    # the visit's visitor is fixed (choosing another person would unlink the visit)
    assert f'<input type="hidden" name="visitor" value="{visitor_id}">' in page
    assert "For Luca Bianchi, during the visit that began" in page
    assert 'href="/language-help/new-for-visitor?mode=interpretation">File it for someone else</a>' in page
    meeting = {
        "mode": "interpretation",
        "visitor": str(visitor_id),
        "visit": str(visit_id),
        "source": "en",
        "target": "ru",
        "starts_at": local(24, app),
        "ends_at": local(26, app),
        "place": "Regional election commission",
    }
    response = post_form(client, "/language-help/new-for-visitor", meeting, page=interpreter)
    assert response.status_code == 302
    with app.app_context():
        filed = db.session.scalar(select(ServiceRequest))
        assert (filed.visitor_id, filed.visit_id, filed.filed_by_id) == (visitor_id, visit_id, desk.id)
        assert filed.status == RequestStatus.ASSIGNED  # routed at once, to the one who speaks both
        assert filed.assignee.display_name == "Aliya"
        assert db.session.scalar(select(TranslationJob.mode)) == HelpMode.INTERPRETATION


def test_a_visit_of_someone_else_is_refused_for_language_help_too_and_sending_again_files_without_it(app, login_as):
    client, desk = login_as("volunteer")
    with app.app_context():
        centre_id = db.session.get(User, desk.id).centre_id
        anna, boris = _visitor("Anna Visitor"), _visitor("Boris Visitor")
        anna_id, borises_visit = anna.id, _visit(boris, centre_id).id
    data = {"mode": "written", "source": "ru", "target": "en", "text": "Протокол", "needed_by": local(5, app)}
    response = post_form(
        client, "/language-help/new-for-visitor", {**data, "visitor": str(anna_id), "visit": str(borises_visit)}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This visit is not a visit of this visitor to this centre." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0
    assert 'name="visit" type="hidden" value=""' in html  # said once, then no dead end
    again = post_form(client, "/language-help/new-for-visitor", {**data, "visitor": str(anna_id), "visit": ""})
    assert again.status_code == 302
    with app.app_context():
        filed = db.session.scalar(select(ServiceRequest))
        assert (filed.visitor_id, filed.visit_id) == (anna_id, None)


def test_a_visit_of_another_election_is_not_linked(app, login_as):
    client, desk = login_as("volunteer")
    with app.app_context():
        centre_id = db.session.get(User, desk.id).centre_id
        earlier = create_election(db.session, None, ElectionInput({"en": "Earlier"}, date(2022, 11, 20)), active=True)
        anna = _visitor("Anna Visitor")
        anna_id, old_visit_id = anna.id, _visit(anna, centre_id).id
        create_election(db.session, None, ElectionInput({"en": "This one"}, date(2029, 11, 18)))
        activate(db.session, None, db.session.scalar(select(Election).where(Election.id != earlier.id)))
        db.session.commit()
    data = {"mode": "written", "source": "ru", "target": "en", "text": "Протокол", "needed_by": local(5, app)}
    response = post_form(
        client, "/language-help/new-for-visitor", {**data, "visitor": str(anna_id), "visit": str(old_visit_id)}
    )
    assert response.status_code == 422
    assert "This visit belongs to another election: file the request without it." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0


def test_only_what_the_kind_of_help_asks_for_is_kept(app, login_as):
    """A forged form sends the fields of every kind: a written translation keeps no meeting
    place, a meeting keeps no pasted text, a phone call neither."""
    client, _ = login_as("observer")
    both = {"source": "ru", "target": "en", "text": "SECRET TEXT", "place": "Hotel Renaissance"}
    sent = {
        "written": {**both, "needed_by": local(5, app)},
        "interpretation": {**both, "starts_at": local(24, app), "ends_at": local(25, app)},
        "phone": {**both, "needed_by": local(5, app), "notes": "Call the TEC"},
    }
    for mode, data in sent.items():
        assert post_form(client, "/language-help/new", {**data, "mode": mode}).status_code == 302, mode
    with app.app_context():
        kept = {
            job.mode.value: (job.source_text, job.place, job.request.location)
            for job in db.session.scalars(select(TranslationJob))
        }
    assert kept == {
        "written": ("SECRET TEXT", "", ""),
        "interpretation": ("", "Hotel Renaissance", "Hotel Renaissance"),
        "phone": ("", "", ""),
    }


def test_the_phone_notes_are_named_as_asked_in_the_list_of_problems(app, login_as):
    client, _ = login_as("observer")
    data = {"mode": "phone", "source": "ru", "target": "de", "notes": " ", "needed_by": local(5, app)}
    html = post_form(client, "/language-help/new?lang=de", data).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert '<a href="#notes">Wen anrufen, die Nummer und worum es geht:' in summary
    assert "optional" not in summary


def test_a_volunteer_only_hint_is_shown_to_volunteers_only(app, login_as):
    observer, _ = login_as("observer")
    assert post_form(observer, "/requests/new", request_form(app)).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(ServiceRequest.id))
    own = observer.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "give the request back" not in own
    assert "Note (optional)" in own
    volunteer, user = login_as("volunteer")
    assert post_form(volunteer, f"/requests/{request_id}/claim", {}, page=f"/requests/{request_id}").status_code == 302
    assert "Note (required when you give the request back)" in volunteer.get(f"/requests/{request_id}").get_data(
        as_text=True
    )
