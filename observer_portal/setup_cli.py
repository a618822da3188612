"""Command line for a new installation: `flask --app app setup` (the first admin and the
active election, once) and `flask --app app elections …` (list, create, activate, close)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import Election, ElectionState, Role, User
from observer_portal.models.election import DEFAULT_RETENTION_DAYS
from observer_portal.multilingual import BadLocaleText, parse_locale_texts
from observer_portal.services import ServiceError, accounts
from observer_portal.services.elections import ElectionInput, activate, all_elections, close, create_election

DAY = click.DateTime(formats=["%Y-%m-%d"])


def _names(pairs: tuple[str, ...]) -> dict[str, str]:
    try:
        return parse_locale_texts(pairs)
    except BadLocaleText as error:
        raise click.BadParameter(str(error), param_hint="--election-name / --name") from None


def _day(value) -> date | None:
    return value.date() if value is not None else None


def _refused(error: ServiceError) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(str(error.message))


@click.command("setup")
@with_appcontext
@click.option("--admin-email", required=True, help="The first administrator's e-mail address.")
@click.option("--admin-name", required=True, help="Their name as others read it.")
@click.option("--admin-password", help="Prompted for (hidden) when not given.")
@click.option("--election-name", "names", multiple=True, required=True, help="LOCALE:TEXT, once per language.")
@click.option("--voting-day", type=DAY, required=True, help="YYYY-MM-DD")
@click.option("--serves-from", type=DAY, help="First day the centres serve (default: the voting day).")
@click.option("--serves-to", type=DAY, help="Last day the centres serve (default: the voting day).")
@click.option("--retention-days", type=int, default=DEFAULT_RETENTION_DAYS, show_default=True)
def setup_command(admin_email, admin_name, admin_password, names, voting_day, serves_from, serves_to, retention_days):
    """First run on an empty database: the first administrator and the active election."""
    has_admin = db.session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1))
    if has_admin is not None or db.session.scalar(select(Election.id).limit(1)) is not None:
        raise click.ClickException("This portal is set up already (it has an administrator or an election).")
    election = ElectionInput(_names(names), _day(voting_day), _day(serves_from), _day(serves_to), retention_days)
    if admin_password is None:
        admin_password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    account = accounts.StaffAccount(
        email=admin_email,
        display_name=admin_name,
        role=Role.ADMIN,
        centre_id=None,
        password=admin_password,
        languages={},
        on_duty=False,
    )
    try:
        admin = accounts.create_staff(db.session, None, account)
        created = create_election(db.session, admin, election, active=True)
    except ServiceError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Administrator {admin.email} and the active election “{created.name('en')}” are ready.")


elections_cli = AppGroup("elections", help="The elections the centres serve.")


@elections_cli.command("list")
def list_elections():
    """Every election, the newest voting day first."""
    for election in all_elections(db.session):
        click.echo(f"{election.id}\t{election.state.value}\t{election.voting_day}\t{election.name('en')}")


@elections_cli.command("create")
@click.option("--name", "names", multiple=True, required=True, help="LOCALE:TEXT, once per language.")
@click.option("--voting-day", type=DAY, required=True)
@click.option("--serves-from", type=DAY)
@click.option("--serves-to", type=DAY)
@click.option("--retention-days", type=int, default=DEFAULT_RETENTION_DAYS, show_default=True)
@click.option("--activate", "make_active", is_flag=True, help="Make it the active election (closes the current one).")
def create_command(names, voting_day, serves_from, serves_to, retention_days, make_active):
    """Add an election (in preparation unless --activate)."""
    data = ElectionInput(_names(names), _day(voting_day), _day(serves_from), _day(serves_to), retention_days)
    try:
        election = create_election(db.session, None, data, active=make_active)
    except ServiceError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Election {election.id} created ({election.state.value}).")


def _election(election_id: int) -> Election:
    election = db.session.get(Election, election_id)
    if election is None:
        raise click.BadParameter(f"no election {election_id}")
    return election


@elections_cli.command("activate")
@click.argument("election_id", type=int)
def activate_command(election_id):
    """Make an election the active one; the one that was active is closed."""
    activate(db.session, None, _election(election_id))
    db.session.commit()
    click.echo(f"Election {election_id} is the active election.")


@elections_cli.command("close")
@click.argument("election_id", type=int)
def close_command(election_id):
    """Close an election (it stays readable)."""
    election = _election(election_id)
    if election.state == ElectionState.CLOSED:
        raise click.ClickException(f"Election {election_id} is closed already.")
    close(db.session, None, election)
    db.session.commit()
    click.echo(f"Election {election_id} is closed.")
