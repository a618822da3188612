"""Retention that erases: the personal data of visitors leaves every table, the figures stay.

Two entry points, one code path:
- `erase_election` (`flask elections enforce-retention`, daily): once an election is past its
  retention date, the free text of everything that happened in it, and the identity of each
  of its visitors who has nothing to do with an election still being kept;
- `anonymise_before` (`flask visits anonymise --before`, the nightly `RETENTION_DAYS` job):
  visitors last seen before a date.

What goes: names, e-mails, phones, accreditation numbers, nationality and languages; the
accounts of those people (unusable afterwards); visit notes, request details, places and
comments, translation texts, uploaded documents and their translation-memory entries, loan
notes, the coordinators' notes of the daily reports; names inside audit entries; invitations
(they hold the address) and the election's uploaded accreditation lists; profiles that never
came (nothing points at them).
What stays: every row that a statistic counts — visits (centre, time, mission, kind,
purposes), requests (kind, status, times, who worked on them), loans (times) — so every
figure of the visit log and the coverage page is the same before and after. Staff accounts
are untouched. Everything is set-based SQL in chunks: an election of 20,000 visitors is
erased in a few statements per thousand people.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, delete, exists, func, literal, or_, select, update
from sqlalchemy.orm import Session

from observer_portal.models import (
    AccreditationImport,
    AuditEvent,
    BriefingRead,
    DailyNote,
    Election,
    ElectionState,
    Invitation,
    Loan,
    Notification,
    RequestEvent,
    ServiceRequest,
    Submission,
    TranslationJob,
    TranslationMemory,
    User,
    Visit,
    VisitorLanguage,
    VisitorProfile,
)
from observer_portal.models.base import utcnow
from observer_portal.services.audit import record
from observer_portal.services.translation_memory import text_hash

CHUNK = 900  # ids per IN (…): under every engine's limit on bound parameters
#: audit details that can hold a person's name or what was typed to find them
PERSONAL_DETAILS = ("duplicate_name",)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# ---------------------------------------------------------------- people


def erase_people(session: Session, visitor_ids: Iterable[int]) -> int:
    """Remove who these visitors are, and the free text of everything they did anywhere."""
    count = 0
    for ids in _chunks(visitor_ids):
        count += len(ids)
        session.execute(
            update(VisitorProfile)
            .where(VisitorProfile.id.in_(ids))
            .values(
                full_name="", search_name="", accreditation_number=None, nationality="", phone="", contact_email=""
            ),
            execution_options={"synchronize_session": False},
        )
        session.execute(delete(VisitorLanguage).where(VisitorLanguage.visitor_id.in_(ids)))
        session.execute(delete(Invitation).where(Invitation.visitor_id.in_(ids)))  # they hold the e-mail
        accounts = list(session.scalars(select(VisitorProfile.user_id).where(VisitorProfile.id.in_(ids))))
        _close_accounts(session, [a for a in accounts if a is not None])
        _erase_audit_names(session, "VisitorProfile", ids)
        requests = select(ServiceRequest.id).where(
            or_(
                ServiceRequest.visitor_id.in_(ids),
                ServiceRequest.requester_id.in_(select(VisitorProfile.user_id).where(VisitorProfile.id.in_(ids))),
            )
        )
        _erase_work(
            session,
            visits=select(Visit.id).where(Visit.visitor_id.in_(ids)),
            requests=requests,
            loans=select(Loan.id).where(Loan.borrower_id.in_(ids)),
        )
    session.expire_all()
    return count


def _close_accounts(session: Session, user_ids: list[int]) -> None:
    """An erased visitor's account: no name, no address, no way in, no notifications."""
    if not user_ids:
        return
    session.execute(
        update(User)
        .where(User.id.in_(user_ids))
        .values(
            email=literal("anonymised-") + cast(User.id, String) + literal("@invalid.example"),
            display_name="",
            active=False,
            password_hash="!",  # matches no password  # noqa: S106
            calendar_token=None,
            preferred_locale=None,
        ),
        execution_options={"synchronize_session": False},
    )
    for user in session.scalars(select(User).where(User.id.in_(user_ids))):
        user.rotate_session_token()  # signed out everywhere
    session.execute(delete(Notification).where(Notification.user_id.in_(user_ids)))
    session.execute(delete(Submission).where(Submission.user_id.in_(user_ids)))
    session.execute(update(BriefingRead).where(BriefingRead.user_id.in_(user_ids)).values(user_id=None))
    _erase_audit_names(session, "User", user_ids)


def _erase_audit_names(session: Session, object_type: str, ids: list[int]) -> None:
    """Audit entries name their object live (an erased person reads as nobody); a name copied
    into the details (a merged duplicate's) is removed."""
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))
    )
    for event in events:
        if any(key in (event.details or {}) for key in PERSONAL_DETAILS):
            event.details = {k: v for k, v in event.details.items() if k not in PERSONAL_DETAILS}


def _erase_work(session: Session, *, visits, requests, loans) -> None:
    """Free text of visits, requests (details, place, comments, translations) and loans."""
    session.execute(
        update(Visit).where(Visit.id.in_(visits)).values(notes=""), execution_options={"synchronize_session": False}
    )
    session.execute(
        update(ServiceRequest).where(ServiceRequest.id.in_(requests)).values(details="", location=""),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(RequestEvent).where(RequestEvent.request_id.in_(requests)).values(note=""),
        execution_options={"synchronize_session": False},
    )
    texts = session.execute(
        select(TranslationJob.source_text, TranslationJob.final_text).where(TranslationJob.request_id.in_(requests))
    )
    hashes = {text_hash(text) for pair in texts for text in pair if text}
    for chunk in _chunks_of(hashes):
        session.execute(delete(TranslationMemory).where(TranslationMemory.source_hash.in_(chunk)))
    session.execute(
        update(TranslationJob)
        .where(TranslationJob.request_id.in_(requests))
        .values(source_text="", final_text="", machine_draft="", document_name="", document_data=None, place=""),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Loan).where(Loan.id.in_(loans)).values(notes=""), execution_options={"synchronize_session": False}
    )


