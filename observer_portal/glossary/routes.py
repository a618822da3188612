"""The electoral glossary's pages: every member of staff reads it, proposes terms and takes
it as TBX or CSV to a translation tool; coordinators and administrators correct, approve and
remove terms and import files."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, read_filters, show_form_error
from observer_portal.glossary import bp
from observer_portal.glossary.forms import GlossaryFilterForm, ImportForm, TermForm
from observer_portal.i18n import LOCALES, reader_locale
from observer_portal.lazy_text import LocalNumber, _l
from observer_portal.models import GlossaryStatus, GlossaryTerm
from observer_portal.permissions import MANAGERS, STAFF, roles_required
from observer_portal.services import ServiceError, glossary, glossary_terms
from observer_portal.unit_of_work import discard

MAX_FILE_BYTES = 1024 * 1024  # a glossary of thousands of terms is well under this


@bp.get("/")
@roles_required(*STAFF)
def index():
    form = GlossaryFilterForm(request.args)
    valid = read_filters(form)  # a refused search answers 400 and shows nothing as matching
    status = GlossaryStatus(form.status.data) if valid and form.status.data else None
    query = form.q.data or ""
    return render_template(
        "glossary/index.html",
        form=form,
        entries=glossary_terms.listing(db.session, query, status) if valid else [],
        counts=glossary_terms.counts(db.session),
        filtered=bool(query or status) or not valid,
        action_form=ConfirmForm(),
        may_edit=lambda entry: glossary_terms.may_edit(current_user, entry),
        languages=_columns(reader_locale()),
    )


def _columns(reader: str) -> list[str]:
    """The languages after English, the reader's own first (on a phone, the column they
    need is beside the English without scrolling)."""
    others = [code for code in LOCALES if code != "en"]
    return sorted(others, key=lambda code: code != reader)


@bp.route("/propose", methods=["GET", "POST"])
@roles_required(*STAFF)
def propose():
    form = TermForm()
    if form.validate_on_submit():
        try:
            entry = glossary_terms.propose(db.session, current_user, form.term_input())
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("“%(term)s” is proposed: a coordinator approves it.", term=entry.english), "success")
            return redirect(url_for("glossary.index"))
    return render_template("glossary/form.html", form=form, entry=None)


def _entry(term_id: int) -> GlossaryTerm:
    entry = db.session.get(GlossaryTerm, term_id)
    if entry is None:
        abort(404)
    return entry


@bp.route("/<int:term_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(term_id: int):
    entry = _entry(term_id)
    if not glossary_terms.may_edit(current_user, entry):
        abort(403)
    form = TermForm(obj=entry)
    if request.method == "GET":
        form.show(entry.texts, entry.stems or {})
    if form.validate_on_submit():
        try:
            glossary_terms.update(db.session, current_user, entry, form.term_input())
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("“%(term)s” is saved.", term=entry.english), "success")
            return redirect(url_for("glossary.index"))
    return render_template("glossary/form.html", form=form, entry=entry, action_form=ConfirmForm())


@bp.post("/<int:term_id>/approve")
@roles_required(*MANAGERS)
def approve(term_id: int):
    entry = _entry(term_id)
    if ConfirmForm().validate_on_submit():
        glossary_terms.approve(db.session, current_user, entry)
        flash(_l("“%(term)s” is approved: translators use it from now on.", term=entry.english), "success")
    return redirect(url_for("glossary.index"))


@bp.route("/<int:term_id>/remove", methods=["GET", "POST"])
@roles_required(*STAFF)
def remove(term_id: int):
    """Asked first: a term is removed for every translator at once."""
    entry = _entry(term_id)
    if not glossary_terms.may_remove(current_user, entry):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        english = entry.english
        glossary_terms.remove(db.session, current_user, entry)
        flash(_l("“%(term)s” is removed from the glossary.", term=english), "success")
        return redirect(url_for("glossary.index"))
    return render_template("glossary/remove.html", entry=entry, form=form)


def _download(data: bytes, content_type: str, name: str) -> Response:
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/glossary.tbx")
@roles_required(*STAFF)
def export_tbx():
    return _download(glossary.write_tbx(glossary_terms.terms(db.session)), "application/x-tbx+xml", "glossary.tbx")


@bp.get("/glossary.csv")
@roles_required(*STAFF)
def export_csv():
    text = glossary.write_csv(glossary_terms.terms(db.session))
    return _download(("\ufeff" + text).encode("utf-8"), "text/csv; charset=utf-8", "glossary.csv")


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            if len(data) > MAX_FILE_BYTES:
                raise glossary.GlossaryError(_l("The file is larger than %(mb)d MB.", mb=MAX_FILE_BYTES // 2**20))
            merged = glossary_terms.merge(db.session, current_user, glossary.read_file(data, upload.filename or ""))
        except glossary.GlossaryError as error:
            discard()
            form.file.errors = [*form.file.errors, str(error)]
        else:
            _flash_merged(merged)
            return redirect(url_for("glossary.index"))
    return render_template("glossary/import.html", form=form, seed_form=ConfirmForm())


@bp.post("/load-seed")
@roles_required(*MANAGERS)
def load_seed():
    if ConfirmForm().validate_on_submit():
        _flash_merged(glossary_terms.load_seed(db.session, current_user))
    return redirect(url_for("glossary.index"))


def _flash_merged(merged: glossary_terms.Merged) -> None:
    flash(
        _l(
            "Terms added: %(added)s. Changed: %(updated)s. Left as they were: %(unchanged)s.",
            added=LocalNumber(merged.added),
            updated=LocalNumber(merged.updated),
            unchanged=LocalNumber(merged.unchanged),
        ),
        "success",
    )
