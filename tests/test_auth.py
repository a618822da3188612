"""Sign-up, sign-in, sign-out, password change, sessions and rate limiting."""

from __future__ import annotations

from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Organisation, Role, User, VisitorProfile
from tests.helpers import PASSWORD, csrf_from, login, make_centre, make_user, post_form

GENERIC_ERROR = "The e-mail address or password is not correct."


def signup_data(**overrides):
    data = {
        "role": "observer",
        "display_name": "Hannah Müller",
        "email": "Hannah.Mueller@OSCE.example.org",
        "password": "wahlbeobachtung in atyrau",
        "confirm": "wahlbeobachtung in atyrau",
        "organisation": "OSCE/ODIHR Election Observation Mission",
        "accreditation_number": "ODIHR-LTO-0142",
        "nationality": "DE",
        "phone": "+49 30 1234567",
        "centre": "1",
        "languages": ["de", "en"],
        "consent": "y",
    }
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_observer_signs_up_and_is_signed_in(app, client):
    with app.app_context():
        centre_id = make_centre("atyrau").id
    response = post_form(client, "/signup", signup_data(centre=str(centre_id)))
    assert response.status_code == 302
    assert "Hannah Müller" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "hannah.mueller@osce.example.org"
        assert user.role == Role.OBSERVER
        assert user.password_hash.startswith("$argon2id$")
        profile = user.visitor_profile
        assert profile.accreditation_number == "ODIHR-LTO-0142"
        assert profile.organisation.name == "OSCE/ODIHR Election Observation Mission"
        assert profile.language_codes == ["de", "en"]
        assert profile.nationality == "DE"


