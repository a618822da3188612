"""The visitor registry: browsing, correcting, merging duplicates; requests linked to visits."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Loan, ServiceRequest, User, Visit, VisitorLanguage, VisitorProfile
from observer_portal.models.base import utcnow
from tests.assistance_helpers import make_item
from tests.helpers import csrf_from, make_user, post_form
from tests.test_assistance import request_form
from tests.test_visits import visit_form


def _visitor(name: str, **fields) -> VisitorProfile:
    profile = VisitorProfile(kind=fields.pop("kind", "observer"), full_name=name, **fields)
    db.session.add(profile)
    db.session.commit()
    return profile


def _visit(profile: VisitorProfile, centre_id: int, *, hours_ago: float = 1, left: bool = False) -> Visit:
    arrived = utcnow() - timedelta(hours=hours_ago)
    visit = Visit(
        centre_id=centre_id,
        visitor_id=profile.id,
        visitor_kind=profile.kind,
        arrived_at=arrived,
        left_at=arrived + timedelta(minutes=30) if left else None,
    )
    db.session.add(visit)
    db.session.commit()
    return visit


# --- requests linked to the visit ---------------------------------------------------------


def test_front_desk_files_a_request_linked_to_the_visit(app, login_as):
    client, volunteer = login_as("volunteer")
    new = {"full_name": "Luca Bianchi", "kind": "media", "organisation": "RAI", "accreditation_number": "RAI-7"}
    assert post_form(client, "/visits/desk", visit_form(app, **new)).status_code == 302
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        visit_id, visitor_id = visit.id, visit.visitor_id
    desk = client.get("/visits/desk").get_data(as_text=True)
    asking = f"/requests/ask?visitor={visitor_id}&amp;visit={visit_id}"
    assert asking in desk  # "what does the visitor need?" first, the visitor and visit carried
    link = f"/requests/new-for-visitor?kind=other&amp;visitor={visitor_id}&amp;visit={visit_id}"
    assert link in client.get(asking.replace("&amp;", "&")).get_data(as_text=True)
    page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<input type="hidden" name="visitor" value="{visitor_id}">' in page
    assert f'name="visit" type="hidden" value="{visit_id}"' in page or f'value="{visit_id}"' in page
    response = post_form(
        client,
        "/requests/new-for-visitor",
        {**request_form(app), "visitor": str(visitor_id), "visit": str(visit_id)},
        page=link.replace("&amp;", "&"),
    )
    assert response.status_code == 302
    with app.app_context():
        request = db.session.scalar(select(ServiceRequest))
        assert request.visit_id == visit_id
        assert request.visitor_id == visitor_id
        request_id = request.id
    assert f"/requests/{request_id}" in client.get("/visits/desk").get_data(as_text=True)
    detail = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Asked during the visit" in detail
    visitor_page = client.get(f"/visits/visitors/{visitor_id}").get_data(as_text=True)
    assert f"Request #{request_id}" in visitor_page


def test_a_request_is_linked_to_the_visit_in_progress_only(app, login_as):
    observer, user = login_as("observer")
    with app.app_context():
        profile = db.session.get(User, user.id).visitor_profile
        centre_id = db.session.get(User, user.id).centre_id
        _visit(profile, centre_id, hours_ago=30)  # yesterday's visit: over
        current = _visit(profile, centre_id, hours_ago=1).id
    assert post_form(observer, "/requests/new", request_form(app)).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ServiceRequest.visit_id)) == current
        db.session.get(Visit, current).left_at = utcnow()
        db.session.commit()
    assert post_form(observer, "/requests/new", request_form(app, details="After the visit")).status_code == 302
    with app.app_context():
        later = db.session.scalar(select(ServiceRequest).where(ServiceRequest.details == "After the visit"))
        assert later.visit_id is None


def test_a_visit_of_someone_else_is_refused_and_nothing_is_written(app, login_as):
    client, volunteer = login_as("volunteer")
    with app.app_context():
        centre_id = db.session.get(User, volunteer.id).centre_id
        anna, boris = _visitor("Anna Visitor"), _visitor("Boris Visitor")
        borises_visit = _visit(boris, centre_id).id
        anna_id = anna.id
    page = f"/requests/new-for-visitor?visitor={anna_id}"
    for visit in (str(borises_visit), "999999", "x"):
        response = post_form(
            client,
            "/requests/new-for-visitor",
            {**request_form(app), "visitor": str(anna_id), "visit": visit},
            page=page,
        )
        assert response.status_code == 422, visit
        assert "This visit is not a visit of this visitor to this centre." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0


# --- the registry -------------------------------------------------------------------------


def test_registry_lists_visitors_with_their_visits_and_pages_without_skipping(app, login_as):
    client, volunteer = login_as("volunteer")
    with app.app_context():
        centre_id = db.session.get(User, volunteer.id).centre_id
        names = [f"Visitor {i:02d}" for i in range(55)]
        for name in names:
            _visitor(name)
        busy = db.session.scalar(select(VisitorProfile).where(VisitorProfile.full_name == "Visitor 07"))
        for hours in (3, 2):
            _visit(busy, centre_id, hours_ago=hours)
        _visitor("")  # anonymised: never listed
    seen, url = [], "/visits/visitors"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r'<th scope="row"><a href="/visits/visitors/\d+">([^<]+)</a>', html)
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == sorted(names)
    html = client.get("/visits/visitors?q=visitor+07").get_data(as_text=True)
    row = re.search(r"Visitor 07</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "<td>2</td>" in row


def test_staff_correct_details_audited_and_bad_input_changes_nothing(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        _visitor("Taken Number", accreditation_number="ODIHR-1")
        profile_id = _visitor("Jane Smith").id
    url = f"/visits/visitors/{profile_id}"
    good = {
        "full_name": "Jane  Smith-Jones",
        "kind": "media",
        "organisation": "BBC",
        "accreditation_number": "BBC-9",
        "nationality": "GB",
        "phone": "+44 20 7946 0000",
        "contact_email": "Jane@BBC.example",
        "languages": ["en", "fr"],
    }
    assert post_form(client, url, good).status_code == 302
    with app.app_context():
        profile = db.session.get(VisitorProfile, profile_id)
        assert (profile.full_name, profile.kind.value, profile.organisation.name) == (
            "Jane Smith-Jones",
            "media",
            "BBC",
        )
        assert (profile.phone, profile.contact_email, profile.language_codes) == (
            "+44 20 7946 0000",
            "jane@bbc.example",
            ["en", "fr"],
        )
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visitor.updated"))
        assert set(event.details["fields"]) >= {"full_name", "kind", "phone", "contact_email", "languages"}
    bad_cases = {
        "accreditation_number": ("ODIHR-1", "Taken Number already has this number"),
        "contact_email": ("not-an-address", "Invalid email address"),
        "full_name": ("", "This field is required"),
        "phone": ("1" * 41, "Field cannot be longer than 40 characters"),
    }
    for field, (value, message) in bad_cases.items():
        response = post_form(client, url, {**good, "full_name": "Changed Name", field: value})
        assert response.status_code == 422, field
        assert message in response.get_data(as_text=True), field
    with app.app_context():
        assert db.session.get(VisitorProfile, profile_id).full_name == "Jane Smith-Jones"
    # in German, the refusal is in German
    response = post_form(client, url + "?lang=de", {**good, "accreditation_number": "ODIHR-1"})
    assert "hat diese Nummer bereits" in response.get_data(as_text=True)


def test_the_kind_of_a_visitor_with_an_account_follows_the_account(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        observer = make_user("observer", name="Signed Up")
        profile_id = observer.visitor_profile.id
    url = f"/visits/visitors/{profile_id}"
    response = post_form(client, url, {"full_name": "Signed Up", "kind": "media", "organisation": "OSCE"})
    assert response.status_code == 422
    assert "This visitor signed up as Observer" in response.get_data(as_text=True)
    assert (
        post_form(client, url, {"full_name": "Signed Up", "kind": "observer", "organisation": "OSCE"}).status_code
        == 302
    )


def test_anonymised_visitors_have_no_page(app, login_as):
    client, _ = login_as("coordinator")
    with app.app_context():
        gone = _visitor("").id
    assert client.get(f"/visits/visitors/{gone}").status_code == 404
    assert client.get(f"/visits/visitors/{gone}/merge").status_code == 404


# --- merging duplicates -------------------------------------------------------------------


def _duplicates(app):
    """Keep: registered at the desk, no number. Duplicate: signed up, with number, visits, a request, a loan."""
    with app.app_context():
        keep = _visitor("Hannah Müller", phone="+49 30 1234")
        owner = make_user("observer", "hannah@osce.example.org", name="Hannah Mueller")
        duplicate = owner.visitor_profile
        duplicate.accreditation_number = "ODIHR-LTO-0142"
        duplicate.nationality = "DE"
        duplicate.phone = "+49 170 000"
        duplicate.languages = [VisitorLanguage(language="de")]
        db.session.commit()
        centre_id = owner.centre_id
        _visit(keep, centre_id, hours_ago=50)
        for hours in (26, 2):
            _visit(duplicate, centre_id, hours_ago=hours)
        request = ServiceRequest(
            centre_id=centre_id,
            kind="equipment",
            details="Printer",
            requester_id=owner.id,
            visitor_id=duplicate.id,
            needed_by=utcnow() + timedelta(hours=3),
        )
        db.session.add(request)
        item = make_item(centre_id)
        db.session.add(Loan(item_id=item.id, borrower_id=duplicate.id, due_at=utcnow() + timedelta(days=1)))
        db.session.commit()
        return keep.id, duplicate.id, owner.id


def test_coordinator_merges_a_duplicate_and_nothing_is_lost(app, login_as):
    client, _ = login_as("coordinator")
    keep_id, duplicate_id, owner_id = _duplicates(app)
    page = client.get(f"/visits/visitors/{keep_id}/merge?q=ODIHR-LTO").get_data(as_text=True)
    assert f"/visits/visitors/{keep_id}/merge?duplicate={duplicate_id}" in page
    compare = client.get(f"/visits/visitors/{keep_id}/merge?duplicate={duplicate_id}").get_data(as_text=True)
    assert "Hannah Mueller" in compare
    assert "ODIHR-LTO-0142" in compare
    response = post_form(
        client,
        f"/visits/visitors/{keep_id}/merge",
        {"duplicate": str(duplicate_id)},
        page=f"/visits/visitors/{keep_id}/merge?duplicate={duplicate_id}",
    )
    assert response.status_code == 302
    assert "Moved: visits 2, requests 1, loans 1." in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(VisitorProfile, duplicate_id) is None
        keep = db.session.get(VisitorProfile, keep_id)
        assert keep.accreditation_number == "ODIHR-LTO-0142"  # missing details copied
        assert keep.nationality == "DE"
        assert keep.phone == "+49 30 1234"  # the kept visitor's own details stay
        assert keep.language_codes == ["de"]
        assert keep.user_id == owner_id  # her account now opens the kept profile
        assert db.session.scalar(select(func.count(Visit.id)).where(Visit.visitor_id == keep_id)) == 3
        assert db.session.scalar(select(ServiceRequest.visitor_id)) == keep_id
        assert db.session.scalar(select(Loan.borrower_id)) == keep_id
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visitor.merged"))
        assert event.object_id == keep_id
        assert event.details["duplicate_id"] == duplicate_id
        assert event.details["visits"] == 2
        assert "dropped" not in event.details  # nothing of the duplicate was left behind
        assert "phone" not in event.details["filled"]
    # the visitor signs in and sees all three visits as hers
    from tests.helpers import login

    own = app.test_client()
    login(own, "hannah@osce.example.org")
    assert own.get("/visits/mine").get_data(as_text=True).count("<tr>") == 4  # header + 3 visits


def test_merge_refusals_write_nothing(app, login_as):
    client, coordinator = login_as("coordinator")
    keep_id, duplicate_id, _ = _duplicates(app)
    with app.app_context():
        other = make_user("observer", "other@example.org", name="Hannah Mueller (second account)")
        other_profile_id = other.visitor_profile.id
    cases = [
        (keep_id, str(keep_id), "cannot be merged into themselves"),
        (keep_id, "999999", "Choose the duplicate to merge from the list."),
        (keep_id, "", "This field is required"),
        # both have an active account: the duplicate's account must be closed first
        (duplicate_id, str(other_profile_id), "Deactivate the account of the duplicate first"),
    ]
    for target, duplicate, message in cases:
        url = f"/visits/visitors/{target}/merge"
        response = post_form(client, url, {"duplicate": duplicate}, page=url)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert db.session.scalar(select(func.count(VisitorProfile.id))) == 3  # keep, duplicate, second account
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "visitor.merged")) == 0
        db.session.get(User, other.id).active = False  # once the second account is closed, the merge goes through
        db.session.commit()
    url = f"/visits/visitors/{duplicate_id}/merge"
    assert post_form(client, url, {"duplicate": str(other_profile_id)}, page=url).status_code == 302
    with app.app_context():
        assert db.session.get(VisitorProfile, other_profile_id) is None
        assert db.session.get(User, other.id).visitor_profile is None  # closed, no longer linked
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visitor.merged"))
        assert event.details["dropped"] == {"user": "other@example.org"}


def test_a_profile_that_takes_over_an_account_takes_its_kind(app, login_as):
    client, _ = login_as("coordinator")
    with app.app_context():
        keep_id = _visitor("Jean Dupont", kind="observer").id  # registered at the desk under the wrong kind
        journalist = make_user("media", "jean@lemonde.example.org", name="Jean Dupont")
        duplicate_id = journalist.visitor_profile.id
    url = f"/visits/visitors/{keep_id}/merge"
    assert post_form(client, url, {"duplicate": str(duplicate_id)}, page=url).status_code == 302
    with app.app_context():
        keep = db.session.get(VisitorProfile, keep_id)
        assert keep.user.email == "jean@lemonde.example.org"
        assert keep.kind.value == "media"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visitor.merged"))
        assert event.details["filled"][:2] == ["user", "kind"]


def test_volunteers_cannot_merge(app, login_as):
    client, _ = login_as("volunteer")
    keep_id, duplicate_id, _ = _duplicates(app)
    token = csrf_from(client.get("/visits/desk").get_data(as_text=True))
    response = client.post(f"/visits/visitors/{keep_id}/merge", data={"csrf_token": token, "duplicate": duplicate_id})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(VisitorProfile, duplicate_id) is not None


# --- languages changed in place (issue 13) -------------------------------------------------


def test_changing_the_languages_of_a_visitor_keeps_the_ones_still_spoken(app, login_as):
    """A fresh list was INSERTed before the old rows were DELETEd: keeping "en" while
    swapping "fr" for "de" broke the (visitor, language) UNIQUE constraint with a 500."""
    client, _ = login_as("volunteer")
    with app.app_context():
        profile = _visitor("Marie Curie", languages=[VisitorLanguage(language="en"), VisitorLanguage(language="fr")])
        profile_id = profile.id
        kept_row = db.session.scalar(select(VisitorLanguage.id).where(VisitorLanguage.language == "en"))
    url = f"/visits/visitors/{profile_id}"
    details = {"full_name": "Marie Curie", "kind": "observer", "organisation": "OSCE"}
    for chosen in (["en", "de"], ["de", "en", "kk"], ["kk"], []):
        response = post_form(client, url, {**details, "languages": chosen})
        assert response.status_code == 302, (chosen, response.get_data(as_text=True)[:300])
        with app.app_context():
            assert db.session.get(VisitorProfile, profile_id).language_codes == sorted(chosen)
            if "en" in chosen:  # the row of a language still spoken is kept, not replaced
                assert db.session.scalar(select(VisitorLanguage.id).where(VisitorLanguage.language == "en")) == kept_row
            assert db.session.scalar(select(func.count(VisitorLanguage.id))) == len(chosen)


def test_a_merge_refused_for_another_centre_names_the_right_field(app_ctx):
    """The refusal is attached to the "Duplicate" field only when it is about the duplicate;
    about the visitor kept, it is a message for the whole form."""
    import pytest

    from observer_portal.services import ServiceError
    from observer_portal.services.visitor_registry import merge_visitors
    from tests.helpers import make_centre

    atyrau, karaganda = make_centre("atyrau"), make_centre("karaganda", timezone="Asia/Almaty")
    coordinator = make_user("coordinator", centre="atyrau")
    travelling, local_copy = _visitor("Travelling Observer"), _visitor("Travelling Observer (copy)")
    _visit(travelling, atyrau.id)
    _visit(travelling, karaganda.id)
    _visit(local_copy, atyrau.id)
    for keep, duplicate, field in ((travelling, local_copy, None), (local_copy, travelling, "duplicate")):
        with pytest.raises(ServiceError) as refused:
            merge_visitors(db.session, coordinator, keep, duplicate)
        assert refused.value.field == field
        assert "Travelling Observer" in str(refused.value.message)


def test_a_card_number_typed_in_another_case_or_spacing_is_the_same_person(app, login_as):
    """The desk's "same number, same person" and the registry's "number already held" ignore
    case and spaces, like the card check: "press-rtr 3390" never makes a second Oliver Hughes."""
    client, _ = login_as("volunteer")
    with app.app_context():
        oliver = _visitor("Oliver Hughes", kind="media", accreditation_number="PRESS-RTR-3390")
        other = _visitor("Someone Else", kind="media", accreditation_number="PRESS-AFP-0001")
        oliver_id, other_id = oliver.id, other.id
        before = db.session.scalar(select(func.count(VisitorProfile.id)))
    data = visit_form(
        app, full_name="Attacker Name", kind="media", organisation="Reuters", accreditation_number="press-rtr 3390"
    )
    refused = post_form(client, "/visits/desk", data)  # never filed under Oliver silently, never a second Oliver
    assert refused.status_code == 422
    assert "This card number is already registered for Oliver Hughes" in refused.get_data(as_text=True)
    assert re.search(rf'<input[^>]*name="visitor_id"[^>]*value="{oliver_id}"', refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count(VisitorProfile.id))) == before
        assert db.session.scalar(select(func.count(Visit.id))) == 0
    coordinator, _ = login_as("coordinator")
    response = post_form(
        coordinator,
        f"/visits/visitors/{other_id}",
        {"full_name": "Someone Else", "kind": "media", "organisation": "AFP", "accreditation_number": "Press-Rtr-3390"},
    )
    assert response.status_code == 422
    assert "Oliver Hughes" in response.get_data(as_text=True)
