"""Briefing pages: public reading, coordinator editing, volunteer translation review."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from observer_portal import policies
from observer_portal.briefings import bp
from observer_portal.briefings.forms import FIGURE_ROWS, BriefingFilterForm, BriefingForm, TranslationForm
from observer_portal.extensions import db
from observer_portal.forms import ConfirmForm, as_choices, read_filters, show_form_error
from observer_portal.http_caching import shared_page
from observer_portal.i18n import LOCALES, content_chain
from observer_portal.jobs import email_copies, make_after_commit
from observer_portal.labels import TOPIC_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import Briefing, BriefingTopic, ReviewState, TranslationOrigin
from observer_portal.paging import carried_args, parse_cursor
from observer_portal.permissions import MANAGERS, STAFF, public, roles_required, signed_in
from observer_portal.public_content import cached
from observer_portal.services import (
    ServiceError,
    briefing_reads,
    briefing_versions,
    glossary,
    glossary_terms,
    language_help,
    machine_drafts,
)
from observer_portal.services import briefings as service
from observer_portal.services.centres import all_centres, in_reading_order
from observer_portal.services.machine_translation import translator_from_config
from observer_portal.unit_of_work import after_commit, flash_refusal


def _locale() -> str:
    return str(get_locale())


def _cursor() -> int | None:
    return parse_cursor(request.args.get("before"))


def _briefing_or_404(briefing_id: int) -> Briefing:
    briefing = service.get_briefing(db.session, briefing_id)
    if briefing is None:
        abort(404)
    return briefing


def _editable(briefing_id: int) -> Briefing:
    briefing = _briefing_or_404(briefing_id)
    if not policies.can_edit_briefing(current_user, briefing.centre_id):
        abort(404)
    return briefing


def _scope_centre() -> int | None:
    return policies.centre_scope(current_user)


@bp.get("/")
@public
@shared_page("centre", "topic", "before")
def index():
    centres = in_reading_order(cached("open centres", all_centres))
    form = BriefingFilterForm(request.args)
    form.centre.choices = as_choices([("", _l("All regions"))] + [(c.slug, c.region) for c in centres])
    form.topic.choices = as_choices([("", _l("All topics"))] + list(TOPIC_LABELS.items()))
    centre_slug = topic = None
    if read_filters(form):
        centre_slug = form.centre.data or None
        topic = BriefingTopic(form.topic.data) if form.topic.data else None
    before_id, size = _cursor(), current_app.config["PAGE_SIZE"]
    items, next_cursor = cached(
        ("published briefings", centre_slug, topic, before_id, size),
        lambda session: service.published_briefings(
            session, centre_slug=centre_slug, topic=topic, before_id=before_id, size=size
        ),
    )
    locale = _locale()
    chain = content_chain(locale)
    rows = [(b, service.text_for(b, locale, chain), service.translation_state(b, locale)) for b in items]
    next_args = carried_args(request.args, (field.name for field in form))
    return render_template("briefings/index.html", form=form, rows=rows, next_cursor=next_cursor, next_args=next_args)


@bp.get("/<centre_slug>/<slug>")
@public
@shared_page()
def detail(centre_slug: str, slug: str):
    briefing = cached(
        ("briefing", centre_slug, slug), lambda session: service.find_briefing(session, centre_slug, slug)
    )
    public = briefing is not None and briefing.published and briefing.centre.active  # a closed-down centre's: gone
    if briefing is None or not (public or policies.can_view_unpublished_briefing(current_user, briefing)):
        abort(404)
    locale = _locale()
    text = service.text_for(briefing, locale, content_chain(locale))
    briefing_reads.record_read(db.session, current_user, briefing, text.locale, locale)
    return render_template(
        "briefings/detail.html",
        briefing=briefing,
        text=text,
        other_languages=service.other_languages(briefing, text.locale, locale),
        state=service.translation_state(briefing, locale),
        locale=locale,
        wish_form=ConfirmForm(prefix="wish")
        if current_user.is_authenticated
        else None,  # a token only for who can send it
        can_translate=current_user.is_authenticated and policies.can_translate_briefing(current_user, briefing, locale),
    )


@bp.post("/<int:briefing_id>/wish/<locale>")
@signed_in
def wish(briefing_id: int, locale: str):
    briefing = _briefing_or_404(briefing_id)
    if not briefing.published or locale not in LOCALES:
        abort(404)
    form = ConfirmForm(prefix="wish")
    if form.validate_on_submit():
        try:
            added = service.record_wish(db.session, current_user, briefing, locale)
            job, notifications = language_help.file_briefing_job(db.session, current_user, briefing, locale)
        except ServiceError as error:
            flash_refusal(error)
        else:
            after_commit(partial(email_copies, notifications))
            if job is not None:
                flash(
                    _l(
                        "Thank you. Request #%(id)s asks a volunteer to translate this briefing; you can follow it in your requests.",
                        id=job.id,
                    ),
                    "success",
                )
            elif added:
                flash(
                    _l("Thank you. A volunteer is already translating this briefing; we have added your name."),
                    "success",
                )
            else:
                flash(
                    _l("You have already asked for this translation. The centre will let volunteers know."), "success"
                )
    return redirect(url_for("briefings.detail", centre_slug=briefing.centre.slug, slug=briefing.slug))


@bp.get("/manage")
@roles_required(*STAFF)
def manage():
    briefings, next_cursor = service.centre_briefings(
        db.session, _scope_centre(), before_id=_cursor(), size=current_app.config["PAGE_SIZE"]
    )
    wishes = service.wish_counts(db.session, [b.id for b in briefings])
    states = {b.id: {code: service.translation_state(b, code) for code in LOCALES} for b in briefings}
    return render_template(
        "briefings/manage.html",
        briefings=briefings,
        next_cursor=next_cursor,
        states=states,
        wishes=wishes,
        action_form=ConfirmForm(),
        can_edit=lambda b: policies.can_edit_briefing(current_user, b.centre_id),
        can_translate=lambda b, code: policies.can_translate_briefing(current_user, b, code),
    )


def _read_input(form: BriefingForm) -> service.BriefingInput:
    figures = [
        service.FigureInput(
            entry.form.label.data.strip(),
            entry.form.value.data,
            (entry.form.unit.data or "").strip(),
            entry.form.key.data or "",
        )
        for entry in form.figures
        if entry.form.label.data and entry.form.value.data is not None
    ]
    return service.BriefingInput(
        slug=form.slug.data,
        topic=BriefingTopic(form.topic.data),
        title=form.title.data,
        body=form.body.data,
        original_locale=form.original_locale.data,
        figures=figures,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    if current_user.centre_id is None:
        flash(_l("Administrators without a centre cannot write briefings; sign in as a coordinator."), "error")
        return redirect(url_for("briefings.manage"))
    form = BriefingForm()
    if request.method == "GET":
        form.original_locale.data = _locale()
    if form.validate_on_submit():
        try:
            briefing = service.create_briefing(db.session, current_user, current_user.centre_id, _read_input(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Briefing saved. It is not published yet."), "success")
            return redirect(url_for("briefings.edit", briefing_id=briefing.id))
    return render_template("briefings/edit.html", form=form, briefing=None)


@bp.route("/<int:briefing_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(briefing_id: int):
    briefing = _editable(briefing_id)
    form = BriefingForm()
    if request.method == "GET":
        original = briefing.original
        form.title.data, form.body.data, form.slug.data = original.title, original.body, briefing.slug
        form.topic.data, form.original_locale.data = briefing.topic.value, briefing.original_locale
        for entry, figure in zip(form.figures, briefing.figures[:FIGURE_ROWS], strict=False):
            entry.form.label.data, entry.form.value.data, entry.form.unit.data = figure.label, figure.value, figure.unit
            entry.form.key.data = figure.key
    if form.validate_on_submit():
        try:
            changed = service.update_briefing(db.session, current_user, briefing, _read_input(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(
                _l("Saved as version %(n)s. Translations are now marked as outdated.", n=briefing.version)
                if changed
                else _l("Nothing had changed."),
                "success",
            )
            return redirect(url_for("briefings.edit", briefing_id=briefing.id))
    return render_template("briefings/edit.html", form=form, briefing=briefing, action_form=ConfirmForm())


def _set_published(briefing_id: int, published: bool):
    briefing = _editable(briefing_id)
    if ConfirmForm().validate_on_submit():
        service.set_published(db.session, current_user, briefing, published)
        flash(_l("The briefing is now public.") if published else _l("The briefing is no longer public."), "success")
    return redirect(url_for("briefings.manage"))


@bp.post("/<int:briefing_id>/publish")
@roles_required(*MANAGERS)
def publish(briefing_id: int):
    return _set_published(briefing_id, True)


@bp.post("/<int:briefing_id>/unpublish")
@roles_required(*MANAGERS)
def unpublish(briefing_id: int):
    return _set_published(briefing_id, False)


@bp.get("/<int:briefing_id>/history")
@roles_required(*MANAGERS)
def history(briefing_id: int):
    briefing = _editable(briefing_id)
    return render_template(
        "briefings/history.html",
        briefing=briefing,
        versions=briefing_versions.history(db.session, briefing),
        action_form=ConfirmForm(),
    )


@bp.post("/<int:briefing_id>/history/<int:version_id>/restore")
@roles_required(*MANAGERS)
def restore(briefing_id: int, version_id: int):
    briefing = _editable(briefing_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.restore_version(db.session, current_user, briefing, version_id)
        except ServiceError as error:
            flash_refusal(error)
        else:
            flash(_l("The earlier version has been restored as a new version."), "success")
    return redirect(url_for("briefings.history", briefing_id=briefing.id))


def _translatable(briefing_id: int, locale: str) -> Briefing:
    briefing = _briefing_or_404(briefing_id)
    if locale not in LOCALES or not policies.can_translate_briefing(current_user, briefing, locale):
        abort(404)
    return briefing


@bp.route("/<int:briefing_id>/translate/<locale>", methods=["GET", "POST"])
@roles_required(*STAFF)
def translate(briefing_id: int, locale: str):
    briefing = _translatable(briefing_id, locale)
    translation = briefing.translation(locale)
    form = TranslationForm()
    if request.method == "GET":
        if translation is not None:
            form.title.data, form.body.data = translation.title, translation.body
        for figure in briefing.figures:
            label, unit = translation.figure_label(figure) if translation else ("", "")
            form.figures.append_entry({"figure_id": figure.key, "label": label, "unit": unit})
    if form.validate_on_submit():
        labels = {
            entry.form.figure_id.data: {
                "label": (entry.form.label.data or "").strip(),
                "unit": (entry.form.unit.data or "").strip(),
            }
            for entry in form.figures
            if entry.form.figure_id.data
        }
        try:
            service.save_translation(
                db.session,
                current_user,
                briefing,
                locale,
                title=form.title.data,
                body=form.body.data,
                figure_labels=labels,
                reviewed=bool(form.save_reviewed.data),
            )
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(
                _l("Translation saved and marked as reviewed.") if form.save_reviewed.data else _l("Draft saved."),
                "success",
            )
            return redirect(url_for("briefings.translate", briefing_id=briefing.id, locale=locale))
    translator = translator_from_config(current_app.config)
    diff = (
        briefing_versions.original_diff(db.session, briefing, translation)
        if translation and translation.is_outdated
        else []
    )
    figures = list(zip(briefing.figures, form.figures, strict=False))
    original = briefing.original
    machine_text = (
        f"{translation.title}\n{translation.body}"
        if translation and translation.origin == TranslationOrigin.MACHINE and translation.state != ReviewState.REVIEWED
        else None
    )
    return render_template(
        "briefings/translate.html",
        glossary_hits=glossary.hits(
            glossary_terms.terms(db.session),
            "\n".join([original.title, original.body, *(figure.label for figure in briefing.figures)]),
            briefing.original_locale,
            locale,
            draft=machine_text,
        ),
        briefing=briefing,
        original=briefing.original,
        translation=translation,
        state=service.translation_state(briefing, locale),
        locale=locale,
        form=form,
        figures=figures,
        diff=diff,
        translator=translator,
        machine_form=ConfirmForm(prefix="machine"),
        draft=machine_drafts.latest(db.session, briefing_id=briefing.id, locale=locale),
        draft_blocked=machine_drafts.blocked_for_briefing(current_user, briefing, locale, translator),
    )


@bp.post("/<int:briefing_id>/translate/<locale>/machine")
@roles_required(*STAFF)
def machine(briefing_id: int, locale: str):
    briefing = _translatable(briefing_id, locale)
    if ConfirmForm(prefix="machine").validate_on_submit():
        try:
            draft = machine_drafts.ask_for_briefing(
                db.session, current_user, briefing, locale, translator_from_config(current_app.config)
            )
        except ServiceError as error:
            flash_refusal(error)
        else:
            make_after_commit(draft)
            flash(_l("A machine draft is being prepared. This page shows it when it is ready."), "success")
    return redirect(url_for("briefings.translate", briefing_id=briefing.id, locale=locale))
