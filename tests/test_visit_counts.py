"""The visit counts (`VisitCount`, kept by triggers) always equal a full recount of the
visits: after random registrations, deletions (by the ORM and by the foreign key's
cascade), purpose changes, changed arrivals, merges of organisations and of visitors,
anonymisation and erasure — on SQLite and PostgreSQL. And the visit log's totals, chart and
summary read from them agree with the same figures counted from the visits."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, literal, select, union_all, update

from observer_portal.extensions import db
from observer_portal.models import (
    Organisation,
    OrganisationKind,
    Visit,
    VisitCount,
    VisitorKind,
    VisitorProfile,
    VisitPurpose,
    VisitPurposeRow,
)
from observer_portal.services import visit_log, visit_totals
from tests.helpers import make_centre, make_user

PURPOSES = list(VisitPurpose)
START = datetime(2022, 11, 10, 17, 0, tzinfo=UTC)  # 22:00 in Atyrau: arrivals cross local midnights

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("register"),
            st.integers(0, 1),  # centre
            st.integers(0, 2),  # visitor
            st.integers(0, 3),  # organisation (3: none)
            st.sets(st.sampled_from(PURPOSES), max_size=3),
            st.integers(0, 72 * 4),  # quarter hours after START
            st.booleans(),  # registered by a volunteer
        ),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("delete_in_bulk"), st.integers(0, 50)),
        st.tuples(st.just("purposes"), st.integers(0, 50), st.sets(st.sampled_from(PURPOSES), max_size=3)),
        st.tuples(st.just("arrival"), st.integers(0, 50), st.integers(0, 72 * 4)),
        st.tuples(st.just("merge_organisations"), st.integers(0, 2), st.integers(0, 2)),
        st.tuples(st.just("organisation_in_bulk"), st.integers(0, 2)),
        st.tuples(st.just("anonymise")),
    ),
    max_size=14,
)


def recount(session) -> dict[tuple, int]:
    """Every (centre, election, day, organisation, kind, volunteer, purpose) counted from the visits."""
    key = (
        Visit.centre_id,
        func.coalesce(Visit.election_id, 0),
        Visit.local_day,
        func.coalesce(Visit.organisation_id, 0),
        Visit.visitor_kind,
        func.coalesce(Visit.registered_by_id, 0),
    )
    every = select(Visit.id.label("visit_id"), literal("*").label("purpose"))
    each = select(VisitPurposeRow.visit_id, VisitPurposeRow.purpose)
    purposes = union_all(every, each).subquery()
    rows = session.execute(
        select(*key, purposes.c.purpose, func.count())
        .join(purposes, purposes.c.visit_id == Visit.id)
        .group_by(*key, purposes.c.purpose)
    )
    return {(*row[:6], str(row[6])): row[7] for row in rows}


def kept(session) -> dict[tuple, int]:
    rows = session.execute(
        select(
            VisitCount.centre_id,
            VisitCount.election_id,
            VisitCount.day,
            VisitCount.organisation_id,
            VisitCount.visitor_kind,
            VisitCount.registered_by_id,
            VisitCount.purpose,
            VisitCount.visits,
        ).where(VisitCount.visits != 0)
    )
    return {tuple(str(v) if i == 6 else v for i, v in enumerate(row[:7])): row[7] for row in rows}


WORLDS = itertools.count()


def _world():
    """Two centres (the same each time), and new organisations, visitors and a volunteer: the
    examples of one test share its transaction, so each adds to what the last left."""
    world = next(WORLDS)
    centres = [make_centre("atyrau"), make_centre("oral", timezone="Asia/Oral")]
    organisations = [
        Organisation(name=f"Mission {world}-{n}", kind=OrganisationKind.OBSERVER_MISSION, confirmed=True)
        for n in range(3)
    ]
    db.session.add_all(organisations)
    db.session.flush()
    visitors = [
        VisitorProfile(full_name=f"Visitor {n}", kind=VisitorKind.OBSERVER, organisation_id=organisations[n].id)
        for n in range(3)
    ]
    db.session.add_all(visitors)
    volunteer = make_user("volunteer")
    db.session.flush()
    return centres, organisations, visitors, volunteer


def _apply(operation, centres, organisations, visitors, volunteer) -> None:
    from observer_portal.services.erasure import anonymise_before

    name, *args = operation
    visit_ids = list(db.session.scalars(select(Visit.id).order_by(Visit.id)))
    pick = (lambda n: visit_ids[n % len(visit_ids)]) if visit_ids else None
    if name == "register":
        centre, visitor, organisation, purposes, quarters, by_volunteer = args
        db.session.add(
            Visit(
                centre_id=centres[centre].id,
                visitor_id=visitors[visitor].id,
                organisation_id=organisations[organisation].id if organisation < 3 else None,
                visitor_kind=VisitorKind.MEDIA if visitor == 2 else VisitorKind.OBSERVER,
                arrived_at=START + timedelta(minutes=15 * quarters),
                registered_by_id=volunteer.id if by_volunteer else None,
                purposes=[VisitPurposeRow(purpose=p) for p in sorted(purposes)],
            )
        )
    elif name == "delete" and pick:
        db.session.delete(db.session.get(Visit, pick(args[0])))
    elif name == "delete_in_bulk" and pick:  # the purposes go by the foreign key's cascade
        db.session.execute(delete(Visit).where(Visit.id == pick(args[0])))
    elif name == "purposes" and pick:
        visit = db.session.get(Visit, pick(args[0]))
        visit.purposes = [row for row in visit.purposes if row.purpose in args[1]]
        db.session.flush()  # the ones dropped go before the new ones come (one row per purpose)
        present = {row.purpose for row in visit.purposes}
        visit.purposes += [VisitPurposeRow(purpose=p) for p in sorted(args[1] - present)]
    elif name == "arrival" and pick:
        db.session.get(Visit, pick(args[0])).arrived_at = START + timedelta(minutes=15 * args[1])
    elif name == "merge_organisations" and args[0] != args[1]:
        db.session.execute(
            update(Visit)
            .where(Visit.organisation_id == organisations[args[1]].id)
            .values(organisation_id=organisations[args[0]].id)
        )
    elif name == "organisation_in_bulk":
        db.session.execute(update(Visit).values(organisation_id=organisations[args[0]].id))
    elif name == "anonymise":
        anonymise_before(db.session, START + timedelta(days=2))
    db.session.flush()
    db.session.expire_all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_the_counts_equal_a_full_recount_after_any_writes(app, ops):
    with app.app_context():
        world = _world()
        for operation in ops:
            _apply(operation, *world)
            assert kept(db.session) == recount(db.session), operation


def test_the_log_reads_the_counts_and_agrees_with_counting_every_visit(app):
    with app.app_context():
        centres, organisations, visitors, volunteer = _world()
        for n in range(40):
            operation = ("register", 0, n % 3, n % 4, set(PURPOSES[: n % 4]), n * 7, n % 2 == 0)
            _apply(operation, centres, organisations, visitors, volunteer)
        db.session.flush()
        for flt in (
            visit_log.VisitFilter(centre_id=centres[0].id, timezone="Asia/Atyrau"),
            visit_log.VisitFilter(centre_id=centres[0].id, timezone="Asia/Atyrau", purpose=VisitPurpose.INTERNET),
            visit_log.VisitFilter(centre_id=centres[0].id, timezone="Asia/Atyrau", organisation_id=organisations[1].id),
            visit_log.VisitFilter(centre_id=centres[0].id, timezone="Asia/Atyrau", kind=VisitorKind.MEDIA),
            visit_log.VisitFilter(centre_id=centres[0].id, timezone="Asia/Atyrau", volunteer_id=volunteer.id),
            visit_log.VisitFilter(
                centre_id=centres[0].id,
                timezone="Asia/Atyrau",
                date_from=(START + timedelta(days=1)).date(),
                date_to=(START + timedelta(days=2)).date(),
            ),
        ):
            assert visit_totals.answers(db.session, flt)
            from_counts = visit_log.summary(db.session, flt)
            counted = visit_log.Summary(
                visit_log._count(db.session, flt),
                visit_log._every_day(visit_log._count_days(db.session, flt)),
                visit_log._named(db.session, visit_log._count_organisations(db.session, flt)),
            )
            assert from_counts == counted, flt
            assert from_counts.total > 0 or flt.date_from
        # a text search, or days in another time zone than the centre's, are counted from the visits
        assert not visit_totals.answers(
            db.session, visit_log.VisitFilter(centre_id=centres[0].id, timezone="Asia/Atyrau", text="Visitor")
        )
        assert not visit_totals.answers(db.session, visit_log.VisitFilter(centre_id=None, timezone="Asia/Atyrau"))


def test_a_centre_that_changes_time_zone_moves_its_visits_local_days_and_counts(app):
    from observer_portal.services.visits import restate_local_days

    with app.app_context():
        centres, organisations, visitors, volunteer = _world()
        for quarters in (0, 12, 40):  # 22:00, 01:00 and 08:00 in Atyrau
            _apply(
                ("register", 0, 0, 0, {VisitPurpose.BRIEFING}, quarters, False),
                centres,
                organisations,
                visitors,
                volunteer,
            )
        days = sorted(d for (d,) in db.session.execute(select(Visit.local_day).where(Visit.centre_id == centres[0].id)))
        assert [d.day for d in days] == [10, 11, 11]
        # in New York these are 12:00, 15:00 and 22:00 on the 10th
        assert restate_local_days(db.session, centres[0].id, "America/New_York") == 2
        db.session.expire_all()
        days = sorted(d for (d,) in db.session.execute(select(Visit.local_day).where(Visit.centre_id == centres[0].id)))
        assert [d.day for d in days] == [10, 10, 10]
        assert kept(db.session) == recount(db.session)
