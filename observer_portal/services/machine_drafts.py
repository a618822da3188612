"""Machine drafts as jobs: asked for in a request, made by the job queue, shown on the pages.

No web worker waits on a translation provider (a slow one would hold a gunicorn worker
for the whole TRANSLATOR_TIMEOUT, per click). `ask_*` checks what can be checked at once
(who asks, whether the provider handles the pair, whether a reviewed translation would be
overwritten) and writes a waiting `MachineDraft`; after the commit the queue gets its id
(`jobs.machine_draft`). `make` runs in the worker: it claims the row, calls the provider
through the translation memory, and writes the draft — or, on any failure, only the reason,
so the text that was there is never touched. A second click while a draft is waiting
changes nothing (a partial unique index allows one waiting draft per target).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from observer_portal import policies
from observer_portal.lazy_text import _l
from observer_portal.models import Briefing, ReviewState, ServiceRequest, User
from observer_portal.models.base import utcnow
from observer_portal.models.machine_draft import DraftOutcome, MachineDraft
from observer_portal.services import ServiceError
from observer_portal.services.machine_translation import MachineTranslationError, MachineTranslator

#: what each outcome but DONE tells the person who asked (the same words the provider errors use)
FAILURE_MESSAGES = {
    DraftOutcome.TIMEOUT: _l(
        "The machine translation service did not answer in time. Nothing was changed; try again later."
    ),
    DraftOutcome.UNAVAILABLE: _l(
        "The machine translation service is unavailable. Nothing was changed; try again later."
    ),
    DraftOutcome.UNAUTHORISED: _l("The machine translation service refused our key. Ask an administrator to check it."),
    DraftOutcome.NO_RESULT: _l("The machine translation service returned no translation for this text."),
    DraftOutcome.UNSUPPORTED: _l(
        "The machine translation service cannot translate this language pair. Please ask a volunteer."
    ),
    DraftOutcome.NOT_CONFIGURED: _l("Machine translation is not configured."),
    DraftOutcome.REVIEWED: _l(
        "This translation has been reviewed. Edit it instead of replacing it with a machine draft."
    ),
}
NOT_ALLOWED = {
    "briefing": _l("You cannot translate this briefing into that language."),
    "request": _l("You cannot do that with this request."),
}


def failure_message(draft: MachineDraft):
    """What the person who asked reads about a draft that was not made."""
    if draft.outcome == DraftOutcome.NOT_ALLOWED:
        return NOT_ALLOWED["request" if draft.request_id is not None else "briefing"]
    return FAILURE_MESSAGES[draft.outcome]


def _briefing_refusal(actor: User, briefing: Briefing, locale: str, translator: MachineTranslator):
    if not policies.can_translate_briefing(actor, briefing, locale):
        return DraftOutcome.NOT_ALLOWED
    if not translator.enabled:
        return DraftOutcome.NOT_CONFIGURED
    if not translator.supports(briefing.original_locale, locale):
        return DraftOutcome.UNSUPPORTED
    existing = briefing.translation(locale)
    if existing is not None and existing.state == ReviewState.REVIEWED and not existing.is_outdated:
        return DraftOutcome.REVIEWED
    return None


def _request_refusal(actor: User, request: ServiceRequest, job, translator: MachineTranslator):
    if not policies.may_work_on(actor, request):
        return DraftOutcome.NOT_ALLOWED
    if not translator.enabled:
        return DraftOutcome.NOT_CONFIGURED
    if not translator.supports(job.source_lang, job.target_lang):
        return DraftOutcome.UNSUPPORTED
    return None


def _queue(session: Session, draft: MachineDraft) -> MachineDraft | None:
    """Write the waiting draft; None when one for the same target is waiting already."""
    try:
        with session.begin_nested():
            session.add(draft)
    except IntegrityError:
        return None
    return draft


def ask_for_briefing(
    session: Session, actor: User, briefing: Briefing, locale: str, translator: MachineTranslator
) -> MachineDraft | None:
    """Queue a machine draft of `briefing` in `locale`; refuses (ServiceError) what cannot succeed."""
    refusal = _briefing_refusal(actor, briefing, locale, translator)
    if refusal is not None:
        raise ServiceError(
            NOT_ALLOWED["briefing"] if refusal == DraftOutcome.NOT_ALLOWED else FAILURE_MESSAGES[refusal]
        )
    return _queue(session, MachineDraft(briefing_id=briefing.id, locale=locale, requested_by_id=actor.id))


def ask_for_request(
    session: Session, actor: User, request: ServiceRequest, translator: MachineTranslator
) -> MachineDraft | None:
    """Queue a machine draft of a translation request's text."""
    from observer_portal.services.language_help import job_of

    refusal = _request_refusal(actor, request, job_of(session, request), translator)
    if refusal is not None:
        raise ServiceError(NOT_ALLOWED["request"] if refusal == DraftOutcome.NOT_ALLOWED else FAILURE_MESSAGES[refusal])
    return _queue(session, MachineDraft(request_id=request.id, requested_by_id=actor.id))


