"""The front desk with a queue at the door (issue 17): search first and whatever the case,
accents or script; a badge scanned into the search and one submit; the new-visitor fields
only when nobody matched, filled with what was searched; a namesake or a card number
already on file shown before a second profile is made, never resolved silently."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import Visit, VisitorProfile
from observer_portal.search_text import search_forms, search_key
from observer_portal.services import badges
from observer_portal.services.visits import search_visitors
from tests.helpers import make_centre, make_user, post_form
from tests.test_visits import visit_form


def visitor(name: str, **fields) -> VisitorProfile:
    profile = VisitorProfile(kind=fields.pop("kind", "observer"), full_name=name, **fields)
    db.session.add(profile)
    db.session.commit()
    return profile


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("Hannah Müller", ["MÜLLER", "müller", "Muller", "Mueller", "hannah mueller"]),
        ("Andrei Petrov", ["Петров", "ПЕТРОВ", "Андрей Петров", "petrov"]),
        ("Андрей Петров", ["Petrov", "Andrei", "Andrey", "ПЕТРОВ"]),
        ("Айгүл Серікқызы", ["Серікқызы", "serikkyzy", "Aigul", "айгүл"]),
        ("José Núñez", ["jose nunez", "NÚÑEZ"]),
        ("Łukasz Żółć", ["Lukasz", "zolc"]),
    ],
)
def test_the_desk_finds_people_whatever_the_case_accents_and_script(app, login_as, name, queries):
    _, desk = login_as("volunteer")
    with app.app_context():
        wanted = visitor(name).id
        visitor("Someone Else")
        for query in queries:
            found = [v.id for v in search_visitors(db.session, db.session.merge(desk), query)]
            assert found == [wanted], (name, query)


def test_search_forms_are_kept_with_the_name_and_erased_with_it():
    assert search_forms("Hannah  MÜLLER") == ["hannah muller", "hannah mueller"]
    assert search_key("") == ""
    assert search_forms("Ёлкин") == ["ёлкин", "elkin"]


def test_a_renamed_visitor_is_found_by_the_new_name(app, login_as):
    _, desk = login_as("volunteer")
    with app.app_context():
        person = visitor("Oliver Hughes")
        person.full_name = "Olivier Hugues"
        db.session.commit()
        assert [v.id for v in search_visitors(db.session, db.session.merge(desk), "hugues")] == [person.id]
        assert search_visitors(db.session, db.session.merge(desk), "hughes") == []


def test_a_returning_visitor_is_one_search_and_one_submit_and_nobody_found_opens_the_new_visitor_form(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        hannah = visitor("Hannah Müller", accreditation_number="ODIHR-LTO-0142").id
    html = client.get("/visits/desk?q=odihr-lto-0142").get_data(as_text=True)
    assert f'<input type="hidden" name="visitor_id" value="{hannah}">' in html
    assert 'name="full_name"' not in html  # no new-visitor block for someone found
    html = client.get("/visits/desk?q=Camille Martin").get_data(as_text=True)
    assert 'name="full_name"' in html
    assert re.search(r'name="full_name"[^>]*value="Camille Martin"', html)  # never typed twice
    required = re.findall(r'<(?:label|legend)[^>]*>([^<]*)<span class="required-mark"', html)
    assert len(required) <= 5, required  # a new visitor: one page, at most five required fields
    html = client.get("/visits/desk?q=PRESS-AFP-0877").get_data(as_text=True)
    assert re.search(r'name="accreditation_number"[^>]*value="PRESS-AFP-0877"', html)


def test_a_namesake_is_shown_before_a_second_profile_is_made(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        hannah = visitor("Hannah Müller").id
    new = visit_form(app, full_name="Hannah Mueller", kind="observer", organisation="OSCE/ODIHR")
    refused = post_form(client, "/visits/desk?q=Hannah+Mueller&new=1", new)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Someone with this name is already registered" in html
    assert re.search(rf'<input[^>]*name="visitor_id"[^>]*value="{hannah}"', html)  # one click to choose her
    assert 'name="different_person"' in html
    with app.app_context():
        assert count(VisitorProfile) == 1
        assert count(Visit) == 0
    confirmed = post_form(client, "/visits/desk", {**new, "different_person": "y"})
    assert confirmed.status_code == 302
    with app.app_context():
        assert count(VisitorProfile) == 2


def test_a_badge_finds_its_holder_alone_and_registers_a_visit_in_one_submit(app, login_as):
    """Scanned into the search (digits and Enter): exactly its holder, even of another centre,
    without the card number a person of another centre otherwise needs; a changed digit finds nobody."""
    client, _ = login_as("volunteer")
    with app.app_context():
        make_centre("karaganda")
        other = make_user("coordinator", centre="karaganda")
        elsewhere = visitor("Marta Kowalska", centre_id=other.centre_id)
        db.session.add(Visit(centre_id=other.centre_id, visitor_id=elsewhere.id, visitor_kind="observer"))
        db.session.commit()
        marta = elsewhere.id
    with app.test_request_context():
        code = badges.badge_code(marta)
        forged = code[:-1] + str((int(code[-1]) + 1) % 10)
        assert badges.visitor_of(code) == marta
        assert badges.visitor_of(forged) is None
        assert badges.visitor_of(f"77{marta + 1:08d}{code[-10:]}") is None
    html = client.get(f"/visits/desk?q={code}").get_data(as_text=True)
    assert f'<input type="hidden" name="visitor_id" value="{marta}">' in html
    assert "type their card number" not in html
    assert client.get(f"/visits/desk?q={forged}").get_data(as_text=True).count('name="visitor_id"') == 1  # "" only
    response = post_form(
        client, f"/visits/desk?q={code}", visit_form(app, visitor_id=str(marta)), page=f"/visits/desk?q={code}"
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Visit.id)).where(Visit.visitor_id == marta)) == 2


def test_the_badge_is_on_the_observers_account_and_printable_at_the_desk(app, login_as):
    observer, user = login_as("observer")
    html = observer.get("/account").get_data(as_text=True)
    assert '<svg role="img"' in html
    code = re.search(r'<span class="badge-code">(\d{20})</span>', html).group(1)
    desk, _ = login_as("volunteer")
    with app.app_context():
        profile_id = db.session.scalar(select(VisitorProfile.id).where(VisitorProfile.user_id == user.id))
    page = desk.get(f"/visits/visitors/{profile_id}/badge").get_data(as_text=True)
    assert code in page
    assert '<svg role="img"' in page
    volunteer_account = desk.get("/account").get_data(as_text=True)
    assert "badge-code" not in volunteer_account  # staff have no visitor badge


def test_an_erased_person_keeps_no_searchable_name(app, login_as):
    from observer_portal.services.erasure import erase_people

    _, desk = login_as("volunteer")
    with app.app_context():
        person = visitor("Hannah Müller")
        erase_people(db.session, [person.id])
        db.session.commit()
        assert db.session.scalar(select(VisitorProfile.search_name).where(VisitorProfile.id == person.id)) == ""
        assert search_visitors(db.session, db.session.merge(desk), "mueller") == []


@pytest.mark.parametrize("typed", ["Müller Hannah", "MULLER, Hannah", "hannah   müller", "Mueller Hannah"])
def test_a_name_in_another_order_or_with_a_comma_is_the_same_person(app, login_as, typed):
    """Surname first is the order of Russian and Kazakh papers and of many cards."""
    client, desk = login_as("volunteer")
    with app.app_context():
        hannah = visitor("Hannah Müller").id
        visitor("Anna Müller")  # a part of a word is not a namesake
        assert [v.id for v in search_visitors(db.session, db.session.merge(desk), typed)] == [hannah]
    refused = post_form(client, "/visits/desk?new=1", visit_form(app, full_name=typed, organisation="OSCE/ODIHR"))
    assert refused.status_code == 422
    assert re.search(rf'<input[^>]*name="visitor_id"[^>]*value="{hannah}"', refused.get_data(as_text=True))


def test_a_card_number_with_typographic_dashes_is_the_card_on_file(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        visitor("Hannah Müller", accreditation_number="ODIHR-LTO-0142")
    typed = "ODIHR\u2013LTO\u2013\u00a00142"
    refused = post_form(
        client, "/visits/desk?new=1", visit_form(app, full_name="H. M.", organisation="x", accreditation_number=typed)
    )
    assert refused.status_code == 422
    assert "already registered for Hannah Müller" in refused.get_data(as_text=True)


def test_several_matches_are_a_choice_with_nothing_chosen_for_the_desk(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        ids = [visitor("Marta Kowalska").id, visitor("Piotr Kowalski").id]
    html = client.get("/visits/desk?q=kowal").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="visitor_id"[^>]*>', html)
    assert sorted(int(re.search(r'value="(\d+)"', r).group(1)) for r in radios) == sorted(ids)
    assert not any("checked" in radio for radio in radios)  # no "new visitor" chosen by default
    assert 'href="/visits/desk?q=kowal&amp;new=1"' in html


def test_a_badge_scanned_again_during_the_same_stay_adds_to_that_visit(app, login_as):
    """The queue moves on and Hannah comes back to the desk for internet: one stay, one visit,
    and the desk is told since when she is here."""
    client, _ = login_as("volunteer")
    with app.app_context():
        hannah = visitor("Hannah Müller").id
    with app.test_request_context():
        code = badges.badge_code(hannah)
    first = visit_form(app, visitor_id=str(hannah), purposes=["briefing"], notes="Asked for maps")
    again = visit_form(app, visitor_id=str(hannah), purposes=["internet", "briefing"], notes="Wi-Fi")
    for data in (first, again):
        sent = post_form(client, f"/visits/desk?q={code}", data, page=f"/visits/desk?q={code}")
        assert sent.status_code == 302
    page = client.get("/visits/desk").get_data(as_text=True)
    assert "Hannah Müller is here already since" in page
    with app.app_context():
        visits = db.session.scalars(select(Visit).where(Visit.visitor_id == hannah)).all()
        assert len(visits) == 1
        assert visits[0].purpose_codes == ["briefing", "internet"]
        assert visits[0].notes == "Asked for maps\nWi-Fi"


def test_pickers_tell_two_people_of_the_same_name_apart(app, login_as):
    """The borrower and walk-in pickers listed two identical "Hannah Müller"."""
    from datetime import timedelta

    from observer_portal.forms import visitor_choices
    from observer_portal.models import Organisation, OrganisationKind
    from observer_portal.models.base import utcnow

    login_as("coordinator")
    with app.app_context():
        osce = Organisation(name="OSCE/ODIHR", kind=OrganisationKind.OBSERVER_MISSION)
        dw = Organisation(name="Deutsche Welle", kind=OrganisationKind.MEDIA_OUTLET)
        people = [
            visitor("Hannah Müller", organisation=osce, accreditation_number="ODIHR-LTO-0142"),
            visitor("Hannah Müller", organisation=dw),
            visitor("Hannah Müller", organisation=dw, created_at=utcnow() - timedelta(days=400)),
        ]
        with app.test_request_context("/?lang=en"):
            labels = [label for _, label in visitor_choices(people)]
    assert labels[0] == "Hannah Müller · OSCE/ODIHR · ODIHR-LTO-0142"
    assert len(set(labels)) == 3  # the two at Deutsche Welle by the day each was registered
    assert all(label.startswith("Hannah Müller · Deutsche Welle · ") for label in labels[1:])


def test_every_problem_of_a_new_visitor_shows_in_one_round(app, login_as):
    """A missing name, mission and purpose, and a card number too long: one correction, not four submits."""
    client, _ = login_as("volunteer")
    typed = visit_form(app, full_name=" ", organisation="", purposes=[], accreditation_number="x" * 65)
    response = post_form(client, "/visits/desk?new=1", typed, page="/visits/desk?new=1")
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', response.get_data(as_text=True), re.S).group(0)
    assert re.findall(r'<a href="#(\w+)">', summary) == [
        "full_name",
        "organisation",
        "accreditation_number",
        "purposes",
    ]
    assert "Find the visitor, or give the name of a new one." in summary
    assert "Give the mission or media outlet." in summary
    with app.app_context():
        assert count(Visit) == 0
        assert count(VisitorProfile) == 0
