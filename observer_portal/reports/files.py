"""A report as a file. PDF: WeasyPrint lays out the same standalone HTML the command line writes (A4,
page numbers, DejaVu fonts for Cyrillic and Kazakh letters: scripts/install-system-deps.sh).
Nothing is fetched while it does: the document carries its styles and charts inline."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, render_template

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"a report fetches nothing ({url})")


def report_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy to import: only where a PDF is made

    html = render_template(template, **context)
    return HTML(string=html, url_fetcher=_refuse).write_pdf()


def report_file(
    extension: str, context: dict, *, workbook: Callable[[dict], bytes], document: str, name: str
) -> Response:
    """A report's file to download: its workbook or its PDF, never kept by a cache."""
    if extension == "xlsx":
        response = Response(workbook(context), mimetype=XLSX_TYPE)
    else:
        response = Response(report_pdf(document, context), mimetype=PDF_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
