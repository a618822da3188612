"""Asking for a translation or an interpreter; volunteers' jobs, bookings and calendar
feed; the coordinator's language coverage."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import partial

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from observer_portal import policies
from observer_portal.assistance.forms import ActionForm
from observer_portal.assistance.walk_in import WalkIn, offer_visitors
from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, as_choices, read_filters, show_form_error
from observer_portal.help_choices import MODE_FIELDS, MODE_REQUIRED, chosen_mode
from observer_portal.i18n import language_name, reader_locale
from observer_portal.jobs import email_copies, make_after_commit
from observer_portal.language_help import bp
from observer_portal.language_help.calendar import bookings_calendar
from observer_portal.language_help.forms import CoverageCentreForm, LanguageHelpForm, StaffLanguageHelpForm, WorkForm
from observer_portal.lazy_text import _l
from observer_portal.models import HelpMode, Role, User
from observer_portal.models.base import utcnow
from observer_portal.permissions import MANAGERS, STAFF, VISITORS, public, roles_required, signed_in
from observer_portal.services import ServiceError, assistance, glossary, glossary_terms, machine_drafts
from observer_portal.services import language_help as service
from observer_portal.services.centres import all_centres
from observer_portal.services.documents import MAX_DOCUMENT_BYTES
from observer_portal.services.machine_translation import translator_from_config
from observer_portal.services.request_actions import perform
from observer_portal.services.workflow import Action
from observer_portal.timezones import local_in, local_to_utc
from observer_portal.unit_of_work import after_commit, flash_refusal
from observer_portal.urls import absolute_url


def _languages() -> tuple[str, ...]:
    return tuple(current_app.config["TRANSLATION_LANGUAGES"])


def _job_input(form: LanguageHelpForm, mode: HelpMode) -> service.JobInput:
    upload = form.document.data if mode == HelpMode.DOCUMENT else None
    return service.JobInput(
        source=form.source.data,
        target=form.target.data,
        mode=mode,
        needed_by=local_to_utc(form.needed_by.data) if form.needed_by.data else local_to_utc(local_in(6)),
        text=form.text.data or "",
        document_name=upload.filename if upload else "",
        document_data=upload.read(MAX_DOCUMENT_BYTES + 1) if upload else None,
        starts_at=local_to_utc(form.starts_at.data) if form.starts_at.data else None,
        ends_at=local_to_utc(form.ends_at.data) if form.ends_at.data else None,
        place=form.place.data or "",
        notes=form.notes.data or "",
    )


def _ask(form: LanguageHelpForm, spoken: list[str], walk_in: WalkIn | None = None):
    """The language form of one kind of help (its mode), for oneself or for a walk-in."""
    choices = as_choices((code, language_name(code)) for code in _languages())
    form.source.choices, form.target.choices = choices, list(choices)
    if request.method == "GET":
        mode = chosen_mode(request.args.get("mode")) or HelpMode.WRITTEN
        form.needed_by.data = local_in(6)
        form.target.data = next((code for code in spoken if code in _languages()), "en")
        form.source.data = "ru" if form.target.data != "ru" else "kk"
    else:
        mode = chosen_mode(form.mode.data)
    form.mode.data = (mode or HelpMode.WRITTEN).value
    if mode is None:  # only a forged form has no kind of help: refused (422) and asked again
        form.validate_on_submit()
        form.form_errors.append(str(_l("Choose the kind of help, then fill in the form.")))
    elif form.validate_on_submit():
        visitor = walk_in.visitor(form) if walk_in else None
        if walk_in is None or visitor is not None:
            try:
                filed, notifications = service.file_job(
                    db.session,
                    current_user,
                    _job_input(form, mode),
                    _languages(),
                    visitor=visitor,
                    visit=walk_in.visit if walk_in else None,
                )
            except ServiceError as error:
                show_form_error(form, error)
            else:
                after_commit(partial(email_copies, notifications))
                flash(_l("Request #%(id)s has been sent to the centre.", id=filed.id), "success")
                return redirect(url_for("assistance.detail", request_id=filed.id))
    shown = HelpMode(form.mode.data)
    form.word_for(shown)
    return render_template(
        "language_help/new.html",
        form=form,
        mode=shown,
        fields=MODE_FIELDS[shown],
        required=MODE_REQUIRED,
        for_visitor=walk_in is not None,
        visit=walk_in.visit if walk_in else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*VISITORS)
def create():
    profile = current_user.visitor_profile
    return _ask(LanguageHelpForm(), profile.language_codes if profile else [])


@bp.route("/new-for-visitor", methods=["GET", "POST"])
@roles_required(*STAFF)
def create_for_visitor():
    """Staff ask for a translation or an interpreter for a walk-in (the desk's "file a request")."""
    form = StaffLanguageHelpForm()
    walk_in = offer_visitors(form)
    visitor = walk_in.visit.visitor if walk_in.visit else None
    return _ask(form, visitor.language_codes if visitor else [], walk_in)


@bp.get("/jobs")
@roles_required(Role.VOLUNTEER, Role.COORDINATOR)
def jobs():
    rows = service.my_jobs(db.session, current_user)
    return render_template("language_help/jobs.html", rows=rows, jobs=service.jobs_by_request(db.session, rows))


def _workable(request_id: int):
    found = assistance.get_request(db.session, request_id)
    if found is None or found.kind not in service.ROUTED_KINDS:
        abort(404)
    if not policies.may_work_on(current_user, found):
        abort(404)
    return found


@bp.route("/<int:request_id>/work", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
def work(request_id: int):
    found = _workable(request_id)
    job = service.job_of(db.session, found)
    form = WorkForm()
    if request.method == "GET":
        form.final_text.data = job.final_text or job.machine_draft
    if form.validate_on_submit():
        try:
            service.save_final_text(db.session, current_user, found, form.final_text.data or "")
            notifications = []
            if form.deliver.data:
                outcome = perform(db.session, current_user, found, Action.COMPLETE)
                notifications = outcome.notifications
        except ServiceError as error:
            show_form_error(form, error)
        else:
            after_commit(partial(email_copies, notifications))
            flash(_l("Delivered to the requester.") if form.deliver.data else _l("Translation saved."), "success")
            return redirect(url_for("language_help.work", request_id=found.id))
    translator = translator_from_config(current_app.config)
    return render_template(
        "language_help/work.html",
        glossary_hits=glossary.hits(
            glossary_terms.terms(db.session),
            job.source_text,
            job.source_lang,
            job.target_lang,
            draft=job.machine_draft or None,
        ),
        req=found,
        job=job,
        form=form,
        translator=translator,
        machine_form=ConfirmForm(prefix="machine"),
        draft=machine_drafts.latest(db.session, request_id=found.id),
        draft_blocked=machine_drafts.blocked_for_request(found),
    )


@bp.post("/<int:request_id>/machine")
@roles_required(Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
def machine(request_id: int):
    found = _workable(request_id)
    if ConfirmForm(prefix="machine").validate_on_submit():
        try:
            draft = machine_drafts.ask_for_request(
                db.session, current_user, found, translator_from_config(current_app.config)
            )
        except ServiceError as error:
            flash_refusal(error)
        else:
            make_after_commit(draft)
            flash(_l("A machine draft is being prepared. This page shows it when it is ready."), "success")
    return redirect(url_for("language_help.work", request_id=found.id))


def _readable(request_id: int):
    found = assistance.get_request(db.session, request_id)
    if found is None or found.kind not in service.ROUTED_KINDS or not policies.can_view(current_user, found):
        abort(404)
    return found, service.job_of(db.session, found)


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:request_id>/result.txt")
@signed_in
def result(request_id: int):
    found, job = _readable(request_id)
    if not job.final_text:
        abort(404)
    return _download(job.final_text.encode("utf-8"), f"translation-{found.id}-{job.target_lang}.txt", "text/plain")


@bp.get("/<int:request_id>/document")
@signed_in
def document(request_id: int):
    found, job = _readable(request_id)
    if not job.document_data:
        abort(404)
    kinds = {
        "txt": ("text/plain", "txt"),
        "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    }
    mimetype, extension = kinds.get(job.document_type, ("application/octet-stream", "bin"))
    return _download(job.document_data, f"request-{found.id}.{extension}", mimetype)


@bp.get("/bookings")
@roles_required(Role.VOLUNTEER, Role.COORDINATOR)
def bookings():
    rows = service.upcoming_bookings(db.session, current_user.id)
    feed = (
        absolute_url("language_help.calendar", token=current_user.calendar_token)
        if current_user.calendar_token
        else None
    )
    return render_template("language_help/bookings.html", rows=rows, feed=feed, form=ConfirmForm())


@bp.post("/bookings/feed")
@roles_required(Role.VOLUNTEER, Role.COORDINATOR)
def rotate_feed():
    if ConfirmForm().validate_on_submit():
        current_user.calendar_token = secrets.token_urlsafe(32)
        flash(_l("A new calendar address has been made. The old one no longer works."), "success")
    return redirect(url_for("language_help.bookings"))


@bp.get("/calendar/<token>.ics")
@public
def calendar(token: str):
    """The interpreter's bookings for calendar apps (which cannot sign in): the secret token is the key."""
    if len(token) < 20:
        abort(404)
    user = db.session.scalar(select(User).where(User.calendar_token == token, User.active.is_(True)))
    if user is None:
        abort(404)
    rows = service.upcoming_bookings(db.session, user.id, since=utcnow() - timedelta(days=30))
    jobs = service.jobs_by_request(db.session, [b.request for b in rows])
    body = bookings_calendar(rows, jobs, user.preferred_locale or reader_locale())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="bookings.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/coverage")
@roles_required(*MANAGERS)
def coverage():
    """A coordinator reads their centre's coverage; an administrator chooses the centre."""
    centre_id, picker = policies.centre_scope(current_user), None
    if centre_id is None:
        centres = all_centres(db.session)
        picker = CoverageCentreForm(request.args)
        picker.centre.choices = as_choices((c.id, f"{c.name} ({c.region})") for c in centres)
        chosen = picker.centre.data if read_filters(picker) and picker.centre.data else None
        by_id = {str(c.id): c.id for c in centres}
        centre_id = by_id.get(chosen) if chosen else (centres[0].id if centres else None)
        picker.centre.data = str(centre_id) if centre_id else None
    data = service.coverage(db.session, centre_id, _languages()) if centre_id is not None else None
    return render_template("language_help/coverage.html", data=data, form=ActionForm(), picker=picker)
