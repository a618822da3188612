"""`flask reports equal-treatment`: the report from the command line, so a Commission can
script it — the same figures, words and files as the page, in the language asked for."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from observer_portal.extensions import db
from observer_portal.i18n import LOCALES
from observer_portal.models import Centre, Election, ElectionState
from observer_portal.models.base import utcnow
from observer_portal.reports.daily_document import daily_context
from observer_portal.reports.daily_routes import DAILY_DOCUMENT
from observer_portal.reports.document import equal_treatment_context
from observer_portal.reports.files import report_pdf
from observer_portal.reports.routes import DOCUMENT
from observer_portal.reports.workbook import daily_workbook, equal_treatment_workbook
from observer_portal.services.reports import daily, equal_treatment
from observer_portal.services.reports.scope import Scope, election_for

reports_cli = AppGroup("reports", help="The reports, written to files: equal treatment, daily; and the daily e-mail.")
EVERY_CENTRE = "all"


def _election(voting_day: date | None) -> Election:
    query = select(Election).order_by((Election.state == ElectionState.ACTIVE).desc(), Election.voting_day.desc())
    if voting_day is not None:
        query = select(Election).where(Election.voting_day == voting_day)
    election = db.session.scalars(query).first()
    if election is None:
        raise click.ClickException(f"No election votes on {voting_day}." if voting_day else "There is no election yet.")
    return election


def _centre_id(slug: str) -> int | None:
    if slug == EVERY_CENTRE:
        return None
    centre_id = db.session.scalar(select(Centre.id).where(Centre.slug == slug))
    if centre_id is None:
        slugs = ", ".join(db.session.scalars(select(Centre.slug).order_by(Centre.slug)))
        raise click.ClickException(f"No centre {slug!r}; the centres are: {slugs} (or {EVERY_CENTRE}).")
    return centre_id


@reports_cli.command("equal-treatment")
@click.option("--centre", "centre_slug", required=True, help=f"A centre's short name, or {EVERY_CENTRE}.")
@click.option(
    "--election", "voting_day", type=click.DateTime(["%Y-%m-%d"]), help="Its voting day (default: the active one)."
)
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: the centres open).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: the centres close).")
@click.option("--locale", type=click.Choice(sorted(LOCALES)), default="en", show_default=True)
@click.option("--format", "kind", type=click.Choice(["html", "xlsx", "pdf"]), default="html", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True)
def equal_treatment_command(centre_slug, voting_day, date_from, date_to, locale, kind, output) -> None:
    """Write the equal-treatment report of one centre (or all) as HTML, an Excel workbook or PDF."""
    election = _election(voting_day.date() if voting_day else None)
    first = date_from.date() if date_from else election.serves_from
    last = date_to.date() if date_to else election.serves_to
    if last < first:
        raise click.ClickException("--to is before --from.")
    scope = Scope(election.id, first, last, centre_id=_centre_id(centre_slug))
    with current_app.test_request_context(f"/?lang={locale}"), force_locale(locale):
        context = equal_treatment_context(db.session, equal_treatment.build(db.session, scope), locale, utcnow())
        if kind == "xlsx":
            Path(output).write_bytes(equal_treatment_workbook(context))
        elif kind == "pdf":
            Path(output).write_bytes(report_pdf(DOCUMENT, context))
        else:
            Path(output).write_text(render_template(DOCUMENT, **context), "utf-8")
    click.echo(f"Equal-treatment report ({first} to {last}) written to {output}")


@reports_cli.command("daily")
@click.option("--centre", "centre_slug", required=True, help=f"A centre's short name, or {EVERY_CENTRE}.")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), required=True, help="The day (the last one of a week)."
)
@click.option("--period", type=click.Choice(daily.PERIODS), default="day", show_default=True)
@click.option("--locale", type=click.Choice(sorted(LOCALES)), default="en", show_default=True)
@click.option("--format", "kind", type=click.Choice(["html", "xlsx", "pdf"]), default="html", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True)
def daily_command(centre_slug, day, period, locale, kind, output) -> None:
    """Write a centre's daily report (or its week, or the whole election) as HTML, Excel or PDF."""
    day = day.date()
    election = election_for(list(db.session.scalars(select(Election).order_by(Election.voting_day.desc()))), day)
    if election is None:
        raise click.ClickException("There is no election yet.")
    first, last = daily.span(period, day, election.serves_from, election.serves_to)
    scope = Scope(election.id, first, last, centre_id=_centre_id(centre_slug))
    with current_app.test_request_context(f"/?lang={locale}"), force_locale(locale):
        context = daily_context(db.session, daily.build(db.session, scope), locale, utcnow(), period)
        if kind == "xlsx":
            Path(output).write_bytes(daily_workbook(context))
        elif kind == "pdf":
            Path(output).write_bytes(report_pdf(DAILY_DOCUMENT, context))
        else:
            Path(output).write_text(render_template(DAILY_DOCUMENT, **context), "utf-8")
    click.echo(f"Daily report ({first} to {last}) written to {output}")


@reports_cli.command("send-daily")
def send_daily_command() -> None:
    """Send today's daily report of every centre that has closed (as the job does each quarter hour)."""
    from observer_portal.services.reports.sending import send_due

    sent = send_due(db.session, utcnow(), current_app.config["DAILY_REPORT_HOUR"])
    click.echo(f"{sent} daily report(s) sent")
