"""Who reads briefings in which language, for the equal-treatment report: a signed-in
observer or journalist reading a briefing is counted once per briefing, language shown and
election, with their mission or outlet, their kind, the language of the text shown and their
own language (their account's). Readers who are not signed in stay uncounted and cookie-less
(their pages are cached); staff read briefings to work on them, and are not counted."""

from __future__ import annotations

from sqlalchemy import exists, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from observer_portal.models import Briefing, BriefingRead, User, VisitorProfile
from observer_portal.models.base import utcnow
from observer_portal.models.election import active_election_id


def record_read(session: Session, reader: User, briefing: Briefing, shown: str, page_locale: str) -> None:
    """Count `reader` reading `briefing` shown in `shown` — once: a reload, another session or
    a replayed cookie adds nothing (the row exists; two at once meet the unique constraint).
    Their own language is their account's, else the page's (`page_locale`)."""
    if not reader.is_authenticated or not reader.role.is_visitor:
        return
    election = active_election_id()
    already = exists().where(
        BriefingRead.user_id == reader.id,
        BriefingRead.briefing_id == briefing.id,
        BriefingRead.shown_locale == shown,
        BriefingRead.election_id.is_not_distinct_from(election),  # no active election: NULL
    )
    of_reader = VisitorProfile.user_id == reader.id  # their mission and kind as they are now
    row = select(
        literal(briefing.centre_id),
        election,
        literal(utcnow(), BriefingRead.read_at.type),
        literal(reader.id),
        literal(briefing.id),
        select(VisitorProfile.organisation_id).where(of_reader).scalar_subquery(),
        select(VisitorProfile.kind).where(of_reader).scalar_subquery(),
        literal(shown),
        literal(reader.preferred_locale or page_locale),
    ).where(~already)
    columns = [
        "centre_id",
        "election_id",
        "read_at",
        "user_id",
        "briefing_id",
        "organisation_id",
        "visitor_kind",
        "shown_locale",
        "wanted_locale",
    ]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(BriefingRead).from_select(columns, row).on_conflict_do_nothing())
