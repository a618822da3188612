"""Alphabetical order as the reader's language has it, by ICU's collation (PyICU).

Python's sort by code point puts "Қазақстан" after "Ямайка" and "Ägypten" after "Zypern";
`str.casefold` fixes case only. ICU's collator for the locale orders Kazakh Ә, Қ, Ө, Ұ
after А, К, О, У, German umlauts with their letters, and ignores case at the first level.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

import icu

from observer_portal.i18n import DEFAULT_LOCALE, reader_locale

T = TypeVar("T")
_collators = threading.local()  # a collator is not shared between threads


def collator(locale: str | None = None) -> icu.Collator:
    code = locale or reader_locale() or DEFAULT_LOCALE
    cache = _collators.__dict__.setdefault("by_locale", {})
    if code not in cache:
        cache[code] = icu.Collator.createInstance(icu.Locale(code))
    return cache[code]


def sort_key(locale: str | None = None) -> Callable[[str], bytes]:
    """A key function: `sorted(names, key=sort_key())`."""
    return collator(locale).getSortKey


def in_reading_order(items: Iterable[T], text: Callable[[T], str], locale: str | None = None) -> list[T]:
    """`items` sorted by `text(item)` as the reader's language orders words."""
    key = sort_key(locale)
    return sorted(items, key=lambda item: key(text(item) or ""))
