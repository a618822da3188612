"""Doing the work: what the workflow does for language requests (languages checked on a
claim, interpreters booked, the next volunteer on a decline, the translation remembered
and a briefing updated on delivery), the translation text and its machine draft."""

from __future__ import annotations

from sqlalchemy.orm import Session

from observer_portal import policies
from observer_portal.lazy_text import _l
from observer_portal.models import (
    Briefing,
    Role,
    RoutingAttempt,
    ServiceRequest,
    TranslationJob,
    TranslationOrigin,
    User,
)
from observer_portal.services import ServiceError, assistance
from observer_portal.services import briefings as briefing_service
from observer_portal.services.assistance import Outcome
from observer_portal.services.language_help.dispatch import _book, _unbook, clashes, job_of, route
from observer_portal.services.language_help.filing import MAX_TEXT
from observer_portal.services.machine_translation import MachineTranslator
from observer_portal.services.request_hooks import KindHooks
from observer_portal.services.translation_memory import remember, translate_cached
from observer_portal.services.workflow import Action


def _before(session: Session, actor: User, request: ServiceRequest, action: Action, assignee: User | None) -> None:
    """Refusals known before anything is written."""
    job = job_of(session, request)
    if action == Action.CLAIM and actor.role == Role.VOLUNTEER:
        if not {job.source_lang, job.target_lang} <= set(actor.language_codes):
            raise ServiceError(_l("You do not speak both languages of this request."))
    if action == Action.COMPLETE and job.mode.is_written and not job.final_text.strip():
        raise ServiceError(_l("Save the translation before marking the request as done."))
    interpreter = actor if action == Action.CLAIM else assignee if action == Action.ASSIGN else None
    if interpreter is not None and clashes(session, request, job, interpreter.id):
        raise ServiceError(_l("That person already interprets at an overlapping time."))


def _after(session: Session, actor: User, outcome: Outcome, action: Action, note: str) -> None:
    """What follows a move: bookings, the next volunteer, the translation kept and delivered.
    A refusal here (a booking lost to a concurrent one) is raised after writes: the unit of
    work of the request discards them all."""
    request = outcome.request
    job = job_of(session, request)
    if action in (Action.CLAIM, Action.ASSIGN) and not _book(session, request, job, request.assignee_id):
        raise ServiceError(_l("That person already interprets at an overlapping time."))
    if action == Action.DECLINE:
        session.add(RoutingAttempt(request_id=request.id, volunteer_id=actor.id, outcome="declined", reason=note))
        _unbook(session, request.id)
        session.flush()
        outcome.notifications.extend(route(session, request))
    elif action == Action.CANCEL:
        _unbook(session, request.id)
    elif action == Action.COMPLETE and job.mode.is_written:
        remember(session, job.source_text, job.final_text, job.source_lang, job.target_lang, TranslationOrigin.HUMAN)
        if job.briefing_id is not None:
            _deliver_to_briefing(session, actor, job)


#: what `request_actions.perform` does around every move of a translation or interpreting request
LANGUAGE_HOOKS = KindHooks(before=_before, after=_after)


def _deliver_to_briefing(session: Session, actor: User, job: TranslationJob) -> None:
    """A delivered briefing translation becomes the briefing's text in that language (a
    draft, marked as not yet reviewed, until a reviewer confirms it): first line = title."""
    briefing = session.get(Briefing, job.briefing_id)
    if briefing is None:
        return
    title, _, body = job.final_text.strip().partition("\n")
    if not policies.can_translate_briefing(actor, briefing, job.target_lang):
        raise ServiceError(_l("You cannot translate this briefing into that language."))
    briefing_service.save_translation(
        session,
        actor,
        briefing,
        job.target_lang,
        title=title.strip()[:200] or briefing.original.title,
        body=body.strip() + "\n",
        figure_labels={},
        reviewed=False,
    )


def save_final_text(session: Session, actor: User, request: ServiceRequest, text: str) -> None:
    job = job_of(session, request)
    if not policies.may_work_on(actor, request):
        raise ServiceError(_l("You cannot do that with this request."))
    if not request.status.is_open:
        raise assistance.state_refusal(request, actor)
    if len(text) > MAX_TEXT:
        raise ServiceError(_l("The text is longer than %(n)d characters.", n=MAX_TEXT), field="final_text")
    job.final_text = text


def make_machine_draft(session: Session, actor: User, request: ServiceRequest, translator: MachineTranslator) -> None:
    """Attach a machine draft, paragraph by paragraph through the translation memory."""
    job = job_of(session, request)
    if not policies.may_work_on(actor, request):
        raise ServiceError(_l("You cannot do that with this request."))
    lines = [
        translate_cached(session, translator, line, job.source_lang, job.target_lang) if line.strip() else line
        for line in job.source_text.splitlines()
    ]
    job.machine_draft, job.machine_provider = "\n".join(lines), translator.provider
