"""Objects × roles × centres: who may open and change each object (issue 13, defect 3).

The route × role matrix (test_access_matrix.py) proves that a view refuses the wrong
role; this one proves that it refuses the right role at the wrong centre, and the
wrong person of the right role. Every object lives at Atyrau; every role exists at
Atyrau and at Karaganda.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from observer_portal.extensions import db
from observer_portal.models import Centre, HelpMode, Loan, Proficiency, User, Visit, VisitorProfile, VisitPurpose
from observer_portal.models.base import utcnow
from observer_portal.services.language_help import JobInput, file_job
from observer_portal.services.visits import VisitInput, register_visit
from tests.assistance_helpers import make_item, make_request
from tests.briefing_helpers import make_briefing
from tests.helpers import csrf_from, login, make_centre, make_user, post_form

F = Proficiency.FLUENT
ACTORS = (
    "anonymous",
    "owner",
    "observer_a",
    "observer_k",
    "media_a",
    "assignee",
    "volunteer_a",
    "volunteer_k",
    "coordinator_a",
    "coordinator_k",
    "admin",
)
ALLOWED, REFUSED = "allowed", "refused"


@pytest.fixture
def world(app):
    """One object of each kind at Atyrau, people of every role at both centres, each signed in."""
    with app.app_context():
        atyrau, karaganda = make_centre("atyrau"), make_centre("karaganda", timezone="Asia/Almaty")
        people = {
            "owner": make_user("observer", "owner@osce.example.org", centre="atyrau"),
            "observer_a": make_user("observer", centre="atyrau"),
            "observer_k": make_user("observer", centre="karaganda"),
            "media_a": make_user("media", centre="atyrau"),
            "assignee": make_user("volunteer", languages={"ru": F, "de": F}, on_duty=True, centre="atyrau"),
            "volunteer_a": make_user("volunteer", centre="atyrau"),
            "volunteer_k": make_user("volunteer", languages={"ru": F, "de": F}, on_duty=True, centre="karaganda"),
            "coordinator_a": make_user("coordinator", centre="atyrau"),
            "coordinator_k": make_user("coordinator", centre="karaganda"),
            "admin": make_user("admin", centre=None),
        }
        walk_in = VisitorProfile(full_name="Walk-in Visitor", kind="observer", accreditation_number="ODIHR-STO-0999")
        db.session.add(walk_in)
        db.session.commit()
        visit = register_visit(
            db.session,
            people["volunteer_a"],
            VisitInput(purposes=[VisitPurpose.BRIEFING], arrived_at=utcnow(), visitor_id=walk_in.id),
        )
        db.session.commit()
        request = make_request(people["owner"])
        job, _ = file_job(
            db.session,
            people["owner"],
            JobInput(
                source="ru",
                target="de",
                mode=HelpMode.WRITTEN,
                text="Протокол",
                needed_by=utcnow() + timedelta(hours=5),
            ),
            ("en", "de", "fr", "ru", "kk"),
        )
        db.session.commit()
        assert job.assignee_id == people["assignee"].id
        objects = {
            "visitor": walk_in.id,
            "signed_up_visitor": people["owner"].visitor_profile.id,
            "visit": visit.id,
            "request": request.id,
            "job": job.id,
            "item": make_item(atyrau.id).id,
            "briefing": make_briefing(atyrau, published=False).id,
            "staff": people["volunteer_a"].id,
        }
        assert karaganda.id != atyrau.id
        emails = {key: user.email for key, user in people.items()}
    clients = {"anonymous": app.test_client()}
    for key, email in emails.items():
        clients[key] = app.test_client()
        assert login(clients[key], email).status_code == 302
    return clients, objects


def expect(status: int) -> str:
    assert status < 500, status
    return REFUSED if status in (302, 401, 403, 404) else ALLOWED


# object page → the actors who may open it (everyone else is refused)
PAGES = {
    "/visits/visitors/{visitor}": {"volunteer_a", "assignee", "coordinator_a", "admin"},
    "/visits/visitors/{signed_up_visitor}": {"volunteer_a", "assignee", "coordinator_a", "admin"},
    "/visits/visitors/{visitor}/merge": {"coordinator_a", "admin"},
    "/requests/{request}": {"owner", "volunteer_a", "assignee", "coordinator_a", "admin"},
    "/requests/{job}": {"owner", "volunteer_a", "assignee", "coordinator_a", "admin"},
    "/language-help/{job}/work": {"assignee", "coordinator_a", "admin"},
    "/inventory/{item}": {"volunteer_a", "assignee", "coordinator_a", "admin"},
    "/inventory/{item}/edit": {"coordinator_a", "admin"},
    "/briefings/{briefing}/edit": {"coordinator_a", "admin"},
    "/briefings/{briefing}/history": {"coordinator_a", "admin"},
    # volunteers translate only into languages they speak: the assignee speaks German, volunteer_a does not
    "/briefings/{briefing}/translate/de": {"assignee", "coordinator_a", "admin"},
    "/staff/{staff}": {"coordinator_a", "admin"},
}


def test_who_may_open_each_object(world):
    clients, objects = world
    seen, wanted = {}, {}
    for page, allowed in PAGES.items():  # one world for every page: the sign-ins are the slow part
        url = page.format(**objects)
        seen[page] = {actor: expect(clients[actor].get(url).status_code) for actor in ACTORS}
        wanted[page] = {actor: ALLOWED if actor in allowed else REFUSED for actor in ACTORS}
    assert seen == wanted


def _post(client, page: str, url: str, data: dict | None = None):
    html = client.get(page).get_data(as_text=True)
    token = csrf_from(html) if 'name="csrf_token"' in html else None
    if token is None:  # a page this person may not open: borrow a token from a page they may
        token = csrf_from(client.get("/account").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def test_another_centre_changes_nothing(app, world):
    """Karaganda's staff post to Atyrau's objects: each is refused and nothing changes."""
    clients, objects = world
    for actor in ("volunteer_k", "coordinator_k"):
        client = clients[actor]
        attempts = [
            _post(client, "/account", f"/visits/visitors/{objects['visitor']}", {"full_name": "Renamed"}),
            _post(client, "/account", f"/visits/visitors/{objects['signed_up_visitor']}", {"full_name": "Renamed"}),
            _post(client, "/account", f"/visits/{objects['visit']}/left"),
            _post(client, "/account", f"/requests/{objects['request']}/claim"),
            _post(client, "/account", f"/inventory/{objects['item']}/checkout", {"borrower": objects["visitor"]}),
            _post(client, "/account", f"/briefings/{objects['briefing']}/publish"),
        ]
        if actor == "coordinator_k":
            merge_url = f"/visits/visitors/{objects['visitor']}/merge"
            attempts.append(_post(client, "/account", merge_url, {"duplicate": objects["signed_up_visitor"]}))
        assert [expect(response.status_code) for response in attempts] == [REFUSED] * len(attempts), actor
    with app.app_context():
        names = {p.full_name for p in db.session.query(VisitorProfile)}
        assert "Renamed" not in names
        assert "Walk-in Visitor" in names
        assert db.session.get(Visit, objects["visit"]).left_at is None


def test_a_visitor_served_by_two_centres(app, world):
    """Karaganda serves Atyrau's walk-in: both see the visitor, each only their own visits."""
    clients, objects = world
    with app.app_context():
        volunteer_k = db.session.scalar(
            db.select(User).where(User.role == "volunteer", User.centre.has(slug="karaganda"))
        )
        # a travelling observer is registered on the number of the card they show (spaces and case aside)
        register_visit(
            db.session,
            volunteer_k,
            VisitInput(
                purposes=[VisitPurpose.INTERNET],
                arrived_at=utcnow(),
                visitor_id=objects["visitor"],
                card_number="odihr-sto-0999 ",
            ),
        )
        db.session.commit()
    karaganda_page = clients["volunteer_k"].get(f"/visits/visitors/{objects['visitor']}").get_data(as_text=True)
    atyrau_page = clients["volunteer_a"].get(f"/visits/visitors/{objects['visitor']}").get_data(as_text=True)
    assert "Internet access" in karaganda_page
    assert "Briefing about the region" not in karaganda_page
    assert "Briefing about the region" in atyrau_page
    assert "Internet access" not in atyrau_page
    admin_page = clients["admin"].get(f"/visits/visitors/{objects['visitor']}").get_data(as_text=True)
    assert "Internet access" in admin_page
    assert "Briefing about the region" in admin_page
    # the walk-in now belongs to two centres: neither coordinator may merge (delete) it, an admin may
    for coordinator in ("coordinator_a", "coordinator_k"):
        response = _post(
            clients[coordinator],
            f"/visits/visitors/{objects['visitor']}/merge",
            f"/visits/visitors/{objects['visitor']}/merge",
            {"duplicate": objects["signed_up_visitor"]},
        )
        assert response.status_code in (404, 422), coordinator
    with app.app_context():
        assert db.session.get(VisitorProfile, objects["signed_up_visitor"]) is not None
    # the Karaganda registry lists the walk-in, with one visit (theirs); not Atyrau's signed-up observer
    registry = clients["volunteer_k"].get("/visits/visitors").get_data(as_text=True)
    assert "Walk-in Visitor" in registry
    with app.app_context():
        owner_name = db.session.get(VisitorProfile, objects["signed_up_visitor"]).full_name
    assert owner_name not in registry


