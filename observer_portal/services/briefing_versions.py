"""Versions of a briefing: a snapshot at every save, the history, what changed since a
translation was made, and when a translation is outdated (relative to the text it was made
from, not to a version number)."""

from __future__ import annotations

import difflib
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer_portal.models import Briefing, BriefingTranslation, BriefingVersion, User


def snapshot(session: Session, actor: User | None, briefing: Briefing, translation: BriefingTranslation) -> None:
    figures = (
        [{"id": f.key, "label": f.label, "value": str(f.value), "unit": f.unit} for f in briefing.figures]
        if translation.is_original
        else [{"id": key, **value} for key, value in sorted((translation.figure_labels or {}).items())]
    )
    session.add(
        BriefingVersion(
            briefing_id=briefing.id,
            locale=translation.locale,
            source_version=translation.source_version,
            title=translation.title,
            body=translation.body,
            figures=figures,
            origin=translation.origin,
            state=translation.state,
            saved_by_id=actor.id if actor else None,
        )
    )


def _content(title: str, body: str, figures: list[tuple[str, Decimal, str]]) -> tuple:
    return title, body, tuple((label, Decimal(value), unit) for label, value, unit in figures)


def rebase_translations(session: Session, briefing: Briefing, original: BriefingTranslation) -> None:
    """A translation is outdated relative to the text it was made from, not to a version number:
    when the original is back to a wording a translation was made from (a restore, or an edit
    undone by hand), that translation is current again."""
    current = _content(original.title, original.body, [(f.label, f.value, f.unit) for f in briefing.figures])
    earlier = session.scalars(
        select(BriefingVersion).where(
            BriefingVersion.briefing_id == briefing.id,
            BriefingVersion.locale == briefing.original_locale,
            BriefingVersion.source_version < briefing.version,
        )
    )
    same_text = {
        version.source_version
        for version in earlier
        if _content(version.title, version.body, [(f["label"], f["value"], f.get("unit", "")) for f in version.figures])
        == current
    }
    for translation in briefing.translations:
        if not translation.is_original and translation.source_version in same_text:
            translation.source_version = briefing.version


def history(session: Session, briefing: Briefing, locale: str | None = None) -> list[BriefingVersion]:
    stmt = select(BriefingVersion).where(BriefingVersion.briefing_id == briefing.id).order_by(BriefingVersion.id.desc())
    if locale:
        stmt = stmt.where(BriefingVersion.locale == locale)
    return list(session.scalars(stmt.limit(200)))


def original_diff(session: Session, briefing: Briefing, translation: BriefingTranslation) -> list[str]:
    """What changed in the original since this translation was made (unified diff lines)."""
    base = session.scalar(
        select(BriefingVersion)
        .where(
            BriefingVersion.briefing_id == briefing.id,
            BriefingVersion.locale == briefing.original_locale,
            BriefingVersion.source_version == translation.source_version,
        )
        .order_by(BriefingVersion.id.desc())
        .limit(1)
    )
    if base is None:
        return []
    original = briefing.original
    before = [base.title, ""] + base.body.splitlines()
    after = [original.title, ""] + original.body.splitlines()
    return list(difflib.unified_diff(before, after, lineterm="", n=1))[2:]
