"""Command line for a new installation: `flask --app app setup` (the first admin and the
active election, once), `flask --app app elections …` (list, create, activate, close,
enforce-retention) and `flask --app app centres …` (create, list)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.models import Election, ElectionState, Role, User
from observer_portal.models.election import DEFAULT_RETENTION_DAYS
from observer_portal.multilingual import BadLocaleText, parse_locale_texts
from observer_portal.services import ServiceError, accounts, glossary_terms
from observer_portal.services.centres import CentreInput, all_centres, create_centre
from observer_portal.services.elections import (
    ElectionInput,
    activate,
    active_election,
    all_elections,
    close,
    create_election,
)

DAY = click.DateTime(formats=["%Y-%m-%d"])


def _texts(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    try:
        return parse_locale_texts(pairs)
    except BadLocaleText as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _names(pairs: tuple[str, ...]) -> dict[str, str]:
    return _texts(pairs, "--election-name / --name")


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
        glossary_terms.load_seed(db.session, admin)  # the Commission's terms, approved
    except ServiceError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Administrator {admin.email}, the active election “{created.name('en')}” and the glossary are ready.")


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


@elections_cli.command("enforce-retention")
@click.option("--today", type=DAY, help="YYYY-MM-DD instead of today (to rehearse, or in tests).")
def enforce_retention_command(today):
    """Erase the visitors' personal data of every closed election past its retention date
    (safe to run daily: an erased election is not touched again)."""
    from observer_portal.models.base import utcnow
    from observer_portal.services.erasure import enforce_retention

    erasures = enforce_retention(db.session, _day(today) or utcnow().date())
    db.session.commit()
    for erasure in erasures:
        click.echo(
            f"Election {erasure.election.id} ({erasure.election.name('en')}): personal data of {erasure.people} "
            f"visitor(s) erased, {erasure.removed_profiles} unused profile(s) removed, "
            f"{erasure.kept} kept for a later election."
        )
    if not erasures:
        click.echo("No election is past its retention date.")


centres_cli = AppGroup("centres", help="The centres and their details in each language.")


@centres_cli.command("create")
@click.argument("slug")
@click.option("--name", "names", multiple=True, required=True, help="LOCALE:TEXT, once per language.")
@click.option("--region", "regions", multiple=True, required=True, help="LOCALE:TEXT, once per language.")
@click.option("--address", "addresses", multiple=True, help="LOCALE:TEXT, once per language.")
@click.option("--hours", multiple=True, help="Opening hours, LOCALE:TEXT, once per language.")
@click.option("--timezone", required=True, help="IANA time zone, e.g. Asia/Atyrau.")
@click.option("--language", default="kk", show_default=True, help="The centre's own language (the first fallback).")
@click.option("--phone", default="")
@click.option("--email", default="")
@click.option(
    "--election", "election_ids", type=int, multiple=True, help="Election id it serves (default: the active one)."
)
def create_centre_command(slug, names, regions, addresses, hours, timezone, language, phone, email, election_ids):
    """Add a centre; SLUG is the address of its pages (e.g. atyrau)."""
    if not election_ids:
        active = active_election(db.session)
        election_ids = (active.id,) if active else ()
    data = CentreInput(
        slug=slug,
        names=_texts(names, "--name"),
        regions=_texts(regions, "--region"),
        addresses=_texts(addresses, "--address"),
        hours=_texts(hours, "--hours"),
        timezone=timezone,
        language=language,
        phone=phone,
        email=email,
        election_ids=list(election_ids),
    )
    try:
        centre = create_centre(db.session, None, data)
    except ServiceError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Centre {centre.slug} created: {centre.names.get('en') or centre.name}.")


@centres_cli.command("list")
def list_centres_command():
    """Every centre, open or closed down."""
    for centre in all_centres(db.session, include_closed=True):
        state = "open" if centre.active else "closed down"
        click.echo(f"{centre.slug}\t{state}\t{centre.timezone}\t{centre.name}")


accreditations_cli = AppGroup("accreditations", help="The Commission's lists of accredited observers and journalists.")


@accreditations_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--centre", "centre_slug", required=True, help="The centre the people come to, e.g. atyrau.")
@click.option("--election", "election_id", type=int, help="The election the list is for (default: the active one).")
@click.option("--dry-run", is_flag=True, help="Check every row and print the result; write nothing.")
@click.option(
    "--kind",
    type=click.Choice(["observer", "media"]),
    default="observer",
    show_default=True,
    help="Who the rows are when the list has no such column.",
)
@click.option(
    "--encoding",
    type=click.Choice(["", "utf-8", "windows-1251", "utf-16"]),
    default="",
    help="Of a CSV file (default: found out).",
)
@click.option("--column", "columns", multiple=True, help="FIELD=HEADING when a column's heading is not recognised.")
def import_accreditations_command(path, centre_slug, election_id, dry_run, kind, encoding, columns):
    """Import a CSV or XLSX list (all rows or none): prints `created N, updated N, unchanged N,
    errors N` and each row's problems; exits 1, writing nothing, when any row has one."""
    from pathlib import Path

    from observer_portal.models import VisitorKind
    from observer_portal.services import accreditations
    from observer_portal.services.centres import find_centre

    centre = find_centre(db.session, centre_slug)
    if centre is None:
        raise click.BadParameter(f"no centre {centre_slug!r}", param_hint="--centre")
    data = Path(path).read_bytes()
    try:
        upload = accreditations.upload_list(
            db.session, None, centre.id, Path(path).name, data, encoding, VisitorKind(kind), election_id
        )
        header = accreditations.read_table(upload.filename, data, upload.encoding).header
        for pair in columns:
            target, _sep, heading = pair.partition("=")
            if target not in accreditations.FIELDS or heading not in header:
                raise click.BadParameter(f"{pair!r}: FIELD=HEADING with a heading of the file", param_hint="--column")
            upload.mapping = {**upload.mapping, target: header.index(heading)}
        result = accreditations.preview(db.session, upload)
        if not result.problems and not dry_run:
            accreditations.run_import(db.session, None, upload)
    except ServiceError as error:
        raise _refused(error) from None
    for problem in result.problems:
        click.echo(f"line {problem.line}, {accreditations.FIELDS[problem.field]}: {problem.message}", err=True)
    click.echo(result.counts())
    if result.problems or dry_run:
        db.session.rollback()
        if result.problems:
            raise SystemExit(1)
        return
    db.session.commit()
