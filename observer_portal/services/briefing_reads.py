"""Who reads briefings in which language, for the equal-treatment report: a signed-in
observer or journalist opening a briefing is counted once per briefing and language shown
in their signed-in session (reloading the page adds nothing), with their mission or outlet,
their kind, the language of the text shown and their own language — never the person.
Readers who are not signed in stay uncounted and cookie-less (their pages are cached)."""

from __future__ import annotations

from collections.abc import MutableMapping

from sqlalchemy.orm import Session

from observer_portal.models import Briefing, BriefingRead, User

SEEN_KEY = "briefings_read"  # in the signed-in session: what this session has counted
REMEMBERED = 40  # the session cookie stays small; an older reading may be counted again


def record_read(
    session: Session, reader: User, briefing: Briefing, shown: str, wanted: str, seen: MutableMapping
) -> bool:
    """Count `reader` opening `briefing` shown in `shown` (their language is `wanted`), unless
    this session counted it already (`seen`: the signed-in session). True when counted."""
    if not reader.is_authenticated or not reader.role.is_visitor:
        return False  # staff read briefings to work on them, not as the centre's public
    mark = f"{briefing.id}:{shown}"
    remembered = list(seen.get(SEEN_KEY, ()))
    if mark in remembered:
        return False
    seen[SEEN_KEY] = (remembered + [mark])[-REMEMBERED:]
    profile = reader.visitor_profile
    session.add(
        BriefingRead(
            centre_id=briefing.centre_id,
            organisation_id=profile.organisation_id if profile else None,
            visitor_kind=profile.kind if profile else None,
            shown_locale=shown,
            wanted_locale=wanted,
        )
    )
    return True