def test_pickers_list_only_the_centres_visitors(app, world):
    """The walk-in picker and the borrower list show who the registry shows: Atyrau's walk-in
    is not offered at Karaganda (which has never served them), and is at Atyrau."""
    clients, objects = world
    with app.app_context():
        walk_in = db.session.get(VisitorProfile, objects["visitor"]).full_name
        karaganda = db.session.scalar(db.select(Centre).where(Centre.slug == "karaganda"))
        karaganda_item = make_item(karaganda.id, tag="KRG-LAP-01").id
    assert walk_in in clients["volunteer_a"].get("/requests/new-for-visitor").get_data(as_text=True)
    assert walk_in in clients["volunteer_a"].get(f"/inventory/{objects['item']}").get_data(as_text=True)
    assert walk_in not in clients["volunteer_k"].get("/requests/new-for-visitor").get_data(as_text=True)
    assert walk_in not in clients["volunteer_k"].get(f"/inventory/{karaganda_item}").get_data(as_text=True)
    # lending Atyrau's walk-in an item at Karaganda is refused as a choice that is not offered
    response = _post(
        clients["volunteer_k"],
        f"/inventory/{karaganda_item}",
        f"/inventory/{karaganda_item}/checkout",
        {"borrower": objects["visitor"], "due_at": "2030-01-01T10:00"},
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Loan.id))) == 0


