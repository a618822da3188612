"""The equal-treatment report against figures worked out by hand, on SQLite and PostgreSQL:
counts, medians and 90th percentiles (interpolated), declines, hand-overs, unroutable
language work and its reasons, loans and visits, briefings read by language, the scope's days in the centre's time zone,
and the flag rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from observer_portal.extensions import db
from observer_portal.models import (
    BriefingRead,
    EquipmentItem,
    EquipmentKind,
    EventAction,
    Loan,
    Organisation,
    OrganisationKind,
    RequestEvent,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    Visit,
    VisitorKind,
    VisitorProfile,
)
from observer_portal.services.elections import ElectionInput, create_election
from observer_portal.services.reports import equal_treatment
from observer_portal.services.reports.equal_treatment import Figures, flags_for
from observer_portal.services.reports.scope import Scope
from observer_portal.services.reports.sql import Spread
from tests.helpers import make_centre, make_user

T0 = datetime(2022, 11, 18, 5, 0, tzinfo=UTC)  # 10:00 in Atyrau
DAY = date(2022, 11, 18)
M = 60  # seconds in a minute
HANDED = (EventAction.CLAIM, EventAction.ASSIGN, EventAction.ROUTED)


def _organisation(name: str, kind: OrganisationKind) -> Organisation:
    organisation = Organisation(name=name, kind=kind, confirmed=True)
    db.session.add(organisation)
    return organisation


def _profile(name: str, organisation: Organisation, kind: VisitorKind) -> VisitorProfile:
    profile = VisitorProfile(full_name=name, kind=kind, organisation=organisation, accreditation_number=f"ACC-{name}")
    db.session.add(profile)
    return profile


def _request(centre, election, who, kind, status, *, first=None, done=None, at=T0, events=()):
    """A request filed at `at`, first taken on `first` minutes later, done `done` minutes later."""
    request = ServiceRequest(
        centre_id=centre.id,
        election_id=election.id,
        kind=kind,
        status=status,
        details="Secret details of Jane Roe",
        needed_by=at + timedelta(days=1),
        visitor_id=who.id,
        organisation_id=who.organisation.id,
        visitor_kind=who.kind,
        created_at=at,
        first_response_at=at + timedelta(minutes=first) if first is not None else None,
        completed_at=at + timedelta(minutes=done) if done is not None else None,
        events=[
            RequestEvent(action=action, reason=reason, created_at=at + timedelta(minutes=minute))
            for action, minute, reason in events
        ],
        # the counters the workflow keeps with these events (test_counters_follow_the_events)
        handovers=sum(action in HANDED for action, _minute, _reason in events),
        declines=sum(action == EventAction.DECLINE for action, _minute, _reason in events),
    )
    db.session.add(request)
    return request


@pytest.fixture
def scene(app_ctx):
    return build_scene()


def build_scene() -> dict:
    """Three groups, worked out by hand in the test below."""
    centre = make_centre("atyrau")  # Asia/Atyrau: UTC+5
    other_centre = make_centre("aktau")
    election = create_election(
        db.session,
        None,
        ElectionInput({"en": "Early presidential"}, date(2022, 11, 20), date(2022, 11, 14), date(2022, 11, 21)),
    )
    later = create_election(db.session, None, ElectionInput({"en": "Later"}, date(2027, 3, 19)))
    osce = _organisation("OSCE/ODIHR", OrganisationKind.OBSERVER_MISSION)
    cis = _organisation("CIS Mission", OrganisationKind.OBSERVER_MISSION)
    reuters = _organisation("Reuters", OrganisationKind.MEDIA_OUTLET)
    o1 = _profile("Anna Observer", osce, VisitorKind.OBSERVER)
    o2 = _profile("Boris Observer", cis, VisitorKind.OBSERVER)
    m1 = _profile("Carla Journalist", reuters, VisitorKind.MEDIA)
    db.session.flush()
    E, I, T, P, O = (  # noqa: E741
        RequestKind.EQUIPMENT,
        RequestKind.INTERNET,
        RequestKind.TRANSLATION,
        RequestKind.INTERPRETATION,
        RequestKind.OTHER,
    )
    DONE, NEW = RequestStatus.DONE, RequestStatus.NEW
    add = _request
    add(centre, election, o1, E, DONE, first=10, done=60, events=[(EventAction.CLAIM, 10, None)])
    add(centre, election, o1, I, DONE, first=20, done=120, events=[(EventAction.CLAIM, 20, None)])
    routed, declined = EventAction.ROUTED, EventAction.DECLINE
    add(
        centre,
        election,
        o1,
        T,
        DONE,
        first=30,
        done=180,
        events=[(routed, 1, None), (declined, 15, None), (routed, 16, None)],
    )
    add(centre, election, o1, O, RequestStatus.CANCELLED)
    add(centre, election, o2, E, DONE, first=60, done=240)
    add(centre, election, o2, E, DONE, first=90, done=300)
    add(centre, election, o2, T, RequestStatus.UNROUTABLE, events=[(EventAction.UNROUTABLE, 1, "nobody_speaks")])
    add(centre, election, o2, P, RequestStatus.ASSIGNED, first=120, events=[(EventAction.ASSIGN, 120, None)])
    add(centre, election, m1, I, DONE, first=5, done=30)
    add(centre, election, m1, O, NEW, at=datetime(2022, 11, 17, 19, 30, tzinfo=UTC))  # 00:30 on the 18th in Atyrau
    # outside the scope: the next local day, another election, another centre
    add(centre, election, m1, O, DONE, first=1, done=2, at=datetime(2022, 11, 18, 19, 30, tzinfo=UTC))
    add(centre, later, o2, E, DONE, first=999, done=9999)
    add(other_centre, election, o2, E, DONE, first=999, done=9999)
    for who, count in ((o1, 3), (o2, 2), (m1, 1)):
        for n in range(count):
            db.session.add(_visit(centre, election, who, T0 + timedelta(hours=n)))
    db.session.add(_visit(centre, election, o1, T0 + timedelta(days=1)))  # the next day
    db.session.add(_visit(other_centre, election, o1, T0))
    item = EquipmentItem(centre_id=centre.id, kind=EquipmentKind.LAPTOP, asset_tag="ATR-1")
    db.session.add(item)
    db.session.flush()
    for who, out_at in ((o1, T0), (m1, T0), (m1, T0 + timedelta(hours=2)), (m1, T0 + timedelta(days=2))):
        db.session.add(
            Loan(
                item_id=item.id,
                borrower_id=who.id,
                election_id=election.id,
                out_at=out_at,
                due_at=out_at + timedelta(hours=1),
                returned_at=out_at + timedelta(minutes=30),
            )
        )
    # briefings read: OSCE mostly in English though its readers chose German, CIS in Russian, Reuters in English
    for who, shown, wanted, count in (
        (o1, "en", "de", 3),
        (o1, "de", "de", 1),
        (o2, "ru", "ru", 3),
        (m1, "en", "en", 2),
    ):
        for n in range(count):
            db.session.add(_read(centre, election, who, shown, wanted, T0 + timedelta(minutes=n)))
    db.session.add(_read(centre, election, o1, "en", "de", T0 + timedelta(days=1)))  # the next day
    db.session.add(_read(other_centre, election, o1, "en", "de", T0))
    db.session.add(_read(centre, later, o2, "en", "ru", T0))
    db.session.commit()
    return {"centre": centre, "election": election, "osce": osce, "cis": cis, "reuters": reuters}


def _read(centre, election, who, shown, wanted, at) -> BriefingRead:
    return BriefingRead(
        centre_id=centre.id,
        election_id=election.id,
        read_at=at,
        organisation_id=who.organisation_id,
        visitor_kind=who.kind,
        shown_locale=shown,
        wanted_locale=wanted,
    )


def _visit(centre, election, who, at) -> Visit:
    return Visit(
        centre_id=centre.id,
        election_id=election.id,
        visitor_id=who.id,
        organisation_id=who.organisation_id,
        visitor_kind=who.kind,
        arrived_at=at,
    )


def _rows(report) -> dict:
    return {row.organisation.name: row for row in report.organisations}


def test_every_figure_matches_the_hand_count(scene):
    scope = Scope(scene["election"].id, DAY, DAY, centre_id=scene["centre"].id)
    report = equal_treatment.build(db.session, scope)
    rows = _rows(report)
    osce, cis, reuters = rows["OSCE/ODIHR"].figures, rows["CIS Mission"].figures, rows["Reuters"].figures

    assert (osce.visits, cis.visits, reuters.visits, report.whole.visits) == (3, 2, 1, 6)
    assert (osce.requests, cis.requests, reuters.requests, report.whole.requests) == (4, 4, 2, 10)
    assert osce.by_kind == {
        RequestKind.EQUIPMENT: 1,
        RequestKind.INTERNET: 1,
        RequestKind.TRANSLATION: 1,
        RequestKind.OTHER: 1,
    }
    assert cis.by_kind == {RequestKind.EQUIPMENT: 2, RequestKind.TRANSLATION: 1, RequestKind.INTERPRETATION: 1}
    assert (osce.done, osce.cancelled, osce.share_done) == (3, 1, 1.0)
    assert (cis.share_done, reuters.share_done) == (0.5, 0.5)
    assert report.whole.share_done == pytest.approx(6 / 9)
    assert (osce.waiting, cis.waiting, reuters.waiting) == (0, 1, 1)

    assert osce.first_response == Spread(3, 20 * M, 28 * M)  # 10, 20, 30 min: p90 at 1.8 → 20 + 0.8 × 10
    assert cis.first_response == Spread(3, 90 * M, 114 * M)  # 60, 90, 120 min
    assert reuters.first_response == Spread(1, 5 * M, 5 * M)
    assert report.whole.first_response == Spread(7, 30 * M, 102 * M)  # 5 10 20 30 60 90 120: p90 at 5.4
    assert osce.to_done == Spread(3, 120 * M, 168 * M)  # 60, 120, 180 min
    assert cis.to_done == Spread(2, 270 * M, 294 * M)  # 240, 300 min: p90 at 0.9
    assert report.whole.to_done == Spread(6, 150 * M, 270 * M)  # 30 60 120 180 240 300: median 150, p90 at 4.5

    assert (osce.declines, osce.reassignments, cis.declines, cis.reassignments) == (1, 1, 0, 0)
    assert (cis.unroutable, cis.unroutable_reasons, osce.unroutable) == (1, {"nobody_speaks": 1}, 0)
    assert (osce.loans, cis.loans, reuters.loans, report.whole.loans) == (1, 0, 2, 3)
    assert (osce.reads, osce.reads_in_own_language, osce.share_read_in_own_language) == ({"en": 3, "de": 1}, 1, 0.25)
    assert (cis.reads, cis.share_read_in_own_language, reuters.reads) == ({"ru": 3}, 1.0, {"en": 2})
    assert (report.whole.briefing_reads, report.whole.reads) == (9, {"en": 5, "de": 1, "ru": 3})
    assert report.whole.share_read_in_own_language == pytest.approx(6 / 9)

    kinds = {row.visitor_kind: row.figures for row in report.kinds}
    assert kinds[VisitorKind.OBSERVER].first_response == Spread(6, 45 * M, 105 * M)  # 10 20 30 60 90 120
    assert (kinds[VisitorKind.OBSERVER].requests, kinds[VisitorKind.MEDIA].requests) == (8, 2)
    assert kinds[VisitorKind.MEDIA].to_done == Spread(1, 30 * M, 30 * M)
    assert (kinds[VisitorKind.OBSERVER].briefing_reads, kinds[VisitorKind.OBSERVER].reads_in_own_language) == (7, 4)

    # CIS waited three times the centre's median for a first response; OSCE had a quarter of
    # its requests declined against a tenth overall, and read 3 briefings in 4 in a language
    # not its own against 1 in 3 overall; nothing else stands out
    assert {row.organisation.name: [f.measure for f in row.flags] for row in report.organisations} == {
        "OSCE/ODIHR": ["declines", "other_language"],
        "CIS Mission": ["first_response"],
        "Reuters": [],
    }
    assert [f.measure for f in report.kinds[0].flags] == []


def test_the_whole_election_at_every_centre(scene):
    scope = Scope(scene["election"].id, date(2022, 11, 1), date(2022, 11, 30))
    report = equal_treatment.build(db.session, scope)
    assert report.whole.requests == 12  # the next local day and the other centre's, not the later election's
    assert report.whole.visits == 8
    assert report.whole.loans == 4
    assert report.whole.briefing_reads == 11  # the next day's and the other centre's, not the later election's


def test_the_flag_rule():
    whole = Figures(requests=20, done=18, first_response=Spread(20, 600, 900), to_done=Spread(18, 3600, 7200))
    slow = Figures(requests=3, done=3, first_response=Spread(3, 1201, 1500))
    just_twice = Figures(requests=3, done=3, first_response=Spread(3, 1200, 1500))
    too_few = Figures(requests=2, done=2, first_response=Spread(2, 6000, 6000))
    assert [f.measure for f in flags_for(slow, whole)] == ["first_response"]
    assert (flags_for(slow, whole)[0].value, flags_for(slow, whole)[0].whole) == (1201, 600)
    assert flags_for(just_twice, whole) == ()
    assert flags_for(too_few, whole) == ()
    undone = Figures(requests=4, done=1)  # 75 % not done against 10 %
    assert [f.measure for f in flags_for(undone, whole)] == ["not_done"]


def test_a_request_keeps_the_mission_it_was_filed_for_and_its_first_response(app_ctx):
    from observer_portal.services.assistance import transition
    from observer_portal.services.organisations import merge
    from observer_portal.services.workflow import Action
    from tests.assistance_helpers import make_request

    create_election(db.session, None, ElectionInput({"en": "Now"}, date(2022, 11, 20)), active=True)
    observer, volunteer = make_user("observer"), make_user("volunteer")
    osce = _organisation("OSCE/ODIHR", OrganisationKind.OBSERVER_MISSION)
    twin = _organisation("OSCE ODIHR", OrganisationKind.OBSERVER_MISSION)
    observer.visitor_profile.organisation = twin
    db.session.commit()
    request = make_request(observer)
    assert (request.organisation_id, request.visitor_kind, request.first_response_at) == (twin.id, "observer", None)

    observer.visitor_profile.organisation = None  # a later change of the person's mission
    transition(db.session, volunteer, request, Action.CLAIM)
    db.session.commit()
    claimed = request.first_response_at
    assert claimed is not None
    transition(db.session, volunteer, request, Action.START)
    transition(db.session, volunteer, request, Action.COMPLETE)
    db.session.commit()
    db.session.refresh(request)
    assert request.first_response_at == claimed
    assert request.organisation_id == twin.id

    merge(db.session, None, osce, twin)  # the mission's two spellings become one
    db.session.commit()
    db.session.refresh(request)
    assert request.organisation_id == osce.id


def test_the_counters_follow_the_events(app_ctx):
    """Hand-overs and declines kept on the request equal its events, through every move that
    writes one: claims, assignments, declines, and routing."""
    from sqlalchemy import func, select

    from observer_portal.models import Proficiency
    from observer_portal.services.assistance import transition
    from observer_portal.services.workflow import Action
    from tests.assistance_helpers import make_request

    observer = make_user("observer")
    one, two = make_user("volunteer"), make_user("volunteer")
    coordinator = make_user("coordinator")
    request = make_request(observer)
    transition(db.session, one, request, Action.CLAIM)
    transition(db.session, one, request, Action.DECLINE, note="No printer here")
    transition(db.session, two, request, Action.CLAIM)
    transition(db.session, coordinator, request, Action.ASSIGN, assignee=one)
    db.session.commit()
    make_user("volunteer", languages={"en": Proficiency.FLUENT, "de": Proficiency.FLUENT}, on_duty=True)
    from observer_portal.services.language_help import file_job
    from tests.test_language_help import written

    routed, _ = file_job(db.session, observer, written("en", "de"), ("en", "de", "fr", "ru", "kk"))
    db.session.commit()
    for row in (request, routed):
        db.session.refresh(row)
        events = dict(
            db.session.execute(
                select(RequestEvent.action, func.count())
                .where(RequestEvent.request_id == row.id)
                .group_by(RequestEvent.action)
            ).all()
        )
        handed = sum(events.get(action, 0) for action in HANDED)
        assert (row.handovers, row.declines) == (handed, events.get(EventAction.DECLINE, 0)), events
    assert (request.handovers, request.declines) == (3, 1)
    assert routed.handovers == 1
