"""Machine drafts as jobs: asked for in a request, made by the job queue, shown on the pages.

No web worker waits on a translation provider (a slow one would hold a gunicorn worker
for the whole TRANSLATOR_TIMEOUT, per click). `ask_*` checks what can be checked at once
(who asks, whether the provider handles the pair, whether a reviewed translation would be
overwritten) and writes a waiting `MachineDraft`; after the commit the queue gets its id
(`jobs.machine_draft`). `make` runs in the worker: it claims the row, calls the provider
through the translation memory, and writes the draft — or, on any failure, only the reason,
so the text that was there is never touched. A second click while a draft is waiting
changes nothing (a partial unique index allows one waiting draft per target). The worker
renews its claim before each call to the provider and writes the draft only if the claim
is still its own, so a slow draft is neither taken for abandoned nor written twice; it
also checks again what the click checked, and that nobody edited the translation since.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from observer_portal import policies
from observer_portal.lazy_text import _l
from observer_portal.models import OPEN_STATUSES, Briefing, ReviewState, ServiceRequest, User
from observer_portal.models.base import utcnow
from observer_portal.models.machine_draft import DraftOutcome, MachineDraft
from observer_portal.services import ServiceError
from observer_portal.services.machine_translation import MachineTranslationError, MachineTranslator

#: what each outcome but DONE tells whoever opens the page (the same words the provider errors use)
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
        "The machine translation service cannot translate this language pair; please translate this text yourself."
    ),
    DraftOutcome.NOT_CONFIGURED: _l("Machine translation is not configured."),
    DraftOutcome.REVIEWED: _l(
        "This translation has been reviewed. Edit it instead of replacing it with a machine draft."
    ),
    DraftOutcome.CLOSED: _l("This request is closed; it needs no machine draft."),
    DraftOutcome.EDITED: _l(
        "The translation was changed after the draft was asked for, so the draft was not put over it."
    ),
    DraftOutcome.EXPIRED: _l("No draft was made within a day. Ask for it again."),
}
#: a refusal told to the person asking ...
ASKER_NOT_ALLOWED = {
    "briefing": _l("You cannot translate this briefing into that language."),
    "request": _l("You cannot do that with this request."),
}
#: ... and, when the world changed before the worker ran, to whoever reads the page later
LATER_NOT_ALLOWED = {
    "briefing": _l("The person who asked can no longer translate this briefing into that language."),
    "request": _l("The person who asked can no longer work on this request."),
}


def _target(draft: MachineDraft) -> str:
    return "request" if draft.request_id is not None else "briefing"


def failure_message(draft: MachineDraft):
    """What a reader of the page learns about a draft that was not made."""
    if draft.outcome == DraftOutcome.NOT_ALLOWED:
        return LATER_NOT_ALLOWED[_target(draft)]
    return FAILURE_MESSAGES[draft.outcome]


def _refused(refusal: DraftOutcome, target: str) -> ServiceError:
    return ServiceError(ASKER_NOT_ALLOWED[target] if refusal == DraftOutcome.NOT_ALLOWED else FAILURE_MESSAGES[refusal])


def _briefing_refusal(
    actor: User, briefing: Briefing, locale: str, translator: MachineTranslator, draft: MachineDraft | None = None
):
    """Why a draft of this briefing cannot be made now (None: it can). With `draft`, in the
    worker: also a translation a person changed since the draft was asked for."""
    if not actor.active or not policies.can_translate_briefing(actor, briefing, locale):
        return DraftOutcome.NOT_ALLOWED
    if not translator.enabled:
        return DraftOutcome.NOT_CONFIGURED
    if not translator.supports(briefing.original_locale, locale):
        return DraftOutcome.UNSUPPORTED
    existing = briefing.translation(locale)
    if existing is not None and existing.state == ReviewState.REVIEWED and not existing.is_outdated:
        return DraftOutcome.REVIEWED
    if draft is not None and existing is not None and existing.updated_at > draft.requested_at:
        return DraftOutcome.EDITED
    return None


def _request_refusal(actor: User, request: ServiceRequest, job, translator: MachineTranslator):
    if request.status not in OPEN_STATUSES:
        return DraftOutcome.CLOSED
    if not actor.active or not policies.may_work_on(actor, request):
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
        raise _refused(refusal, "briefing")
    return _queue(session, MachineDraft(briefing_id=briefing.id, locale=locale, requested_by_id=actor.id))


def ask_for_request(
    session: Session, actor: User, request: ServiceRequest, translator: MachineTranslator
) -> MachineDraft | None:
    """Queue a machine draft of a translation request's text."""
    from observer_portal.services.language_help import job_of

    refusal = _request_refusal(actor, request, job_of(session, request), translator)
    if refusal is not None:
        raise _refused(refusal, "request")
    return _queue(session, MachineDraft(request_id=request.id, requested_by_id=actor.id))


def blocked_for_briefing(actor: User, briefing: Briefing, locale: str, translator: MachineTranslator):
    """Why the panel offers no button for a reason of the briefing's own (the panel says
    itself when no provider is set or the pair is not handled), or None."""
    if _briefing_refusal(actor, briefing, locale, translator) == DraftOutcome.REVIEWED:
        return FAILURE_MESSAGES[DraftOutcome.REVIEWED]
    return None


