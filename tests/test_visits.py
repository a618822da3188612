"""Front-desk registration and the visitor registry."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import AuditEvent, Visit, VisitorProfile
from observer_portal.models.base import utcnow
from tests.helpers import make_user, post_form
from tests.test_assistance import local


def visit_form(app, **overrides):
    data = {"visitor_id": "", "purposes": ["briefing"], "arrived_at": local(0, app), "notes": ""}
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_find_an_existing_visitor_without_javascript(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        observer = make_user("observer", name="Hannah Müller")
        observer.visitor_profile.accreditation_number = "ODIHR-LTO-0142"
        db.session.commit()
        visitor_id = observer.visitor_profile.id
    for query in ("müller", "ODIHR-LTO", "hannah"):
        html = client.get(f"/visits/desk?q={query}").get_data(as_text=True)
        assert f'value="{visitor_id}"' in html, query
    html = client.get("/visits/desk?q=ODIHR-LTO-0142").get_data(as_text=True)
    # a single match is chosen for the volunteer: no one-option radio group, no new-visitor fields
    assert f'<input type="hidden" name="visitor_id" value="{visitor_id}">' in html
    assert 'name="full_name"' not in html
    response = post_form(
        client, "/visits/desk", visit_form(app, visitor_id=str(visitor_id), purposes=["briefing", "internet"])
    )
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert visit.visitor_id == visitor_id
        assert visit.purpose_codes == ["briefing", "internet"]
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "visit.registered"))


def test_new_visitor_in_the_same_form_and_no_duplicates_by_accreditation(app, login_as):
    client, _ = login_as("volunteer")
    new = {
        "full_name": "Camille Martin",
        "kind": "media",
        "organisation": "Agence France-Presse",
        "accreditation_number": "PRESS-AFP-0877",
        "nationality": "FR",
        "languages": ["fr", "en"],
    }
    assert post_form(client, "/visits/desk", visit_form(app, **new)).status_code == 302
    again = post_form(client, "/visits/desk", visit_form(app, **new, purposes=["equipment"]))
    assert again.status_code == 422  # her card number is shown with her name, she is offered to choose
    html = again.get_data(as_text=True)
    assert "This card number is already registered for Camille Martin" in html
    with app.app_context():
        camille_id = db.session.scalar(select(VisitorProfile.id))
    assert re.search(rf'<input[^>]*name="visitor_id"[^>]*value="{camille_id}"', html)
    chosen = visit_form(app, visitor_id=str(camille_id), purposes=["equipment"])
    assert post_form(client, "/visits/desk", chosen).status_code == 302
    with app.app_context():
        assert count(VisitorProfile) == 1  # Camille once, although she was registered twice
        assert count(Visit) == 1  # and still inside: the same stay, now for equipment as well
        assert db.session.scalar(select(Visit)).purpose_codes == ["briefing", "equipment"]
        db.session.scalar(select(Visit)).left_at = utcnow()
        db.session.commit()
    assert post_form(client, "/visits/desk", chosen).status_code == 302  # she left and came back
    with app.app_context():
        camille = db.session.scalar(
            select(VisitorProfile).where(VisitorProfile.accreditation_number == "PRESS-AFP-0877")
        )
        assert camille.organisation.name == "Agence France-Presse"
        assert camille.language_codes == ["en", "fr"]
        assert count(Visit) == 2


def test_bad_input_gives_field_errors_and_writes_nothing(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        visitor_id = make_user("observer").visitor_profile.id
        visitors_before = count(VisitorProfile)
    cases = [
        (
            visit_form(app, visitor_id=str(visitor_id), arrived_at=local(5, app)),
            "The arrival time cannot be in the future.",
        ),
        (visit_form(app, visitor_id="999999"), "Choose a visitor from the list."),
        (visit_form(app, visitor_id=str(visitor_id), notes="x" * 2001), "Field cannot be longer than 2000 characters."),
        (visit_form(app, visitor_id=str(visitor_id), purposes=[]), "This field is required."),
        (visit_form(app, full_name="Nobody", organisation=""), "Give the mission or media outlet."),
        (visit_form(app, visitor_id=str(visitor_id), purposes=["sightseeing"]), "not a valid choice"),
    ]
    for data, message in cases:
        response = post_form(client, "/visits/desk", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert count(Visit) == 0
        assert count(VisitorProfile) == visitors_before


def test_left_in_one_click(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        visitor_id = make_user("observer").visitor_profile.id
    post_form(client, "/visits/desk", visit_form(app, visitor_id=str(visitor_id)))
    with app.app_context():
        visit_id = db.session.scalar(select(Visit.id))
    post_form(client, f"/visits/{visit_id}/left", {}, page="/visits/desk")
    with app.app_context():
        first = db.session.get(Visit, visit_id).left_at
        assert first is not None
    post_form(client, f"/visits/{visit_id}/left", {}, page="/visits/desk")  # a second click changes nothing
    with app.app_context():
        assert db.session.get(Visit, visit_id).left_at == first


def test_observers_see_their_own_visits_only(app, login_as):
    desk, _ = login_as("volunteer")
    hannah, hannah_user = login_as("observer", name="Hannah")
    james, _ = login_as("media", name="James")
    with app.app_context():
        from observer_portal.models import User

        visitor_id = db.session.get(User, hannah_user.id).visitor_profile.id
    post_form(desk, "/visits/desk", visit_form(app, visitor_id=str(visitor_id), notes="secret note"))
    assert "secret note" not in hannah.get("/visits/mine").get_data(as_text=True)  # staff notes stay internal
    assert "<td>" in hannah.get("/visits/mine").get_data(as_text=True)
    assert "The centre has not registered a visit of yours yet." in james.get("/visits/mine").get_data(as_text=True)


def test_demo_has_weeks_of_visits(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        visits = count(Visit)
        assert visits > 200
        days = db.session.scalar(select(func.count(func.distinct(func.date(Visit.arrived_at)))))
        assert days >= 20
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        assert count(Visit) == visits


def _seed_log(app):
    """Visits on known days, of known kinds, purposes and organisations."""
    from datetime import UTC, datetime, timedelta

    from observer_portal.models import Organisation, VisitPurpose, VisitPurposeRow
    from observer_portal.services.organisations import find_or_create_organisation
    from tests.helpers import make_centre

    with app.app_context():
        centre = make_centre("atyrau", timezone="Asia/Atyrau")
        other = make_centre("karaganda")
        desk = make_user("volunteer", name="Desk")
        osce = find_or_create_organisation(db.session, "OSCE/ODIHR", "observer_mission")
        afp = find_or_create_organisation(db.session, "AFP", "media_outlet")
        db.session.commit()
        people = {
            "obs": VisitorProfile(
                kind="observer", full_name="Marta Kowalska", organisation=osce, accreditation_number="A-1"
            ),
            "med": VisitorProfile(
                kind="media", full_name='=HYPERLINK("http://evil")', organisation=afp, accreditation_number="+1-2"
            ),
        }
        db.session.add_all(people.values())
        db.session.flush()
        start = datetime(2022, 11, 14, 5, 0, tzinfo=UTC)  # 10:00 in Atyrau
        for day in range(7):
            for key, purposes in (("obs", ["briefing"]), ("med", ["internet", "translation"])):
                visitor = people[key]
                db.session.add(
                    Visit(
                        centre_id=centre.id,
                        visitor_id=visitor.id,
                        organisation_id=visitor.organisation_id,
                        visitor_kind=visitor.kind,
                        arrived_at=start + timedelta(days=day),
                        registered_by_id=desk.id,
                        notes="@SUM(A1)" if key == "med" else "",
                        purposes=[VisitPurposeRow(purpose=VisitPurpose(p)) for p in purposes],
                    )
                )
        visitor = people["obs"]
        db.session.add(
            Visit(
                centre_id=other.id,
                visitor_id=visitor.id,
                organisation_id=osce.id,
                visitor_kind="observer",
                arrived_at=start,
                purposes=[VisitPurposeRow(purpose=VisitPurpose.BRIEFING)],
            )
        )
        db.session.commit()
        return {
            "osce": osce.id,
            "afp": afp.id,
            "desk": desk.id,
            "centre": centre.id,
            "ids": [v.id for v in db.session.scalars(select(Visit).where(Visit.centre_id == centre.id))],
            "Organisation": Organisation,
        }


def _listed(html: str) -> int:
    return int(re.search(r'role="status">\s*([\d,\u00a0.]+)', html).group(1).replace(",", "").replace("\xa0", ""))


def test_visit_log_filters_combine(app, login_as):
    client, _ = login_as("coordinator")
    seeded = _seed_log(app)
    assert _listed(client.get("/visits/").get_data(as_text=True)) == 14  # own centre only
    cases = {
        "?kind=media": 7,
        "?purpose=translation": 7,
        "?purpose=briefing&kind=media": 0,
        f"?organisation={seeded['osce']}": 7,
        "?date_from=2022-11-15&date_to=2022-11-16": 4,
        "?date_from=2022-11-15&date_to=2022-11-16&kind=observer": 2,
        f"?volunteer={seeded['desk']}&purpose=internet": 7,
        "?text=kowalska": 7,
        "?text=A-1&date_to=2022-11-14": 1,
    }
    for query, expected in cases.items():
        assert _listed(client.get("/visits/" + query).get_data(as_text=True)) == expected, query


def test_keyset_pages_never_skip_or_repeat_while_visits_arrive(app, login_as):
    client, _ = login_as("coordinator")
    seeded = _seed_log(app)
    app.config["PAGE_SIZE"] = 3
    try:
        seen, url = [], "/visits/"
        while url:
            html = client.get(url).get_data(as_text=True)
            seen += [int(x) for x in re.findall(r'data-visit="(\d+)"', html)]
            with app.app_context():  # a new visit arrives between two pages
                obs = db.session.scalar(select(VisitorProfile).where(VisitorProfile.accreditation_number == "A-1"))
                db.session.add(Visit(centre_id=seeded["centre"], visitor_id=obs.id, visitor_kind="observer"))
                db.session.commit()
            nxt = re.search(r'href="([^"]+)" rel="next"', html)
            url = nxt.group(1).replace("&amp;", "&") if nxt else None
        assert len(seen) == len(set(seen))  # never repeated
        assert set(seeded["ids"]) <= set(seen)  # never skipped
    finally:
        app.config["PAGE_SIZE"] = 25


def test_csv_export_matches_the_filter_neutralises_formulas_and_is_audited(app, login_as):
    import csv
    import io

    client, coordinator = login_as("coordinator")
    _seed_log(app)
    response = client.get("/visits/export.csv?kind=media&date_from=2022-11-15")
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="visits-atyrau-[0-9-]+-to-[0-9a-z-]+-exported-[0-9-]+\.csv"',
        response.headers["Content-Disposition"],
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 6
    assert rows[0] == [
        "Arrived",
        "Left",
        "Kind of visitor",
        "Name",
        "Accreditation or press card number",
        "Mission or media outlet",
        "Why they came",
        "Notes",
        "Registered by",
        "Centre",
        "Kind of visitor (code)",
        "Why they came (codes)",
        "Arrived (ISO 8601, UTC)",
        "Left (ISO 8601, UTC)",
    ]
    for row in rows[1:]:
        assert row[2] == "Media"  # as the page says it: no internal code, no id
        assert row[3] == '\'=HYPERLINK("http://evil")'
        assert row[4] == "'+1-2"
        assert row[7] == "'@SUM(A1)"
        assert row[6] == "Internet access, Translation"
    german = client.get("/visits/export.csv?kind=media&date_from=2022-11-15&lang=de").get_data(as_text=True)
    first = list(csv.reader(io.StringIO(german.lstrip("\ufeff"))))[1]
    assert first[2] == "Medien"
    assert first[6] == "Internetzugang, Übersetzung"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d", first[0])  # a German date and time, as the pages write it
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visits.exported"))
        assert event.actor_id == coordinator.id
        assert event.details["filters"]["kind"] == "media"


def test_retention_runs_every_night_and_erases_only_those_seen_too_long_ago(app):
    """The queue's nightly job: with RETENTION_DAYS=30, a visitor last seen 40 days ago loses
    their personal data, one seen 10 days ago keeps it; with 0 nobody is touched."""
    from datetime import datetime, timedelta

    from observer_portal.models.base import utcnow
    from tests.helpers import make_centre

    with app.app_context():
        centre = make_centre("atyrau")
        desk = make_user("volunteer")
        for name, days_ago in (("Long Gone", 40), ("Still Here", 10)):
            visitor = VisitorProfile(kind="observer", full_name=name, accreditation_number=name[:4])
            db.session.add(visitor)
            db.session.flush()
            arrived = utcnow() - timedelta(days=days_ago)
            db.session.add(
                Visit(
                    centre_id=centre.id,
                    visitor_id=visitor.id,
                    visitor_kind="observer",
                    arrived_at=arrived,
                    registered_by_id=desk.id,
                )
            )
        db.session.commit()
    retention = app.extensions["jobs"].retention
    runs_at = retention.task_class().validate_datetime  # the queue's schedule for this periodic task
    assert runs_at(datetime(2026, 11, 27, 2, 30))
    assert not runs_at(datetime(2026, 11, 27, 14, 30))
    assert retention.call_local() == 0  # RETENTION_DAYS=0: data is kept
    app.config["RETENTION_DAYS"] = 30
    try:
        assert retention.call_local() == 1
    finally:
        app.config["RETENTION_DAYS"] = 0
    with app.app_context():
        assert sorted(db.session.scalars(select(VisitorProfile.full_name))) == ["", "Still Here"]


def test_anonymise_keeps_statistics_identical(app, login_as):
    from observer_portal.services import visit_log

    _, coordinator = login_as("coordinator")
    seeded = _seed_log(app)
    with app.app_context():
        flt = visit_log.VisitFilter(centre_id=seeded["centre"], timezone="Asia/Atyrau")
        before = (
            visit_log.total(db.session, flt),
            visit_log.per_day(db.session, flt),
            visit_log.per_organisation(db.session, flt),
        )
    result = app.test_cli_runner().invoke(args=["visits", "anonymise", "--before", "2022-12-01", "--yes"])
    assert result.exit_code == 0, result.output
    assert "2 visitor(s) anonymised." in result.output
    with app.app_context():
        after = (
            visit_log.total(db.session, flt),
            visit_log.per_day(db.session, flt),
            visit_log.per_organisation(db.session, flt),
        )
        assert after == before
        names = db.session.scalars(select(VisitorProfile.full_name)).all()
        assert set(names) == {""}
        assert db.session.scalars(select(VisitorProfile.accreditation_number)).all() == [None, None]
        assert db.session.scalar(select(func.count(Visit.id)).where(Visit.notes != "")) == 0
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visits.anonymised")) is not None
    again = app.test_cli_runner().invoke(args=["visits", "anonymise", "--before", "2022-12-01", "--yes"])
    assert "0 visitor(s) anonymised." in again.output


def test_anonymise_spares_recent_visitors(app):
    _seed_log(app)
    result = app.test_cli_runner().invoke(args=["visits", "anonymise", "--before", "2022-11-01", "--yes"])
    assert "0 visitor(s) anonymised." in result.output
    with app.app_context():
        assert "Marta Kowalska" in db.session.scalars(select(VisitorProfile.full_name)).all()


def test_anonymise_closes_the_visitors_account(app, login_as):
    from datetime import UTC, datetime

    from observer_portal.models import User

    observer, observer_user = login_as("observer", name="Old Visitor")
    with app.app_context():
        user = db.session.get(User, observer_user.id)
        db.session.add(
            Visit(
                centre_id=user.centre_id,
                visitor_id=user.visitor_profile.id,
                visitor_kind="observer",
                arrived_at=datetime(2022, 11, 20, 6, tzinfo=UTC),
            )
        )
        db.session.commit()
    app.test_cli_runner().invoke(args=["visits", "anonymise", "--before", "2022-12-01", "--yes"])
    assert observer.get("/account").status_code == 302  # signed out at once
    with app.app_context():
        user = db.session.get(User, observer_user.id)
        assert user.active is False
        assert user.email.startswith("anonymised-")
        assert user.display_name == ""


def test_per_day_counts_local_days_in_the_database(app):
    """Arrivals near local midnight land on the centre's local day, also in zones with a
    45-minute offset or a daylight-saving change, and empty days in between count 0."""
    from datetime import UTC, date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from observer_portal.services import visit_log
    from tests.helpers import make_centre

    arrivals = [
        datetime(2022, 11, 14, 18, 59, tzinfo=UTC),  # 23:59 in Atyrau (UTC+5)
        datetime(2022, 11, 14, 19, 0, tzinfo=UTC),  # 00:00 next day in Atyrau
        datetime(2022, 11, 14, 18, 14, tzinfo=UTC),  # 23:59 in Kathmandu (UTC+5:45)
        datetime(2022, 11, 14, 18, 15, tzinfo=UTC),  # 00:00 next day in Kathmandu
        datetime(2022, 10, 29, 22, 30, tzinfo=UTC),  # Berlin: 00:30 on 30 Oct (still UTC+2)
        datetime(2022, 10, 30, 22, 30, tzinfo=UTC),  # Berlin: 23:30 on 30 Oct (now UTC+1)
        datetime(2022, 11, 20, 12, 0, tzinfo=UTC),  # a lone day after a gap
    ]
    with app.app_context():
        centre = make_centre("atyrau")
        visitor = VisitorProfile(kind="observer", full_name="Night Owl")
        db.session.add(visitor)
        db.session.flush()
        for arrived in arrivals:
            db.session.add(
                Visit(centre_id=centre.id, visitor_id=visitor.id, visitor_kind="observer", arrived_at=arrived)
            )
        db.session.commit()
        for zone in ("Asia/Atyrau", "Asia/Kathmandu", "Europe/Berlin", "America/St_Johns"):
            expected: dict[date, int] = {}
            for arrived in arrivals:
                day = arrived.astimezone(ZoneInfo(zone)).date()
                expected[day] = expected.get(day, 0) + 1
            first, last = min(expected), max(expected)
            span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            days = visit_log.per_day(db.session, visit_log.VisitFilter(centre_id=centre.id, timezone=zone))
            assert days == [(day, expected.get(day, 0)) for day in span], zone
            assert sum(n for _, n in days) == len(arrivals)
        berlin = dict(
            visit_log.per_day(db.session, visit_log.VisitFilter(centre_id=centre.id, timezone="Europe/Berlin"))
        )
        assert berlin[date(2022, 10, 30)] == 2
        assert berlin[date(2022, 11, 1)] == 0
