"""Coordinators create and manage volunteers; the audit trail records it."""

from __future__ import annotations

from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Proficiency, Role, User
from tests.helpers import PASSWORD, csrf_from, login, make_centre, make_user, post_form


def new_volunteer(**overrides):
    data = {
        "display_name": "Dana Ermekova",
        "email": "dana@atyrau.example.org",
        "password": "a strong initial phrase",
        "role": "volunteer",
        "on_duty": "y",
        "lang_de": "fluent",
        "lang_ru": "native",
        "lang_kk": "fluent",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_volunteer_with_languages(app, login_as):
    client, coordinator = login_as("coordinator")
    response = post_form(client, "/staff/new", new_volunteer())
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dana@atyrau.example.org"))
        assert user.role == Role.VOLUNTEER
        assert user.centre_id == coordinator.centre_id
        assert user.on_duty is True
        assert {(lang.language, lang.proficiency) for lang in user.languages} == {
            ("de", Proficiency.FLUENT),
            ("ru", Proficiency.NATIVE),
            ("kk", Proficiency.FLUENT),
        }
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.created"))
        assert event.actor_id == coordinator.id
        assert event.object_id == user.id
    assert login(app.test_client(), "dana@atyrau.example.org", "a strong initial phrase").status_code == 302


def test_coordinator_cannot_create_an_admin_or_use_another_centre(app, login_as):
    client, coordinator = login_as("coordinator")
    with app.app_context():
        other_centre = make_centre("karaganda").id
    response = post_form(client, "/staff/new", new_volunteer(role="admin"))
    assert response.status_code == 422
    response = post_form(client, "/staff/new", new_volunteer(centre=str(other_centre)))
    assert response.status_code == 422  # a centre outside the coordinator's own is not a valid choice
    response = post_form(client, "/staff/new", new_volunteer())
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dana@atyrau.example.org"))
        assert user.centre_id == coordinator.centre_id
        assert db.session.scalar(select(User).where(User.role == Role.ADMIN)) is None


def test_create_with_bad_input_writes_nothing(app, login_as):
    client, _ = login_as("coordinator")
    before = _count_users(app)
    response = post_form(client, "/staff/new", new_volunteer(email="nope", lang_de="superb", password="short"))
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    assert _count_users(app) == before


def _count_users(app):
    with app.app_context():
        return len(db.session.scalars(select(User.id)).all())


def test_coordinator_edits_languages_and_role(app, login_as):
    client, _ = login_as("coordinator")
    with app.app_context():
        volunteer = make_user("volunteer", languages={"en": Proficiency.FLUENT}).id
    response = post_form(
        client,
        f"/staff/{volunteer}",
        {"display_name": "Renamed", "role": "coordinator", "lang_fr": "working"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, volunteer)
        assert user.display_name == "Renamed"
        assert user.role == Role.COORDINATOR
        assert [(lang.language, lang.proficiency) for lang in user.languages] == [("fr", Proficiency.WORKING)]
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == volunteer)).all()
        assert "account.role_changed" in actions


def test_an_admin_cannot_leave_a_coordinator_without_a_centre(app, login_as):
    """A centre-less coordinator would read as one who works for every centre."""
    client, _ = login_as("admin", centre=None)
    with app.app_context():
        coordinator = make_user("coordinator")
        coordinator_id, centre_id = coordinator.id, coordinator.centre_id
    page = f"/staff/{coordinator_id}"
    for role in ("coordinator", "volunteer"):
        data = {"display_name": "Nurlan Abenov", "role": role, "centre": ""}
        response = post_form(client, page, data, page=page)
        assert response.status_code == 422
        assert "Choose a centre from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, coordinator_id).centre_id == centre_id
        assert db.session.get(User, coordinator_id).role == Role.COORDINATOR


def test_coordinator_cannot_see_accounts_of_another_centre(app, login_as):
    client, _ = login_as("coordinator")
    with app.app_context():
        stranger = make_user("volunteer", centre="karaganda").id
        admin = make_user("admin", centre=None).id
    assert client.get(f"/staff/{stranger}").status_code == 404
    assert client.get(f"/staff/{admin}").status_code == 404
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post(f"/staff/{stranger}/deactivate", data={"csrf_token": token}).status_code == 404
    listing = client.get("/staff/").get_data(as_text=True)
    assert f"/staff/{stranger}" not in listing