def latest(
    session: Session, *, briefing_id: int | None = None, locale: str | None = None, request_id: int | None = None
):
    """The last draft asked for this target (its state is what the page shows), or None."""
    stmt = select(MachineDraft).order_by(MachineDraft.id.desc()).limit(1)
    if request_id is not None:
        stmt = stmt.where(MachineDraft.request_id == request_id)
    else:
        stmt = stmt.where(MachineDraft.briefing_id == briefing_id, MachineDraft.locale == locale)
    return session.scalar(stmt)


def _claim(session: Session, draft_id: int, claim_timeout: timedelta) -> bool:
    now = utcnow()
    claimed = session.execute(
        update(MachineDraft)
        .where(
            MachineDraft.id == draft_id,
            MachineDraft.outcome.is_(None),
            or_(MachineDraft.claimed_at.is_(None), MachineDraft.claimed_at < now - claim_timeout),
        )
        .values(claimed_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.commit()
    return bool(claimed)


def _finish(session: Session, draft_id: int, outcome: DraftOutcome) -> DraftOutcome:
    session.execute(
        update(MachineDraft).where(MachineDraft.id == draft_id).values(outcome=outcome, finished_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    return outcome


def make(session: Session, draft_id: int, translator: MachineTranslator, claim_timeout: timedelta):
    """In the worker: make one waiting draft, at most once. Returns its outcome, or None
    when there was nothing to do (made already, or being made by another worker)."""
    from observer_portal.services import briefings
    from observer_portal.services.language_help import job_of, make_machine_draft

    if not _claim(session, draft_id, claim_timeout):
        return None
    draft = session.get(MachineDraft, draft_id)
    actor = session.get(User, draft.requested_by_id)
    if draft.request_id is not None:
        request = session.get(ServiceRequest, draft.request_id)
        refusal = _request_refusal(actor, request, job_of(session, request), translator)
    else:
        briefing = session.get(Briefing, draft.briefing_id)
        refusal = _briefing_refusal(actor, briefing, draft.locale, translator)
    if refusal is not None or not actor.active:
        return _finish(session, draft_id, refusal or DraftOutcome.NOT_ALLOWED)
    try:
        if draft.request_id is not None:
            make_machine_draft(session, actor, request, translator)
        else:
            briefings.machine_draft(session, actor, briefing, draft.locale, translator)
    except MachineTranslationError as error:
        session.rollback()  # nothing of a failed draft is kept
        return _finish(session, draft_id, DraftOutcome(error.reason))
    except ServiceError:
        session.rollback()
        return _finish(session, draft_id, DraftOutcome.NOT_ALLOWED)
    draft.outcome, draft.finished_at = DraftOutcome.DONE, utcnow()
    session.commit()
    return DraftOutcome.DONE


def stale(session: Session, claim_timeout: timedelta, limit: int = 100) -> list[int]:
    """Drafts of the last day still waiting and not being made (never claimed long after
    being asked for, or claimed by a worker that died): the sweep queues them again."""
    now = utcnow()
    return list(
        session.scalars(
            select(MachineDraft.id)
            .where(
                MachineDraft.outcome.is_(None),
                MachineDraft.requested_at > now - timedelta(days=1),
                MachineDraft.requested_at < now - claim_timeout,
                or_(MachineDraft.claimed_at.is_(None), MachineDraft.claimed_at < now - claim_timeout),
            )
            .order_by(MachineDraft.id)
            .limit(limit)
        )
    )
