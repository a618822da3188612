"""A briefing's key figures and their translated labels: which figure each row of the edit
form is (its key outlives its row: moved, cleared, restored), and which translated labels a
translation keeps (each remembers the original wording it translated)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from observer_portal.models import Briefing, BriefingFigure, BriefingTranslation

FIGURE_KEY = re.compile(r"[0-9a-z]{1,16}")


@dataclass
class FigureInput:
    label: str
    value: Decimal
    unit: str = ""
    key: str = ""  # the figure's key when it exists (or existed: a restore); empty for a new figure


def apply_figures(briefing: Briefing, figures: list[FigureInput]) -> bool:
    """Make the briefing's figures these, in this order, each matched to the figure it is —
    so it keeps its key, and its translated labels. A row names its figure by the key the
    form carried; but a figure retyped into another row (the form has no other way to move
    one) is recognised by its unchanged label. A restore brings a removed figure's key back."""
    existing = {figure.key: figure for figure in briefing.figures}
    by_label = {figure.label: figure.key for figure in briefing.figures}
    before = [(f.key, f.label, f.value, f.unit) for f in briefing.figures]
    keys = _row_keys(figures, existing, by_label)
    kept: list[BriefingFigure] = []
    for position, (data, key) in enumerate(zip(figures, keys, strict=True)):
        figure = existing.get(key) or BriefingFigure(key=key)
        figure.position, figure.label, figure.value, figure.unit = position, data.label, data.value, data.unit
        kept.append(figure)
    briefing.figures = kept  # figures not kept are deleted (delete-orphan)
    return before != [(f.key, f.label, f.value, f.unit) for f in kept]


def _row_keys(figures: list[FigureInput], existing: dict[str, BriefingFigure], by_label: dict[str, str]) -> list[str]:
    """The key of each row: its own figure when it still carries that figure's label, else the
    figure whose label it now carries, else the key it came with (a figure reworded, or one
    restored), else a new one. No key is given to two rows."""
    given = [data.key if FIGURE_KEY.fullmatch(data.key or "") else "" for data in figures]
    taken: set[str] = set()
    keys = [""] * len(figures)
    for i, (data, key) in enumerate(zip(figures, given, strict=True)):  # rows still on their figure
        if key in existing and existing[key].label == data.label and key not in taken:
            keys[i] = key
            taken.add(key)
    for i, data in enumerate(figures):  # a figure retyped into another row
        moved = by_label.get(data.label)
        if not keys[i] and moved and moved not in taken:
            keys[i] = moved
            taken.add(moved)
    for i, key in enumerate(given):  # reworded in place, restored, or new
        if not keys[i]:
            keys[i] = key if key and key not in taken else _new_key(existing, taken)
            taken.add(keys[i])
    return keys


def _new_key(existing: dict[str, BriefingFigure], taken: set[str]) -> str:
    while True:
        key = secrets.token_hex(4)
        if key not in existing and key not in taken:
            return key


def labels_kept(
    briefing: Briefing, translation: BriefingTranslation | None, labels: dict[str, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """The new labels of the current figures, each with the original wording it translated, plus
    the labels this translation had for figures since removed: restoring such a figure brings
    its translated label back too."""
    current = {figure.key: figure for figure in briefing.figures}
    earlier = {
        key: value
        for key, value in ((translation.figure_labels or {}) if translation else {}).items()
        if key not in current
    }
    return earlier | {
        key: {
            "label": value.get("label", ""),
            "unit": value.get("unit", ""),  # what it translated: the
            "source": value.get("source", current[key].label),  # original now, or then for a restore
            "source_unit": value.get("source_unit", current[key].unit),
        }
        for key, value in labels.items()
        if key in current
    }
