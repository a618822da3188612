"""A report as PDF: WeasyPrint lays out the same standalone HTML the command line writes (A4,
page numbers, DejaVu fonts for Cyrillic and Kazakh letters: scripts/install-system-deps.sh).
Nothing is fetched while it does: the document carries its styles and charts inline."""

from __future__ import annotations

from flask import render_template

PDF_TYPE = "application/pdf"


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"a report fetches nothing ({url})")


def report_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy to import: only where a PDF is made

    html = render_template(template, **context)
    return HTML(string=html, url_fetcher=_refuse).write_pdf()
