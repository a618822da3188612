"""Invitations (services/invitations.py): an imported person receives, in their language, a
signed single-use link that expires and is bound to their profile; following it gives them
an account with what the centre already registered for them. Forged, reused, replaced and
expired links are refused; a typed accreditation number never gives anyone a profile."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import Invitation, User, Visit, VisitorLanguage, VisitorProfile
from observer_portal.models.base import utcnow
from tests.helpers import csrf_from, make_centre, make_user, sign_in_directly

PASSWORD = "a long passphrase for atyrau"  # noqa: S105 - a test credential


@pytest.fixture
def mail_app(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, PORTAL_BASE_URL="https://portal.example.org")
    with app.app_context():
        centre = make_centre("atyrau")
        people = {}
        for name, address, language, card in (
            ("Айгуль Серикова", "aigul@example.org", "kk", "CIS-LTO-0201"),
            ("Pierre Lambert", "pierre@example.org", "fr", "ODIHR-STO-0502"),
        ):
            profile = VisitorProfile(
                kind="observer",
                full_name=name,
                accreditation_number=card,
                contact_email=address,
                centre_id=centre.id,
                languages=[VisitorLanguage(language=language)],
            )
            db.session.add(profile)
            people[address] = profile
        db.session.flush()
        db.session.add(
            Visit(
                centre_id=centre.id,
                visitor_id=people["aigul@example.org"].id,
                visitor_kind="observer",
                arrived_at=utcnow(),
            )
        )
        coordinator = make_user("coordinator")
        db.session.commit()
        app.config["test_people"] = {address: profile.id for address, profile in people.items()}
        client = app.test_client()
        sign_in_directly(client, coordinator)
        app.config["test_coordinator"] = client
    return app


def _mails(smtp_server) -> list:
    return [email.message_from_bytes(envelope.content, policy=policy.default) for envelope in smtp_server.messages]


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https://portal\.example\.org(/invitation/\S+)", body).group(1)


def _invite(app, address: str):
    client = app.config["test_coordinator"]
    page = client.get("/manage/accreditations/people").get_data(as_text=True)
    assert address.split("@")[0] in page
    response = client.post(
        "/manage/accreditations/people",
        data={"csrf_token": csrf_from(page), "people": str(app.config["test_people"][address]), "invite_selected": "1"},
    )
    assert response.status_code == 302


def _accept(client, path: str, password: str = PASSWORD):
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(
        path, data={"csrf_token": csrf_from(page.get_data(as_text=True)), "password": password, "confirm": password}
    )


def test_the_link_works_once_in_the_invitees_language_and_binds_the_account_to_the_profile(mail_app, smtp_server):
    _invite(mail_app, "aigul@example.org")
    [message] = _mails(smtp_server)
    assert message["To"] == "aigul@example.org"
    assert message["Subject"].strip() == "Байқаушылар порталындағы тіркелгіңіз"  # in Kazakh, her language
    path = _link(message)
    visitor = mail_app.test_client()
    page = visitor.get(path).get_data(as_text=True)
    assert "Айгуль Серикова" in page
    response = _accept(visitor, path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/visits/mine")
    with mail_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "aigul@example.org"))
        profile = db.session.get(VisitorProfile, mail_app.config["test_people"]["aigul@example.org"])
        assert profile.user_id == user.id
        assert user.preferred_locale == "kk"
        assert db.session.scalar(select(func.count(VisitorProfile.id))) == 2  # no second profile
        assert db.session.scalar(select(func.count(Visit.id)).where(Visit.visitor_id == profile.id)) == 1
        assert db.session.scalar(select(Invitation.secret_hash)) not in path  # only the hash is stored
    mine = visitor.get("/visits/mine").get_data(as_text=True)
    assert "Centre Atyrau" in mine  # the visit the centre registered before she had an account
    again = _accept(mail_app.test_client(), path)
    assert again.status_code == 404
    assert "nicht mehr gültig" in mail_app.test_client().get(path + "?lang=de").get_data(as_text=True)


def test_forged_replaced_and_expired_links_are_refused(mail_app, smtp_server):
    _invite(mail_app, "pierre@example.org")
    _invite(mail_app, "pierre@example.org")  # invited again: the first link stops working
    first, second = (_link(message) for message in _mails(smtp_server))
    client = mail_app.test_client()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    token = second.rsplit("/", 1)[1]
    forged = second[: -len(token)] + token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(forged).status_code == 404
    assert client.get("/invitation/eyJpIjogMX0.not-signed").status_code == 404
    with mail_app.app_context():
        invitation = db.session.scalar(select(Invitation).order_by(Invitation.id.desc()))
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert _accept(client, second).status_code == 404
    with mail_app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.email == "pierre@example.org")) == 0


def test_signing_up_with_an_imported_address_sends_the_invitation_instead_of_a_second_profile(mail_app, smtp_server):
    client = mail_app.test_client()
    page = client.get("/signup?lang=fr").get_data(as_text=True)
    with mail_app.app_context():
        centre_id = db.session.scalar(select(VisitorProfile.centre_id))
    form = {
        "csrf_token": csrf_from(page),
        "role": "observer",
        "display_name": "Pierre Lambert",
        "email": "Pierre@Example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "centre": str(centre_id),
        "organisation": "OSCE/ODIHR",
        "consent": "y",
        "languages": "fr",
    }
    response = client.post("/signup", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    [message] = _mails(smtp_server)
    assert message["To"] == "pierre@example.org"
    with mail_app.app_context():
        assert db.session.scalar(select(func.count(VisitorProfile.id))) == 2
        assert db.session.scalar(select(func.count(User.id)).where(User.email == "pierre@example.org")) == 0

    someone_else = {**form, "email": "impostor@example.org", "accreditation_number": "cis lto 0201"}
    someone_else["csrf_token"] = csrf_from(client.get("/signup").get_data(as_text=True))
    refused = client.post("/signup", data=someone_else)
    assert refused.status_code == 422  # Aigul's card number typed by someone else
    with mail_app.app_context():
        assert (
            db.session.scalar(select(VisitorProfile.user_id).where(VisitorProfile.contact_email == "aigul@example.org"))
            is None
        )


def test_a_corrected_address_ends_the_link_sent_to_the_wrong_one(mail_app, smtp_server):
    from observer_portal.models import AccreditationImport, VisitorKind
    from observer_portal.services import accreditations

    _invite(mail_app, "pierre@example.org")
    [message] = _mails(smtp_server)
    with mail_app.app_context():
        centre_id = db.session.scalar(select(VisitorProfile.centre_id))
        corrected = b"Name;Number;E-mail\nPierre Lambert;ODIHR-STO-0502;p.lambert@example.org\n"
        upload = accreditations.upload_list(db.session, None, centre_id, "fix.csv", corrected, "", VisitorKind.OBSERVER)
        accreditations.run_import(db.session, None, db.session.get(AccreditationImport, upload.id))
        db.session.commit()
    assert mail_app.test_client().get(_link(message)).status_code == 404
