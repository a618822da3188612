"""Command line: `flask --app app users create ...`, `flask --app app demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from observer_portal.demo import DEMO_PASSWORD, load_demo
from observer_portal.extensions import db
from observer_portal.glossary_cli import glossary_cli
from observer_portal.i18n import SPOKEN_LANGUAGES
from observer_portal.models import Centre, Proficiency, Role
from observer_portal.reports.cli import reports_cli
from observer_portal.services import ServiceError, accounts

users_cli = AppGroup("users", help="Manage accounts.")


def _parse_languages(value: str) -> dict[str, Proficiency | None]:
    skills: dict[str, Proficiency | None] = {}
    for item in filter(None, (part.strip().lower() for part in value.split(","))):
        code, _, level = item.partition(":")
        if code not in SPOKEN_LANGUAGES:
            raise click.BadParameter(f"unknown language {code!r}; choose from {', '.join(SPOKEN_LANGUAGES)}")
        try:
            skills[code] = Proficiency(level) if level else Proficiency.FLUENT
        except ValueError:
            raise click.BadParameter(f"unknown proficiency {level!r}") from None
    return skills


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role if r.is_staff]), required=True)
@click.option("--name", required=True, help="Display name.")
@click.option("--password", help="Prompted for (hidden) when not given.")
@click.option("--languages", default="", help="Comma-separated, e.g. en,ru or de:fluent,kk:native.")
@click.option("--centre", "centre_slug", help="Centre slug, e.g. atyrau (not needed for admin).")
@click.option("--on-duty", is_flag=True, help="Volunteers only: start on duty.")
def create_user(email, role, name, password, languages, centre_slug, on_duty):
    """Create a volunteer, coordinator or admin account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    centre_id = None
    if centre_slug:
        centre = db.session.scalar(select(Centre).where(Centre.slug == centre_slug))
        if centre is None:
            raise click.BadParameter(f"no centre with slug {centre_slug!r}", param_hint="--centre")
        centre_id = centre.id
    data = accounts.StaffAccount(
        email=email,
        display_name=name,
        role=Role(role),
        centre_id=centre_id,
        password=password,
        languages=_parse_languages(languages),
        on_duty=on_duty,
    )
    try:
        user = accounts.create_staff(db.session, None, data)
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@click.command("demo")
@with_appcontext
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="Password of every demo account.")
def demo_command(password):
    """Load demo data from the seed story (safe to run again)."""
    result = load_demo(db.session, password)
    db.session.commit()
    click.echo(f"Demo data ready ({result.created} new rows). Demo accounts, password {password!r}:")
    for email, role in result.accounts:
        click.echo(f"  {role:<12} {email}")


visits_cli = AppGroup("visits", help="The visitor registry.")


@visits_cli.command("anonymise")
@click.option(
    "--before",
    "before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Visitors whose last visit is older than this date (YYYY-MM-DD, UTC).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def anonymise_command(before, yes):
    """Remove the personal data of visitors last seen before DATE; statistics are kept."""
    from datetime import UTC

    from observer_portal.services.erasure import anonymise_before

    if not yes:
        click.confirm(f"Anonymise every visitor last seen before {before:%Y-%m-%d}? This cannot be undone", abort=True)
    count = anonymise_before(db.session, before.replace(tzinfo=UTC))
    db.session.commit()
    click.echo(f"{count} visitor(s) anonymised.")


loans_cli = AppGroup("loans", help="Equipment loans.")


@loans_cli.command("notify-overdue")
def notify_overdue_command():
    """Notify lenders, borrowers and coordinators of overdue loans (once per loan); run from cron."""
    from observer_portal.jobs import email_copies
    from observer_portal.services.inventory import notify_overdue

    created = notify_overdue(db.session)
    db.session.commit()
    email_copies(created)
    click.echo(f"{len(created)} notification(s) created.")


jobs_cli = AppGroup("jobs", help="The job queue (observer_portal/jobs.py).")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running jobs.")
def jobs_worker_command(workers: int):
    """Run the queue's worker: e-mail copies with retries, machine drafts, the sweep, overdue-loan notices, retention."""
    import logging

    from flask import current_app

    if not logging.getLogger().handlers:  # say what the worker does (Huey logs as "huey")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    jobs = current_app.extensions["jobs"]
    if jobs.queue.immediate:
        raise click.ClickException("JOB_QUEUE_URL=immediate runs jobs in the web process; there is no worker to run.")
    jobs.queue.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


backup_cli = AppGroup("backup", help="Backups of the database (observer_portal/backups.py).")


@backup_cli.command("create")
@click.option("--folder", type=click.Path(file_okay=False), help="Where to write it (default: BACKUP_DIR).")
def backup_create_command(folder):
    """Back up the database while the portal keeps serving; prints the file written."""
    from pathlib import Path

    from flask import current_app

    from observer_portal.backups import BackupError, make_backup

    try:
        written = make_backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"], Path(folder or current_app.config["BACKUP_DIR"])
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written: {written}")


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore_command(backup, yes):
    """Replace everything in the database with BACKUP (stop the portal and its worker first)."""
    from pathlib import Path

    from alembic.script import ScriptDirectory
    from flask import current_app

    from observer_portal.backups import BackupError, backup_revision, restore_backup

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    state = current_app.extensions["migrate"]
    scripts = ScriptDirectory.from_config(state.migrate.get_config(state.directory))
    known = {script.revision for script in scripts.walk_revisions()}
    try:
        revision = backup_revision(url, Path(backup))  # read before asking: a file that is no backup is refused
        if not yes:
            click.confirm(
                f"Replace everything in the database with {backup}? Stop the portal and its worker first", abort=True
            )
        db.engine.dispose()  # no connection of this process holds the old contents open
        restore_backup(url, Path(backup), known)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {backup}.")
    if revision not in scripts.get_heads():
        click.echo("The backup is from an older version: run `flask --app app db upgrade` before starting the portal.")


def register_cli(app: Flask) -> None:
    from observer_portal.setup_cli import accreditations_cli, centres_cli, elections_cli, setup_command

    app.cli.add_command(setup_command)
    app.cli.add_command(centres_cli)
    app.cli.add_command(accreditations_cli)
    app.cli.add_command(elections_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(loans_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(glossary_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(visits_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
