"""Builders for briefing tests."""

from __future__ import annotations

from decimal import Decimal

from observer_portal.extensions import db
from observer_portal.models import BriefingTopic, Centre
from observer_portal.services.briefings import BriefingInput, FigureInput, create_briefing


def make_briefing(
    centre: Centre,
    *,
    slug: str = "atyrau-overview",
    title: str = "Atyrau region: overview",
    body: str = "## Polling stations\n\nThe region votes at **261 polling stations**.\n",
    figures: list[tuple[str, int | str, str]] | None = None,
    published: bool = True,
    topic: BriefingTopic = BriefingTopic.OVERVIEW,
):
    figures = [("Voters", 768778, "people"), ("Polling stations", 642, "")] if figures is None else figures
    data = BriefingInput(
        slug=slug,
        topic=topic,
        title=title,
        body=body,
        original_locale="en",
        figures=[FigureInput(label, Decimal(str(value)), unit) for label, value, unit in figures],
    )
    briefing = create_briefing(db.session, None, centre.id, data)
    briefing.published = published
    db.session.commit()
    return briefing


def edited(briefing, *, body: str | None = None, figures: list[FigureInput]) -> BriefingInput:
    """The form as a coordinator sends it back having changed only the body and the figures."""
    return BriefingInput(
        slug=briefing.slug,
        topic=briefing.topic,
        title=briefing.original.title,
        body=briefing.original.body if body is None else body,
        original_locale=briefing.original_locale,
        figures=figures,
    )


def reviewed_german(coordinator, briefing, figure_labels: dict) -> None:
    """A reviewed German translation ("Überblick") with these figure labels, committed."""
    from observer_portal.services.briefings import save_translation

    save_translation(
        db.session,
        coordinator,
        briefing,
        "de",
        title="Überblick",
        body="Text.",
        reviewed=True,
        figure_labels=figure_labels,
    )
