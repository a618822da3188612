"""Briefings: reading in five languages, safe Markdown, editing with history, review states."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import (
    Briefing,
    BriefingTranslation,
    BriefingVersion,
    Proficiency,
    ReviewState,
    TranslationOrigin,
    TranslationWish,
)
from observer_portal.services.briefings import (
    FigureInput,
    restore_version,
    save_translation,
    update_briefing,
)
from observer_portal.services.markdown_text import render_markdown
from tests.briefing_helpers import edited, make_briefing, reviewed_german
from tests.helpers import QueryCounter, dangerous_markup, make_centre, make_user, post_form

DETAIL = "/briefings/atyrau/atyrau-overview"


def figure_values(html: str) -> list[str]:
    return re.findall(r'class="figure-value">([^<]+)<', html)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ["768,778", "642"]),
        ("de", ["768.778", "642"]),
        ("fr", ["768\u202f778", "642"]),
        ("ru", ["768\xa0778", "642"]),
        ("kk", ["768\xa0778", "642"]),
    ],
)
def test_key_figures_are_formatted_per_locale(app, client, locale, expected):
    with app.app_context():
        make_briefing(make_centre("atyrau"))
    html = client.get(f"{DETAIL}?lang={locale}").get_data(as_text=True)
    assert figure_values(html) == expected


HOSTILE_BODY = """## Hello

<script>alert("body")</script>

[click me](javascript:alert(1)) and <img src=x onerror="alert(2)">