def test_signup_reuses_an_existing_organisation_ignoring_case(app, client):
    with app.app_context():
        centre_id = make_centre("atyrau").id
    post_form(client, "/signup", signup_data(centre=str(centre_id)))
    other = app.test_client()
    response = post_form(
        other,
        "/signup",
        signup_data(
            centre=str(centre_id),
            email="c.dubois@osce.example.org",
            accreditation_number="ODIHR-LTO-0157",
            organisation="  osce/odihr election observation MISSION ",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        assert count(Organisation) == 1


def test_signup_with_bad_input_shows_field_errors_and_writes_nothing(app, client):
    with app.app_context():
        make_centre("atyrau")
    response = post_form(
        client,
        "/signup",
        signup_data(email="not-an-email", password="password", confirm="other", consent="", role="admin"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "The two passwords do not match." in html
    assert "Please confirm to create an account." in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert count(User) == 0
        assert count(VisitorProfile) == 0
        assert count(Organisation) == 0


def test_signup_cannot_choose_a_staff_role(app, client):
    with app.app_context():
        centre_id = make_centre("atyrau").id
    response = post_form(client, "/signup", signup_data(centre=str(centre_id), role="coordinator"))
    assert response.status_code == 422
    with app.app_context():
        assert count(User) == 0


def test_signup_refuses_duplicate_email_and_accreditation(app, client):
    with app.app_context():
        centre_id = make_centre("atyrau").id
    post_form(client, "/signup", signup_data(centre=str(centre_id)))
    second = app.test_client()
    response = post_form(second, "/signup", signup_data(centre=str(centre_id)))
    assert "already exists" in response.get_data(as_text=True)
    response = post_form(second, "/signup", signup_data(centre=str(centre_id), email="other@example.org"))
    assert "already registered" in response.get_data(as_text=True)
    with app.app_context():
        assert count(User) == 1


def test_common_password_refused_and_long_password_accepted(app, client):
    with app.app_context():
        centre_id = make_centre("atyrau").id
    response = post_form(
        client, "/signup", signup_data(centre=str(centre_id), password="password123", confirm="password123")
    )
    assert "too common" in response.get_data(as_text=True)
    long_password = "x7-" * 21 + "z"  # 64 characters
    response = post_form(
        client, "/signup", signup_data(centre=str(centre_id), password=long_password, confirm=long_password)
    )
    assert response.status_code == 302


def test_login_and_logout(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    assert login(client, "OBS@example.org").status_code == 302
    assert client.get("/account").status_code == 200
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302


def test_unknown_email_and_wrong_password_give_the_same_answer(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    wrong_password = login(client, "obs@example.org", "wrong password!")
    unknown_email = login(client, "nobody@example.org", "wrong password!")
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert GENERIC_ERROR in wrong_password.get_data(as_text=True)
    assert GENERIC_ERROR in unknown_email.get_data(as_text=True)
    assert "obs@example.org" not in wrong_password.get_data(as_text=True).replace('value="obs@example.org"', "")


def test_deactivated_user_cannot_sign_in(app, client):
    with app.app_context():
        make_user("volunteer", "vol@example.org", active=False)
    response = login(client, "vol@example.org")
    assert GENERIC_ERROR in response.get_data(as_text=True)


def test_failed_logins_are_rate_limited(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    statuses = [login(client, "obs@example.org", f"wrong-{i}").status_code for i in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    # a different account from the same address is also refused: the limit is per client too
    assert login(client, "other@example.org", "wrong").status_code == 429


def test_successful_logins_do_not_count_against_the_limit(app, make_client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    for _ in range(7):
        c = make_client()
        assert login(c, "obs@example.org").status_code == 302


def test_rate_limit_page_is_translated(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    client.get("/?lang=de")
    for i in range(5):
        login(client, "obs@example.org", f"wrong-{i}")
    response = login(client, "obs@example.org", "wrong-again")
    assert response.status_code == 429
    assert "Zu viele Versuche" in response.get_data(as_text=True)


def test_csrf_token_is_required(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    response = client.post("/login", data={"email": "obs@example.org", "password": PASSWORD})
    assert response.status_code == 400
    response = client.post("/login", data={"email": "obs@example.org", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


def test_logout_requires_post_and_csrf(login_as):
    client, _ = login_as("observer")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200


def test_cookie_captured_before_logout_no_longer_works(app, login_as):
    client, _ = login_as("observer")
    captured = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    attacker = app.test_client()
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    assert attacker.get("/account").status_code == 302


def test_password_change_ends_other_sessions(app, login_as, make_client):
    client, user = login_as("volunteer")
    other_device = make_client()
    login(other_device, user.email)
    assert other_device.get("/account").status_code == 200
    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": "a new long passphrase", "confirm": "a new long passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert other_device.get("/account").status_code == 302
    fresh = make_client()
    assert login(fresh, user.email, PASSWORD).status_code == 422
    assert login(fresh, user.email, "a new long passphrase").status_code == 302


def test_password_change_with_wrong_current_password(login_as):
    client, _ = login_as("observer")
    response = post_form(
        client,
        "/account/password",
        {"current_password": "wrong!!!!", "password": "a new long passphrase", "confirm": "a new long passphrase"},
    )
    assert response.status_code == 422
    assert "Your current password is not correct." in response.get_data(as_text=True)


def test_next_redirect_stays_on_this_site(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    for hostile in ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil"]:
        c = app.test_client()
        response = post_form(
            c, f"/login?next={hostile}", {"email": "obs@example.org", "password": PASSWORD}, page="/login"
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/", hostile
    c = app.test_client()
    response = post_form(c, "/login?next=/account", {"email": "obs@example.org", "password": PASSWORD}, page="/login")
    assert response.headers["Location"] == "/account"


def test_protected_page_sends_to_login_and_back(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")
    response = post_form(
        client, "/login?next=/account", {"email": "obs@example.org", "password": PASSWORD}, page="/login?next=/account"
    )
    assert response.headers["Location"] == "/account"


def test_session_has_absolute_timeout(app, login_as):
    client, _ = login_as("observer")
    with client.session_transaction() as session:
        session["auth_at"] -= int(app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()) + 1
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_session_cookie_flags(app, login_as):
    client, _ = login_as("observer")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_logins_and_failures_are_audited_without_passwords(app, client):
    with app.app_context():
        make_user("observer", "obs@example.org")
    login(client, "obs@example.org", "wrong password!")
    login(client, "obs@example.org")
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["login.failed", "login.succeeded"]
        details = db.session.scalars(select(AuditEvent.details)).all()
        assert "wrong password!" not in repr(details)


def test_volunteer_toggles_duty(app, login_as):
    client, user = login_as("volunteer")
    response = post_form(client, "/account/duty", {}, page="/account")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).on_duty is True


def test_profile_update_sets_preferred_locale(app, login_as):
    client, user = login_as("observer")
    response = post_form(client, "/account", {"display_name": "New Name", "preferred_locale": "fr"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert saved.display_name == "New Name"
        assert saved.preferred_locale == "fr"
        assert saved.visitor_profile.full_name == "New Name"
    assert '<html lang="fr"' in client.get("/").get_data(as_text=True)


def test_preferred_locale_outside_the_allowlist_is_refused(app, login_as):
    client, user = login_as("observer")
    response = post_form(client, "/account", {"display_name": "X", "preferred_locale": "../../etc"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, user.id).preferred_locale is None