def blocked_for_request(request: ServiceRequest):
    return None if request.status in OPEN_STATUSES else FAILURE_MESSAGES[DraftOutcome.CLOSED]


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


def _claim(session: Session, draft_id: int, claim_timeout: timedelta) -> str | None:
    """Take the draft (if nobody is making it) under a new token; None if taken or done."""
    now, token = utcnow(), secrets.token_hex(16)
    claimed = session.execute(
        update(MachineDraft)
        .where(
            MachineDraft.id == draft_id,
            MachineDraft.outcome.is_(None),
            or_(MachineDraft.claimed_at.is_(None), MachineDraft.claimed_at < now - claim_timeout),
        )
        .values(claimed_at=now, claim_token=token),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.commit()
    return token if claimed else None


class ClaimLost(Exception):
    """The claim ran out and another worker took the draft: this one stops."""


class _ClaimedTranslator:
    """The translator, renewing the claim before each call to the provider (and committing
    what the translation memory learnt so far): a long draft is never taken for abandoned."""

    def __init__(self, translator: MachineTranslator, session: Session, draft_id: int, token: str) -> None:
        self._translator, self._session, self._draft_id, self._token = translator, session, draft_id, token

    def __getattr__(self, name: str):
        return getattr(self._translator, name)

    def translate(self, text: str, source: str, target: str) -> str:
        renewed = self._session.execute(
            update(MachineDraft)
            .where(MachineDraft.id == self._draft_id, MachineDraft.claim_token == self._token)
            .values(claimed_at=utcnow()),
            execution_options={"synchronize_session": False},
        ).rowcount
        self._session.commit()
        if not renewed:
            raise ClaimLost
        return self._translator.translate(text, source, target)


def _finish(session: Session, draft_id: int, token: str, outcome: DraftOutcome) -> DraftOutcome | None:
    """Record the outcome — with the draft's own writes, in one commit — if the claim is
    still this worker's; otherwise undo everything (another worker owns the draft now)."""
    finished = session.execute(
        update(MachineDraft)
        .where(MachineDraft.id == draft_id, MachineDraft.claim_token == token, MachineDraft.outcome.is_(None))
        .values(outcome=outcome, finished_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not finished:
        session.rollback()
        return None
    session.commit()
    return outcome


def make(session: Session, draft_id: int, translator: MachineTranslator, claim_timeout: timedelta):
    """In the worker: make one waiting draft, at most once. Returns its outcome, or None
    when there was nothing to do (made already, or being made by another worker)."""
    from observer_portal.services import briefings
    from observer_portal.services.language_help import job_of, make_machine_draft

    token = _claim(session, draft_id, claim_timeout)
    if token is None:
        return None
    draft = session.get(MachineDraft, draft_id)
    actor = session.get(User, draft.requested_by_id)
    if draft.request_id is not None:
        request = session.get(ServiceRequest, draft.request_id)
        refusal = _request_refusal(actor, request, job_of(session, request), translator)
    else:
        briefing = session.get(Briefing, draft.briefing_id)
        refusal = _briefing_refusal(actor, briefing, draft.locale, translator, draft)
    if refusal is not None:
        return _finish(session, draft_id, token, refusal)
    claimed = _ClaimedTranslator(translator, session, draft_id, token)
    try:
        if draft.request_id is not None:
            make_machine_draft(session, actor, request, claimed)
        else:
            briefings.machine_draft(session, actor, briefing, draft.locale, claimed)
    except ClaimLost:
        session.rollback()
        return None
    except MachineTranslationError as error:
        session.rollback()  # nothing of a failed draft is kept
        return _finish(session, draft_id, token, DraftOutcome(error.reason))
    except ServiceError:
        session.rollback()
        return _finish(session, draft_id, token, DraftOutcome.NOT_ALLOWED)
    return _finish(session, draft_id, token, DraftOutcome.DONE)


def stale(session: Session, claim_timeout: timedelta, limit: int = 100) -> list[int]:
    """Drafts still waiting and not being made (never claimed long after being asked for,
    or claimed by a worker that died): the sweep queues them again. One nobody made within
    a day is given up (EXPIRED), so the page offers the button again."""
    now = utcnow()
    session.execute(
        update(MachineDraft)
        .where(MachineDraft.outcome.is_(None), MachineDraft.requested_at < now - timedelta(days=1))
        .where(or_(MachineDraft.claimed_at.is_(None), MachineDraft.claimed_at < now - claim_timeout))
        .values(outcome=DraftOutcome.EXPIRED, finished_at=now),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    return list(
        session.scalars(
            select(MachineDraft.id)
            .where(
                MachineDraft.outcome.is_(None),
                MachineDraft.requested_at < now - claim_timeout,
                or_(MachineDraft.claimed_at.is_(None), MachineDraft.claimed_at < now - claim_timeout),
            )
            .order_by(MachineDraft.id)
            .limit(limit)
        )
    )