def test_admin_sees_every_centre(app, login_as):
    client, _ = login_as("admin", centre=None)
    with app.app_context():
        stranger = make_user("volunteer", centre="karaganda").id
    assert client.get(f"/staff/{stranger}").status_code == 200


def test_deactivation_signs_the_person_out_at_once(app, login_as):
    coordinator_client, _ = login_as("coordinator")
    with app.app_context():
        volunteer = make_user("volunteer", "vol@example.org").id
    volunteer_client = app.test_client()
    login(volunteer_client, "vol@example.org")
    assert volunteer_client.get("/account").status_code == 200
    response = post_form(coordinator_client, f"/staff/{volunteer}/deactivate", {}, page=f"/staff/{volunteer}")
    assert response.status_code == 302
    assert volunteer_client.get("/account").status_code == 302
    assert login(app.test_client(), "vol@example.org").status_code == 422  # refused
    post_form(coordinator_client, f"/staff/{volunteer}/activate", {}, page=f"/staff/{volunteer}")
    assert login(app.test_client(), "vol@example.org", PASSWORD).status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == volunteer)).all()
        assert {"account.deactivated", "account.activated"} <= set(actions)


def test_coordinator_cannot_deactivate_themselves(app, login_as):
    client, coordinator = login_as("coordinator")
    post_form(client, f"/staff/{coordinator.id}/deactivate", {}, page="/")
    with app.app_context():
        assert db.session.get(User, coordinator.id).active is True


def test_user_list_filters_and_keyset_pages(app, login_as):
    client, _ = login_as("coordinator")
    app.config["PAGE_SIZE"] = 3
    try:
        with app.app_context():
            ids = [make_user("volunteer", name=f"Volunteer {i:02d}").id for i in range(7)]
            make_user("observer", name="Someone Else")
        seen = []
        url = "/staff/?role=volunteer"
        while url:
            html = client.get(url).get_data(as_text=True)
            seen += [int(m) for m in _user_links(html)]
            nxt = _next_link(html)
            url = nxt.replace("&amp;", "&") if nxt else None
        assert seen == sorted(ids, reverse=True)
        html = client.get("/staff/?q=volunteer+03").get_data(as_text=True)
        assert _user_links(html) == [str(ids[3])]
    finally:
        app.config["PAGE_SIZE"] = 25


def _user_links(html):
    import re

    return re.findall(r'href="/staff/(\d+)"', html)


def _next_link(html):
    import re

    match = re.search(r'href="([^"]+)" rel="next"', html)
    return match.group(1) if match else None


def test_audit_log_lists_events_newest_first(app, client):
    with app.app_context():
        coordinator = make_user("coordinator")
        email, name = coordinator.email, coordinator.display_name
    assert login(client, email).status_code == 302  # the sign-in form writes the audit entry
    html = client.get("/staff/audit").get_data(as_text=True)
    assert "<td>Signed in</td>" in html
    assert f"Account of {name}" in html
    assert "login.succeeded" not in html
    assert "User #" not in html


def test_the_centre_sees_failed_sign_ins_to_its_accounts_and_no_others(app, login_as):
    """A failed sign-in has no actor; it is about an account, and that account's centre sees it."""
    from tests.helpers import login, make_centre

    coordinator, _ = login_as("coordinator")
    with app.app_context():
        make_centre("karaganda", timezone="Asia/Almaty")
        ours = make_user("volunteer", "ours@example.org", name="Our Volunteer").email
        theirs = make_user("volunteer", "theirs@example.org", name="Their Volunteer", centre="karaganda").email
    for email in (ours, theirs):
        assert login(app.test_client(), email, "wrong password!").status_code == 422
    page = coordinator.get("/staff/audit").get_data(as_text=True)
    assert "Failed sign-in" in page
    assert "Our Volunteer" in page
    assert "Their Volunteer" not in page