<a href="javascript:alert(3)">raw link</a> [safe](https://example.org)
"""


@pytest.mark.parametrize("html", [render_markdown(HOSTILE_BODY)])
def test_markdown_is_sanitised(html):
    assert dangerous_markup(html) == []
    assert "<img" not in html
    assert 'href="https://example.org"' in html


def test_hostile_body_never_reaches_the_page(app, client):
    with app.app_context():
        make_briefing(make_centre("atyrau"), body=HOSTILE_BODY, title='"><script>alert(4)</script>')
    html = client.get(DETAIL).get_data(as_text=True)
    assert dangerous_markup(html) == []
    assert "&lt;script&gt;alert(4)" in html  # the title is escaped, not executed


def _queries_for_detail(app, client, locale="de") -> int:
    with app.app_context(), QueryCounter(db.engine) as counter:
        assert client.get(f"{DETAIL}?lang={locale}", headers={"Accept-Language": locale}).status_code == 200
    return counter.count


def test_detail_page_issues_a_constant_number_of_queries(app, client):
    with app.app_context():
        briefing = make_briefing(make_centre("atyrau"), figures=[("One", 1, "")])
        briefing_id = briefing.id
    small = _queries_for_detail(app, client)
    with app.app_context():
        briefing = db.session.get(Briefing, briefing_id)
        for i in range(2, 12):
            briefing.figures.append(type(briefing.figures[0])(position=i, label=f"Figure {i}", value=i, unit=""))
        for locale in ("de", "fr", "ru", "kk"):
            briefing.translations.append(
                BriefingTranslation(
                    locale=locale,
                    title=f"T {locale}",
                    body="x",
                    origin=TranslationOrigin.HUMAN,
                    state=ReviewState.REVIEWED,
                    source_version=1,
                )
            )
        db.session.commit()
    large = _queries_for_detail(app, client)
    assert small == large
    assert large <= 5  # the page version (ETag), the election, the briefing with its texts and figures


def test_missing_translation_shows_original_with_notice_and_wish_button(app, login_as):
    client, _ = login_as("observer")
    with app.app_context():
        briefing_id = make_briefing(make_centre("atyrau")).id
    html = client.get(f"{DETAIL}?lang=kk").get_data(as_text=True)
    assert 'lang="en"' in html  # the original text is marked as English for screen readers
    assert "Atyrau region: overview" in html
    response = post_form(client, f"/briefings/{briefing_id}/wish/kk", {}, page=f"{DETAIL}?lang=kk")
    assert response.status_code == 302
    post_form(client, f"/briefings/{briefing_id}/wish/kk", {}, page=f"{DETAIL}?lang=kk")  # asking twice counts once
    with app.app_context():
        assert db.session.scalar(select(func.count(TranslationWish.id))) == 1


def test_unpublished_briefing_is_hidden_from_the_public(app, client, login_as):
    with app.app_context():
        make_briefing(make_centre("atyrau"), published=False)
    assert client.get(DETAIL).status_code == 404
    assert "atyrau-overview" not in client.get("/briefings/").get_data(as_text=True)
    staff, _ = login_as("volunteer")
    assert staff.get(DETAIL).status_code == 200


def test_coordinator_writes_publishes_and_edits_with_history(app, login_as):
    client, _ = login_as("coordinator")
    form = {
        "title": "Contacts and hotlines",
        "slug": "atyrau-contacts",
        "topic": "contacts",
        "original_locale": "en",
        "body": "Call **109**.",
        "figures-0-label": "Call centres",
        "figures-0-value": "8",
        "figures-0-unit": "",
    }
    response = post_form(client, "/briefings/new", form)
    assert response.status_code == 302
    with app.app_context():
        briefing = db.session.scalar(select(Briefing))
        briefing_id = briefing.id
        assert [(f.label, int(f.value)) for f in briefing.figures] == [("Call centres", 8)]
        assert briefing.published is False
        form["figures-0-key"] = key = briefing.figures[0].key  # the edit form carries which figure a row is
    post_form(client, f"/briefings/{briefing_id}/publish", {}, page="/briefings/manage")
    # a reviewed German translation, then the original changes: German becomes outdated
    post_form(
        client,
        f"/briefings/{briefing_id}/translate/de",
        {
            "title": "Kontakte",
            "body": "Rufen Sie **109** an.",
            "figures-0-figure_id": key,
            "figures-0-label": "Callcenter",
            "save_reviewed": "1",
        },
    )
    german = client.get("/briefings/atyrau/atyrau-contacts?lang=de").get_data(as_text=True)
    assert "Rufen Sie <strong>109</strong> an." in german
    assert "Callcenter" in german
    response = post_form(client, f"/briefings/{briefing_id}/edit", {**form, "body": "Call **109**, day and night."})
    assert response.status_code == 302
    with app.app_context():
        briefing = db.session.get(Briefing, briefing_id)
        assert briefing.version == 2
        assert briefing.translation("de").is_outdated
        versions = db.session.scalars(select(BriefingVersion).where(BriefingVersion.locale == "en")).all()
        assert [v.body for v in versions] == ["Call **109**.", "Call **109**, day and night."]
        first_version_id = versions[0].id
    german = client.get("/briefings/atyrau/atyrau-contacts?lang=de").get_data(as_text=True)
    assert "Das Original wurde geändert" in german
    workspace = client.get(f"/briefings/{briefing_id}/translate/de").get_data(as_text=True)
    assert "+Call **109**, day and night." in workspace  # the reviewer sees what changed
    # restore the first wording: it becomes version 3
    post_form(
        client,
        f"/briefings/{briefing_id}/history/{first_version_id}/restore",
        {},
        page=f"/briefings/{briefing_id}/history",
    )
    with app.app_context():
        briefing = db.session.get(Briefing, briefing_id)
        assert briefing.version == 3
        assert briefing.original.body == "Call **109**."
        # the German text was made from exactly this wording: it is current again (issue 13, defect 11)
        assert not briefing.translation("de").is_outdated
    german = client.get("/briefings/atyrau/atyrau-contacts?lang=de").get_data(as_text=True)
    assert "Das Original wurde geändert" not in german


def test_a_translation_is_outdated_relative_to_the_text_it_was_made_from(app_ctx):
    coordinator = make_user("coordinator")
    briefing = make_briefing(make_centre("atyrau"), body="First wording.", figures=[("Voters", 1959, "")])

    def edit(body: str, voters: int = 1959) -> None:
        data = edited(briefing, body=body, figures=[FigureInput("Voters", Decimal(voters), "")])
        update_briefing(db.session, coordinator, briefing, data)
        db.session.commit()

    save_translation(
        db.session, coordinator, briefing, "de", title="Erste", body="Erste Fassung.", figure_labels={}, reviewed=True
    )
    edit("Second wording.")
    save_translation(
        db.session,
        coordinator,
        briefing,
        "fr",
        title="Deuxième",
        body="Deuxième version.",
        figure_labels={},
        reviewed=True,
    )
    db.session.commit()
    assert briefing.translation("de").is_outdated
    assert not briefing.translation("fr").is_outdated
    edit("First wording.")  # undone by hand, not through a restore
    assert not briefing.translation("de").is_outdated  # made from this very text
    assert briefing.translation("fr").is_outdated  # made from the second wording
    edit("First wording.", voters=1960)  # a figure changed: the text a translation shows is not the same
    assert briefing.translation("de").is_outdated


def test_invalid_briefing_input_writes_nothing(app, login_as):
    client, _ = login_as("coordinator")
    response = post_form(
        client,
        "/briefings/new",
        {
            "title": "",
            "slug": "Not A Slug!",
            "topic": "nonsense",
            "original_locale": "xx",
            "body": "x" * 20001,
            "figures-0-label": "Voters",
            "figures-0-value": "many",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Briefing.id))) == 0


def test_volunteer_translates_only_into_languages_they_speak(app, login_as):
    client, _ = login_as("volunteer", languages={"de": Proficiency.FLUENT, "ru": Proficiency.NATIVE})
    with app.app_context():
        briefing_id = make_briefing(make_centre("atyrau")).id
        other = make_briefing(make_centre("karaganda"), slug="elsewhere").id
    assert client.get(f"/briefings/{briefing_id}/translate/de").status_code == 200
    assert client.get(f"/briefings/{briefing_id}/translate/fr").status_code == 404
    assert client.get(f"/briefings/{briefing_id}/translate/en").status_code == 404  # the original itself
    assert client.get(f"/briefings/{other}/translate/de").status_code == 404  # another centre
    assert client.get(f"/briefings/{briefing_id}/edit").status_code == 403
    response = post_form(
        client,
        f"/briefings/{briefing_id}/translate/ru",
        {"title": "Обзор", "body": "Текст.", "save_reviewed": "1"},
    )
    assert response.status_code == 302
    with app.app_context():
        translation = db.session.scalar(select(BriefingTranslation).where(BriefingTranslation.locale == "ru"))
        assert translation.state == ReviewState.REVIEWED
        assert translation.origin == TranslationOrigin.HUMAN


def test_machine_draft_without_a_provider_says_so(app, login_as):
    client, _ = login_as("coordinator")
    with app.app_context():
        briefing_id = make_briefing(make_centre("atyrau")).id
    response = post_form(
        client, f"/briefings/{briefing_id}/translate/de/machine", {}, page=f"/briefings/{briefing_id}/translate/de"
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Machine translation is not configured." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(BriefingTranslation.id))) == 1


def test_index_filters_by_region_and_topic(app, client):
    with app.app_context():
        make_briefing(make_centre("atyrau"), title="Atyrau overview")
        make_briefing(make_centre("karaganda"), slug="k-access", title="Karaganda accessibility", topic="accessibility")
    html = client.get("/briefings/?centre=karaganda").get_data(as_text=True)
    assert "Karaganda accessibility" in html
    assert "Atyrau overview" not in html
    html = client.get("/briefings/?topic=overview").get_data(as_text=True)
    assert "Atyrau overview" in html
    assert "Karaganda accessibility" not in html
    refused = client.get("/briefings/?topic=<script>")  # a bad filter is said, never dropped silently
    assert refused.status_code == 400
    assert "field-error" in refused.get_data(as_text=True)


def test_restoring_an_old_translation_keeps_it_outdated_against_a_newer_original(app_ctx):
    coordinator = make_user("coordinator")
    briefing = make_briefing(make_centre("atyrau"), body="First wording.", figures=[("Voters", 1959, "")])
    save_translation(
        db.session,
        coordinator,
        briefing,
        "fr",
        title="Première",
        body="Première version.",
        figure_labels={},
        reviewed=True,
    )
    db.session.commit()
    old_french = db.session.scalars(
        select(BriefingVersion).where(BriefingVersion.locale == "fr").order_by(BriefingVersion.id)
    ).first()
    data = edited(
        briefing, body="First wording.\n\nA new paragraph.", figures=[FigureInput("Voters", Decimal(1959), "")]
    )
    update_briefing(db.session, coordinator, briefing, data)
    save_translation(
        db.session,
        coordinator,
        briefing,
        "fr",
        title="Deuxième",
        body="Avec le paragraphe.",
        figure_labels={},
        reviewed=True,
    )
    db.session.commit()
    assert not briefing.translation("fr").is_outdated
    restore_version(db.session, coordinator, briefing, old_french.id)  # made from the first wording
    db.session.commit()
    assert briefing.translation("fr").body == "Première version."
    assert briefing.translation("fr").is_outdated  # the original has a paragraph it lacks


def test_translated_figure_labels_follow_their_figure(app_ctx):
    """Issue 13: a figure is named by a key that outlives its row. Clearing the first row moves
    no German label onto another number, and restoring a removed figure brings its label back."""
    coordinator = make_user("coordinator")
    briefing = make_briefing(make_centre("atyrau"), figures=[("Voters", 768778, "people"), ("Call centres", 8, "")])
    voters, calls = (figure.key for figure in briefing.figures)
    reviewed_german(
        coordinator,
        briefing,
        {voters: {"label": "Wähler", "unit": "Personen"}, calls: {"label": "Callcenter", "unit": ""}},
    )
    db.session.commit()
    first_version = db.session.scalars(
        select(BriefingVersion).where(BriefingVersion.locale == "en").order_by(BriefingVersion.id)
    ).first()

    def german_figures() -> list[tuple[str, int]]:
        german = briefing.translation("de")
        return [(german.figure_label(figure)[0], int(figure.value)) for figure in briefing.figures]

    # the coordinator clears the first row: "Call centres" is now the only figure, in row one
    data = edited(briefing, figures=[FigureInput("Call centres", Decimal(8), "", calls)])
    assert update_briefing(db.session, coordinator, briefing, data)
    db.session.commit()
    assert german_figures() == [("Callcenter", 8)]
    # a German translator saves again while "Voters" is gone, then the first version is restored
    reviewed_german(coordinator, briefing, {calls: {"label": "Callcenter", "unit": ""}})
    restore_version(db.session, coordinator, briefing, first_version.id)
    db.session.commit()
    assert [figure.key for figure in briefing.figures] == [voters, calls]
    assert german_figures() == [("Wähler", 768778), ("Callcenter", 8)]
    # a forged or repeated key in the form makes a new figure, never a clash
    data.figures = [
        FigureInput("A", Decimal(1), "", calls),
        FigureInput("B", Decimal(2), "", calls),
        FigureInput("C", Decimal(3), "", "<script>"),
    ]
    update_briefing(db.session, coordinator, briefing, data)
    db.session.commit()
    keys = [figure.key for figure in briefing.figures]
    assert keys[0] == calls
    assert len(set(keys)) == 3
    assert "<script>" not in keys


def test_a_translated_label_is_not_shown_once_its_original_wording_changed(app_ctx):
    """A row rewritten as another figure, or keys swapped by a forged form, never puts a
    translated label next to a number it was not written for: the original wording shows."""
    coordinator = make_user("coordinator")
    briefing = make_briefing(
        make_centre("atyrau"), figures=[("Polling stations", 261, ""), ("Voters", 768778, "people")]
    )
    stations, voters = (figure.key for figure in briefing.figures)
    reviewed_german(
        coordinator,
        briefing,
        {stations: {"label": "Wahllokale", "unit": ""}, voters: {"label": "Wähler", "unit": "Personen"}},
    )
    db.session.commit()

    def german() -> list[tuple[str, str, int]]:
        text = briefing.translation("de")
        return [(*text.figure_label(figure), int(figure.value)) for figure in briefing.figures]

    def save(*figures: FigureInput) -> None:
        update_briefing(
            db.session,
            coordinator,
            briefing,
            edited(briefing, figures=list(figures)),
        )
        db.session.commit()

    assert german() == [("Wahllokale", "", 261), ("Wähler", "Personen", 768778)]
    save(
        FigureInput("Hotels for observers", Decimal(42), "", stations),
        FigureInput("Voters", Decimal(768778), "people", voters),
    )
    assert german() == [("Hotels for observers", "", 42), ("Wähler", "Personen", 768778)]
    save(FigureInput("Voters", Decimal(768778), "people", stations), FigureInput("Hotels", Decimal(42), "", voters))
    # swapped keys: "Voters" is still recognised by its label and keeps its German; "Hotels" is new
    assert german() == [("Wähler", "Personen", 768778), ("Hotels", "", 42)]
    save(FigureInput("Voters", Decimal(768778), "voters", voters))  # the unit alone changed
    assert german() == [("Wähler", "voters", 768778)]


def test_a_figure_retyped_into_another_row_keeps_its_translated_label(app_ctx):
    """The edit form has no way to move a row but retyping it: a figure typed into an empty row
    (its old row cleared) is recognised by its label and keeps its key and its German label."""
    coordinator = make_user("coordinator")
    briefing = make_briefing(make_centre("atyrau"), figures=[("Polling stations", 261, ""), ("Call centres", 8, "")])
    stations, calls = (figure.key for figure in briefing.figures)
    reviewed_german(
        coordinator,
        briefing,
        {stations: {"label": "Wahllokale", "unit": ""}, calls: {"label": "Callcenter", "unit": ""}},
    )
    # as the browser sends it: row 1 unchanged, row 2 cleared (dropped), row 3 (no key) retyped
    update_briefing(
        db.session,
        coordinator,
        briefing,
        edited(
            briefing,
            figures=[
                FigureInput("Polling stations", Decimal(261), "", stations),
                FigureInput("Hotels", Decimal(42), "", ""),
                FigureInput("Call centres", Decimal(8), "", ""),
            ],
        ),
    )
    db.session.commit()
    german = briefing.translation("de")
    assert [figure.key for figure in briefing.figures][::2] == [stations, calls]
    assert [german.figure_label(figure)[0] for figure in briefing.figures] == ["Wahllokale", "Hotels", "Callcenter"]
