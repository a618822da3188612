"""Command-line tools: creating accounts and loading the demo."""

from __future__ import annotations

from sqlalchemy import func, select

from observer_portal.demo import DEMO_PASSWORD
from observer_portal.extensions import db
from observer_portal.models import Centre, Organisation, Proficiency, Role, User, VisitorProfile
from tests.helpers import login, make_centre


def test_users_create_with_languages_and_centre(app):
    with app.app_context():
        make_centre("atyrau")
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "Timur@Atyrau.example.org",
            "--role",
            "volunteer",
            "--name",
            "Timur",
            "--password",
            "a long volunteer phrase",
            "--languages",
            "en,ru:native",
            "--centre",
            "atyrau",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "timur@atyrau.example.org"))
        assert user.role == Role.VOLUNTEER
        assert user.centre.slug == "atyrau"
        assert {(lang.language, lang.proficiency) for lang in user.languages} == {
            ("en", Proficiency.FLUENT),
            ("ru", Proficiency.NATIVE),
        }


def test_users_create_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "admin@example.org", "--role", "admin", "--name", "Admin"],
        input="a long passphrase for the centre\na long passphrase for the centre\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert login(app.test_client(), "admin@example.org", "a long passphrase for the centre").status_code == 302


def test_users_create_reports_errors_clearly(app):
    runner = app.test_cli_runner()
    volunteer = [
        "users",
        "create",
        "x@example.org",
        "--role",
        "volunteer",
        "--name",
        "X",
        "--password",
        "a long passphrase",
    ]
    result = runner.invoke(args=[*volunteer, "--centre", "nowhere"])
    assert result.exit_code != 0
    assert "no centre with slug" in result.output
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "admin", "--name", "X", "--password", "password123"]
    )
    assert result.exit_code == 1
    assert "too common" in result.output
    result = runner.invoke(args=[*volunteer, "--languages", "klingon"])
    assert result.exit_code == 2
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Centre, Organisation, User, VisitorProfile)
    )


def test_demo_is_idempotent_and_follows_the_seed_story(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        counts = _counts()
        volunteers = db.session.scalars(select(User).where(User.role == Role.VOLUNTEER)).all()
        atyrau = [v for v in volunteers if v.centre.slug == "atyrau"]
        assert len(atyrau) == 6
        spoken = {lang.language for v in atyrau for lang in v.languages}
        assert {"en", "de", "fr", "ru", "kk"} <= spoken
        observers = db.session.scalars(  # the long-term observers with accounts (walk-ins come on top)
            select(VisitorProfile).where(VisitorProfile.kind == "observer", VisitorProfile.user_id.is_not(None))
        ).all()
        missions = sorted(o.organisation.name for o in observers)
        assert sum("OSCE" in m for m in missions) == 2
        assert sum("CIS" in m for m in missions) == 1
        assert db.session.scalar(select(func.count(User.id)).where(User.role == Role.MEDIA)) >= 1
        assert db.session.scalar(select(Centre).where(Centre.slug == "karaganda")) is not None
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "(0 new rows)" in second.output
    with app.app_context():
        assert _counts() == counts
    assert login(app.test_client(), "coordinator@atyrau.example.org", DEMO_PASSWORD).status_code == 302