def _desk_visit(app, visitor_id: int, card: str | None = None) -> dict:
    from tests.test_visits import visit_form

    data = visit_form(app, visitor_id=str(visitor_id))
    if card is not None:
        data["card_number"] = card
    return data


def _visits_of(app, visitor_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Visit.id)).where(Visit.visitor_id == visitor_id))


def test_another_centres_visitor_is_found_by_name_and_registered_on_their_card(app, world):
    """Issue 13: choosing an id makes nobody this centre's visitor. The desk finds Atyrau's
    walk-in at Karaganda by name (no card number shown, none listed by a partial number);
    registering their visit takes the number of the card they show."""
    clients, objects = world
    desk = clients["volunteer_k"]
    by_name = desk.get("/visits/desk?q=walk-in").get_data(as_text=True)
    assert "Walk-in Visitor" in by_name
    assert "ODIHR-STO-0999" not in by_name
    assert "Walk-in Visitor" not in desk.get("/visits/desk?q=STO-09").get_data(as_text=True)
    assert "Walk-in Visitor" in desk.get("/visits/desk?q=odihr-sto-0999").get_data(as_text=True)  # the whole number
    assert "ODIHR-STO-0999" in clients["volunteer_a"].get("/visits/desk?q=walk-in").get_data(as_text=True)
    before = _visits_of(app, objects["visitor"])
    for card in (None, "", "ODIHR-STO-0998"):
        response = post_form(desk, "/visits/desk", _desk_visit(app, objects["visitor"], card))
        assert response.status_code == 422, card
        assert "type the number on their accreditation" in response.get_data(as_text=True)
    assert _visits_of(app, objects["visitor"]) == before
    assert desk.get(f"/visits/visitors/{objects['visitor']}").status_code == 404  # still not Karaganda's
    response = post_form(desk, "/visits/desk", _desk_visit(app, objects["visitor"], "ODIHR-STO-0999"))
    assert response.status_code == 302
    assert _visits_of(app, objects["visitor"]) == before + 1
    assert desk.get(f"/visits/visitors/{objects['visitor']}").status_code == 200  # served here now


