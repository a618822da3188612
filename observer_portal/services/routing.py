"""Which volunteer gets a translation or interpretation job (DESIGN §3), as pure functions.

Eligible: active, on duty at the request's centre, speaks both languages of the pair,
has not declined or been released from this job, and (for interpretation) is free at
that time. Among them: the fewest open assignments, then the one assigned least
recently (never assigned comes first), then the lowest id so the result is stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    id: int
    languages: frozenset[str]
    open_assignments: int = 0
    last_assigned_at: datetime | None = None
    active: bool = True
    on_duty: bool = True
    busy: bool = False  # already booked at an overlapping time


def is_eligible(candidate: Candidate, source: str, target: str, excluded: Iterable[int] = ()) -> bool:
    return (
        candidate.active
        and candidate.on_duty
        and not candidate.busy
        and source in candidate.languages
        and target in candidate.languages
        and candidate.id not in set(excluded)
    )


def choose(candidates: Iterable[Candidate], source: str, target: str, excluded: Iterable[int] = ()) -> Candidate | None:
    excluded = set(excluded)
    pool = [c for c in candidates if is_eligible(c, source, target, excluded)]
    if not pool:
        return None
    return min(pool, key=lambda c: (c.open_assignments, c.last_assigned_at or NEVER, c.id))


def why_unroutable(
    candidates: Iterable[Candidate], source: str, target: str, excluded: Iterable[int] = ()
) -> tuple[str, dict[str, str]]:
    """A reason code and parameters, worded later in the reader's language."""
    excluded = set(excluded)
    available = [c for c in candidates if c.active and c.on_duty]
    if not available:
        return "nobody_on_duty", {}
    speaks_source = [c for c in available if source in c.languages]
    speaks_target = [c for c in available if target in c.languages]
    if not speaks_source:
        return "nobody_speaks", {"language": source}
    if not speaks_target:
        return "nobody_speaks", {"language": target}
    both = [c for c in available if source in c.languages and target in c.languages]
    if not both:
        return "nobody_speaks_both", {"source": source, "target": target}
    if all(c.id in excluded for c in both):
        return "all_declined", {"source": source, "target": target}
    return "all_busy", {"source": source, "target": target}