def _chunks_of(values: set[str]) -> Iterator[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


# ---------------------------------------------------------------- elections


@dataclass(frozen=True)
class Erasure:
    election: Election
    people: int  # visitors whose identity was removed
    removed_profiles: int  # profiles that never came, deleted
    kept: int  # visitors of this election still needed by an election being kept


def due_elections(session: Session, today: date) -> list[Election]:
    """Closed elections past their retention date whose data is not erased yet."""
    closed = session.scalars(
        select(Election).where(Election.state == ElectionState.CLOSED, Election.erased_at.is_(None))
    )
    return [election for election in closed if election.retention_ends <= today]


def _footprints(election_ids) -> list:
    """Conditions on VisitorProfile: it belongs to one of these elections (its own, or a visit,
    a request or a loan in it)."""
    return [
        VisitorProfile.election_id.in_(election_ids),
        exists().where(Visit.visitor_id == VisitorProfile.id, Visit.election_id.in_(election_ids)),
        exists().where(ServiceRequest.visitor_id == VisitorProfile.id, ServiceRequest.election_id.in_(election_ids)),
        exists().where(
            ServiceRequest.requester_id == VisitorProfile.user_id, ServiceRequest.election_id.in_(election_ids)
        ),
        exists().where(Loan.borrower_id == VisitorProfile.id, Loan.election_id.in_(election_ids)),
    ]


def erase_election(session: Session, election: Election, actor: User | None = None) -> Erasure:
    kept_elections = select(Election.id).where(Election.id != election.id, Election.erased_at.is_(None))
    candidates = select(VisitorProfile.id).where(or_(*_footprints([election.id])), VisitorProfile.full_name != "")
    kept_ids = set(session.scalars(candidates.where(or_(*_footprints(kept_elections)))))
    erased_ids = set(session.scalars(candidates)) - kept_ids
    people = erase_people(session, erased_ids)
    _erase_work(
        session,
        visits=select(Visit.id).where(Visit.election_id == election.id),
        requests=select(ServiceRequest.id).where(ServiceRequest.election_id == election.id),
        loans=select(Loan.id).where(Loan.election_id == election.id),
    )
    removed = _remove_unused_profiles(session, erased_ids)
    session.execute(delete(AccreditationImport).where(AccreditationImport.election_id == election.id))
    # the coordinators' notes of the daily reports are free text too (the figures stay)
    session.execute(update(DailyNote).where(DailyNote.election_id == election.id).values(text=""))
    # who read which briefing: the readings stay, counted, their readers are forgotten
    session.execute(update(BriefingRead).where(BriefingRead.election_id == election.id).values(user_id=None))
    _erase_typed_searches(session, before=utcnow())
    election.erased_at = utcnow()
    record(session, actor, "election.erased", election, people=people, removed=removed)
    session.flush()
    return Erasure(election, people, removed, len(kept_ids))


def _remove_unused_profiles(session: Session, ids: set[int]) -> int:
    """Profiles that nothing points at (imported people who never came) are deleted outright."""
    unused = select(VisitorProfile.id).where(
        ~exists().where(Visit.visitor_id == VisitorProfile.id),
        ~exists().where(ServiceRequest.visitor_id == VisitorProfile.id),
        ~exists().where(Loan.borrower_id == VisitorProfile.id),
    )
    removed = 0
    for chunk in _chunks(ids):
        doomed = list(session.scalars(unused.where(VisitorProfile.id.in_(chunk))))
        if doomed:
            session.execute(delete(VisitorLanguage).where(VisitorLanguage.visitor_id.in_(doomed)))
            session.execute(delete(VisitorProfile).where(VisitorProfile.id.in_(doomed)))
            removed += len(doomed)
    return removed


def _erase_typed_searches(session: Session, before: datetime) -> None:
    """A visit-log download records its filters; the text typed to find someone is removed."""
    exports = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "visits.exported", AuditEvent.created_at < before)
    )
    for event in exports:
        filters = (event.details or {}).get("filters") or {}
        if filters.get("text"):
            event.details = {**event.details, "filters": {**filters, "text": ""}}


def enforce_retention(session: Session, today: date, actor: User | None = None) -> list[Erasure]:
    """Erase every election that is due; running it again the same day changes nothing."""
    return [erase_election(session, election, actor) for election in due_elections(session, today)]


# ---------------------------------------------------------------- by date


def anonymise_before(session: Session, cutoff: datetime, actor: User | None = None) -> int:
    """Visitors whose last visit is older than `cutoff` lose their personal data; the visits
    keep their date, centre, organisation, visitor kind and purposes (copied onto the visit
    when it was registered), so counts and statistics stay exactly the same."""
    last_visit = (
        select(Visit.visitor_id, func.max(Visit.arrived_at).label("last")).group_by(Visit.visitor_id).subquery()
    )
    ids = list(
        session.scalars(
            select(VisitorProfile.id)
            .join(last_visit, last_visit.c.visitor_id == VisitorProfile.id)
            .where(last_visit.c.last < cutoff, VisitorProfile.full_name != "")
        )
    )
    erase_people(session, ids)
    record(session, actor, "visits.anonymised", None, visitors=len(ids), before=cutoff.isoformat())
    return len(ids)
