"""Property-based tests of the routing rule (hypothesis), on the pure function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from observer_portal.services.routing import Candidate, choose, is_eligible, why_unroutable

LANGS = ["en", "de", "fr", "ru", "kk"]
BASE = datetime(2022, 11, 20, tzinfo=UTC)

candidate = st.builds(
    Candidate,
    id=st.integers(min_value=1, max_value=10_000),
    languages=st.frozensets(st.sampled_from(LANGS), max_size=5),
    open_assignments=st.integers(min_value=0, max_value=6),
    last_assigned_at=st.one_of(st.none(), st.integers(0, 10_000).map(lambda m: BASE + timedelta(minutes=m))),
    active=st.booleans(),
    on_duty=st.booleans(),
    busy=st.booleans(),
)
teams = st.lists(candidate, max_size=12, unique_by=lambda c: c.id)
pairs = st.tuples(st.sampled_from(LANGS), st.sampled_from(LANGS)).filter(lambda p: p[0] != p[1])


@settings(max_examples=200)
@given(teams, pairs, st.sets(st.integers(1, 10_000), max_size=5))
def test_chosen_volunteer_is_eligible_and_least_loaded(team, pair, excluded):
    source, target = pair
    chosen = choose(team, source, target, excluded)
    eligible = [c for c in team if is_eligible(c, source, target, excluded)]
    if not eligible:
        assert chosen is None
        return
    assert chosen in eligible
    assert chosen.open_assignments == min(c.open_assignments for c in eligible)
    ties = [c for c in eligible if c.open_assignments == chosen.open_assignments]
    never = datetime.min.replace(tzinfo=UTC)
    assert (chosen.last_assigned_at or never) == min(c.last_assigned_at or never for c in ties)


@settings(max_examples=150)
@given(teams, pairs)
def test_decline_chain_never_repeats_and_ends_unroutable(team, pair):
    source, target = pair
    declined: list[int] = []
    while (chosen := choose(team, source, target, declined)) is not None:
        assert chosen.id not in declined  # nobody is asked twice
        declined.append(chosen.id)  # ...and everybody declines
        assert len(declined) <= len(team)
    assert len(declined) == len(set(declined))
    assert set(declined) == {c.id for c in team if is_eligible(c, source, target)}
    code, _params = why_unroutable(team, source, target, declined)
    assert code in {"nobody_on_duty", "nobody_speaks", "nobody_speaks_both", "all_declined", "all_busy"}
    if declined:
        assert code in {"all_declined", "all_busy"}


def test_the_reason_names_the_missing_language():
    team = [Candidate(1, frozenset({"ru", "kk", "en"})), Candidate(2, frozenset({"ru", "de"}), on_duty=False)]
    assert why_unroutable(team, "de", "ru") == ("nobody_speaks", {"language": "de"})
    assert why_unroutable(team, "en", "fr") == ("nobody_speaks", {"language": "fr"})
    team.append(Candidate(3, frozenset({"fr"})))
    assert why_unroutable(team, "en", "fr") == ("nobody_speaks_both", {"source": "en", "target": "fr"})
    assert why_unroutable([], "en", "ru") == ("nobody_on_duty", {})
