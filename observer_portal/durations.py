"""How long something took, in the reader's words: "1 hr, 25 min", "1 ч 25 мин", "2 күн 3 сағ"
(CLDR's unit names and list patterns), in at most two units, rounded to the smaller one."""

from __future__ import annotations

from babel import Locale
from babel.lists import format_list
from babel.units import format_unit

MINUTE, HOUR, DAY = 60, 3600, 86400


def _unit(value: int, unit: str, locale: Locale | str) -> str:
    return format_unit(value, f"duration-{unit}", length="short", locale=locale)


def duration_text(seconds: float, locale: Locale | str) -> str:
    seconds = max(0, round(seconds))
    if seconds < MINUTE:
        return _unit(seconds, "second", locale)
    minutes = round(seconds / MINUTE)
    if minutes < HOUR // MINUTE:
        return _unit(minutes, "minute", locale)
    if minutes < DAY // MINUTE:
        parts = [(minutes // 60, "hour"), (minutes % 60, "minute")]
    else:
        hours = round(seconds / HOUR)
        parts = [(hours // 24, "day"), (hours % 24, "hour")]
    shown = [_unit(value, unit, locale) for value, unit in parts if value]
    return format_list(shown, style="unit-short", locale=locale)
