"""`flask glossary export|import|check`: the installation's electoral glossary
(services/glossary_terms.py) for translators and their tools.

`export` writes it as TBX (Weblate, CAT tools) or CSV (a spreadsheet); `import` merges a
file into it (the same key or English term is updated, a new term added, nothing removed)
and refuses a file that is not a glossary with the reason; `check` lists the UI messages
that do not use an approved term's translation."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.pofile import read_po
from flask.cli import AppGroup

from observer_portal.extensions import db
from observer_portal.i18n import LOCALES
from observer_portal.services import glossary, glossary_terms

glossary_cli = AppGroup("glossary", help="The electoral glossary: export, import, check the catalogs.")
CATALOGS = Path(__file__).resolve().parents[1] / "translations"


@glossary_cli.command("export")
@click.option("--format", "kind", type=click.Choice(["tbx", "csv"]), default="tbx", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="A file (default: standard output)."
)
def export_command(kind: str, output: str | None) -> None:
    """Write the glossary as TBX or CSV."""
    terms = glossary_terms.terms(db.session)
    data = glossary.write_tbx(terms) if kind == "tbx" else glossary.write_csv(terms).encode("utf-8")
    if output:
        Path(output).write_bytes(data)
        click.echo(f"{len(terms)} terms written to {output}")
    else:
        click.get_binary_stream("stdout").write(data)


@glossary_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def import_command(source: str) -> None:
    """Merge a TBX or CSV file (a .csv name means CSV) into the glossary."""
    try:
        merged = glossary_terms.merge(db.session, None, glossary.read_file(Path(source).read_bytes(), source))
    except glossary.GlossaryError as error:
        db.session.rollback()
        raise click.ClickException(f"{source}: {error}") from None
    db.session.commit()
    click.echo(f"{merged.added} terms added, {merged.updated} changed, {merged.unchanged} unchanged.")


@glossary_cli.command("check")
def check_command() -> None:
    """List the UI messages that do not use an approved term's translation (exit 1 if any)."""
    terms, problems = glossary_terms.terms(db.session), 0
    for code in LOCALES:
        if code == "en":
            continue
        with open(CATALOGS / code / "LC_MESSAGES" / "messages.po", "rb") as po:
            messages = {m.id: m.string for m in read_po(po) if m.id and isinstance(m.id, str)}
        for key, msgid, text in glossary.inconsistencies(terms, messages, code):
            problems += 1
            click.echo(f"{code}\t{key}\t{msgid}\t{text}")
    if problems:
        raise SystemExit(1)
    click.echo(f"Every message uses the approved terms of the glossary's {len(terms)}.")