def test_a_visitor_without_a_card_number_is_not_taken_over_by_id(app, world):
    clients, objects = world
    with app.app_context():
        db.session.get(VisitorProfile, objects["visitor"]).accreditation_number = None
        db.session.commit()
    found = clients["volunteer_k"].get("/visits/desk?q=walk-in").get_data(as_text=True)
    assert "registered by another centre without a card number: register them as a new visitor" in found
    response = post_form(clients["volunteer_k"], "/visits/desk", _desk_visit(app, objects["visitor"], "anything"))
    assert response.status_code == 422
    assert "without a card number to check" in response.get_data(as_text=True)
    assert _visits_of(app, objects["visitor"]) == 1


def test_a_request_is_filed_only_for_a_visitor_one_serves(app, world):
    """Filing a request by id for another centre's visitor is refused; another centre's visit
    is never shown as the visit the request is linked to."""
    clients, objects = world
    desk = clients["volunteer_k"]
    page = desk.get(f"/requests/new-for-visitor?visitor={objects['visitor']}&visit={objects['visit']}")
    html = page.get_data(as_text=True)
    assert "Walk-in Visitor" not in html
    assert "Linked to the visit" not in html
    from tests.test_assistance import request_form

    data = {**request_form(app), "visitor": str(objects["visitor"])}
    response = post_form(desk, "/requests/new-for-visitor", data)
    assert response.status_code == 422
    assert desk.get(f"/visits/visitors/{objects['visitor']}").status_code == 404


def test_searches_refuse_hidden_characters_with_400(world):
    clients, objects = world
    for url in (
        "/visits/desk",
        "/visits/visitors",
        f"/visits/visitors/{objects['visitor']}/merge",
        "/staff/",
        "/requests/queue",
        "/inventory/",
        "/briefings/",
        "/glossary/",
    ):
        client = clients["coordinator_a"]
        response = client.get(f"{url}?q=Anna%E2%80%AEx&kind=nonsense&topic=nonsense")
        assert response.status_code == 400, url
        assert 'class="field-error"' in response.get_data(as_text=True), url


def test_card_numbers_cannot_be_walked_through_at_the_desk(app, world):
    """Searches at the desk, and refused card checks, are counted per person (429 past the limit)."""
    clients, objects = world
    desk = clients["volunteer_k"]
    app.config["CARD_LOOKUP_RATE_LIMIT"] = "5 per minute"
    try:
        answers = [desk.get(f"/visits/desk?q=ODIHR-STO-{n:04d}").status_code for n in range(990, 1000)]
        assert answers[:5] == [200] * 5
        assert set(answers[5:]) == {429}
        assert desk.get("/visits/desk").status_code == 200  # the desk itself stays open
        assert clients["volunteer_a"].get("/visits/desk?q=walk").status_code == 200  # counted per person
    finally:
        app.config["CARD_LOOKUP_RATE_LIMIT"] = "30 per minute;300 per hour"
