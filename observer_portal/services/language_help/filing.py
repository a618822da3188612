"""Asking for language help: a text, a document, an interpreter or phone help — one
request of the common workflow with its language details — and a reader's wish for a
briefing in their language; each is routed at once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.lazy_text import _l
from observer_portal.models import (
    OPEN_STATUSES,
    Briefing,
    HelpMode,
    Notification,
    RequestKind,
    ServiceRequest,
    TranslationJob,
    User,
    Visit,
    VisitorProfile,
)
from observer_portal.models.base import utcnow
from observer_portal.services import ServiceError, assistance
from observer_portal.services.documents import read_document
from observer_portal.services.language_help.dispatch import route

MAX_TEXT = 20_000
MAX_INTERPRETATION = timedelta(hours=12)


@dataclass
class JobInput:
    source: str
    target: str
    mode: HelpMode
    needed_by: datetime
    text: str = ""
    document_name: str = ""
    document_data: bytes | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str = ""
    notes: str = ""


def what_the_mode_asks(data: JobInput) -> JobInput:
    """Only what this kind of help asks for: a text sent along with a meeting, a place with a
    written translation (a forged form; the page shows only the mode's fields) is not kept.
    A meeting is needed by its start; a document is known by its name alone, not its path."""
    mode = data.mode
    meeting = mode == HelpMode.INTERPRETATION
    document = mode == HelpMode.DOCUMENT
    return replace(
        data,
        text=data.text if mode == HelpMode.WRITTEN else "",
        document_name=PurePosixPath((data.document_name or "").replace("\\", "/")).name if document else "",
        document_data=data.document_data if document else None,
        starts_at=data.starts_at if meeting else None,
        ends_at=data.ends_at if meeting else None,
        place=data.place if meeting else "",
        needed_by=data.starts_at if meeting and data.starts_at else data.needed_by,
    )


def _validate(data: JobInput, languages: tuple[str, ...], now: datetime) -> None:
    if data.source not in languages:
        raise ServiceError(_l("Choose a language from the list."), field="source")
    if data.target not in languages:
        raise ServiceError(_l("Choose a language from the list."), field="target")
    if data.source == data.target:
        raise ServiceError(_l("Choose two different languages."), field="target")
    if data.mode == HelpMode.WRITTEN:
        if not data.text.strip():
            raise ServiceError(_l("Paste the text to translate."), field="text")
        if len(data.text) > MAX_TEXT:
            raise ServiceError(_l("The text is longer than %(n)d characters.", n=MAX_TEXT), field="text")
    if data.mode == HelpMode.PHONE and not data.notes.strip():
        raise ServiceError(_l("Say who to call, the number and what about."), field="notes")
    if data.mode == HelpMode.DOCUMENT and data.document_data is None:
        raise ServiceError(_l("Attach the document to translate."), field="document")
    if data.mode == HelpMode.INTERPRETATION:
        if data.starts_at is None or data.ends_at is None:
            raise ServiceError(_l("Give the start and end of the meeting."), field="starts_at")
        if data.starts_at < now:
            raise ServiceError(_l("The time must be in the future."), field="starts_at")
        if data.ends_at <= data.starts_at:
            raise ServiceError(_l("The meeting must end after it starts."), field="ends_at")
        if data.ends_at - data.starts_at > MAX_INTERPRETATION:
            raise ServiceError(_l("A booking can last at most 12 hours."), field="ends_at")
        if not data.place.strip():
            raise ServiceError(_l("Say where the meeting takes place."), field="place")


def file_job(
    session: Session,
    actor: User,
    data: JobInput,
    languages: tuple[str, ...],
    *,
    visitor: VisitorProfile | None = None,
    visit: Visit | None = None,
) -> tuple[ServiceRequest, list[Notification]]:
    """Create the request and its language details, then route it at once. Staff file for a
    walk-in `visitor` (and the desk's `visit`), as for any other kind of help."""
    now = utcnow()
    data = what_the_mode_asks(data)
    _validate(data, languages, now)
    kind_type, text = "", data.text
    if data.mode == HelpMode.DOCUMENT:
        kind_type, text = read_document(data.document_name, data.document_data or b"", max_chars=MAX_TEXT)
    kind = RequestKind.TRANSLATION if data.mode.is_written else RequestKind.INTERPRETATION
    request = assistance.create_request(
        session,
        actor,
        assistance.RequestInput(
            kind=kind, details=data.notes.strip(), needed_by=data.needed_by, location=data.place.strip()
        ),
        visitor=visitor,
        visit=visit,
    )
    session.add(
        TranslationJob(
            request_id=request.id,
            source_lang=data.source,
            target_lang=data.target,
            mode=data.mode,
            source_text=text,
            document_name=data.document_name[:200],
            document_type=kind_type,
            document_data=data.document_data,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            place=data.place.strip(),
        )
    )
    session.flush()
    return request, route(session, request)


def file_briefing_job(
    session: Session, reader: User, briefing: Briefing, locale: str
) -> tuple[ServiceRequest | None, list[Notification]]:
    """A reader asked for a briefing in their language: give the work to a volunteer of the
    briefing's centre who speaks it — once per briefing and language, however many ask."""
    waiting = session.scalar(
        select(ServiceRequest.id)
        .join(TranslationJob, TranslationJob.request_id == ServiceRequest.id)
        .where(
            TranslationJob.briefing_id == briefing.id,
            TranslationJob.target_lang == locale,
            ServiceRequest.status.in_(OPEN_STATUSES),
        )
    )
    if waiting:
        return None, []
    original = briefing.original
    request = assistance.create_request(
        session,
        reader,
        assistance.RequestInput(
            kind=RequestKind.TRANSLATION,
            details=f"{original.title} ({briefing.original_locale} → {locale})",
            needed_by=utcnow() + timedelta(hours=24),
        ),
        centre_id=briefing.centre_id,
    )
    session.add(
        TranslationJob(
            request_id=request.id,
            source_lang=briefing.original_locale,
            target_lang=locale,
            mode=HelpMode.WRITTEN,
            source_text=f"{original.title}\n\n{original.body}",
            briefing_id=briefing.id,
        )
    )
    session.flush()
    return request, route(session, request)
