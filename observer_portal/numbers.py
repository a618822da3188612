"""Numbers typed by people, read in the format of the person typing.

WTForms' DecimalField reads Python syntax only, so a German `768.778` became
768.778 (and then 768.78 in a two-decimal column). Here input is read with the
locale's own symbols and Babel's strict parser; anything that could mean two
different numbers is refused with both readings, never guessed.

Rules beyond Babel's: only ASCII digits, one leading sign and the locale's
separators (no exponents, `NaN`, underscores); where the group separator is a
space (fr, ru, kk) any space, no-break space or narrow no-break space groups;
there `.` is accepted as a decimal point unless exactly three digits follow it
(`768.778` could be 768 778 or 768,778).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal

from observer_portal.lazy_text import LazyText, _l

SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "\u2212\u2012\u2013"  # typographic minus and dashes people paste for "-"
EXAMPLE = Decimal("1234567.89")


class NumberInputError(ValueError):
    """Input that is not one number in the reader's format; `message` says how to write it."""

    def __init__(self, message: LazyText):
        super().__init__(message)
        self.message = message


def format_number(value: Decimal | int, locale: Locale | str, *, grouping: bool = True) -> str:
    """`value` as the locale writes it, every significant decimal kept, no trailing zeros."""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return format_decimal(value, locale=locale, decimal_quantization=False, group_separator=grouping)


def format_hint(locale: Locale | str) -> LazyText:
    return _l(
        "Write numbers like %(example)s or %(plain)s.",
        example=format_number(EXAMPLE, locale),
        plain=format_number(EXAMPLE, locale, grouping=False),
    )


def _unreadable(locale: Locale | str) -> NumberInputError:
    return NumberInputError(
        _l(
            "Could not read this number. Write it like %(example)s or %(plain)s.",
            example=format_number(EXAMPLE, locale),
            plain=format_number(EXAMPLE, locale, grouping=False),
        )
    )


def _ambiguous(first: str, second: str) -> NumberInputError:
    return NumberInputError(
        _l(
            "Did you mean %(first)s or %(second)s? Write the number again in one of these forms.",
            first=first,
            second=second,
        )
    )


def _read_dot_as_decimal(text: str, locale: Locale) -> str:
    """fr/ru/kk: `1.5` can only mean 1,5; `768.778` is refused as ambiguous."""
    decimal_symbol = get_decimal_symbol(locale)
    if text.count(".") > 1 or decimal_symbol in text:
        raise _unreadable(locale)
    whole, _, fraction = text.partition(".")
    whole_digits = whole.replace(get_group_symbol(locale), "")
    if len(fraction) == 3 and fraction.isdigit() and whole_digits.lstrip("+-").isdigit():
        as_group = format_number(Decimal(whole_digits + fraction), locale)
        as_decimal = format_number(Decimal(f"{whole_digits}.{fraction}"), locale)
        raise _ambiguous(as_group, as_decimal)
    return f"{whole}{decimal_symbol}{fraction}"


def parse_number(
    text: str,
    locale: Locale | str,
    *,
    places: int | None = 2,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
) -> Decimal | None:
    """The number `text` means in `locale`, None for blank input; NumberInputError otherwise."""
    locale = Locale.parse(locale)
    text = text.strip()
    if not text:
        return None
    group, decimal_symbol = get_group_symbol(locale), get_decimal_symbol(locale)
    for sign in MINUS_SIGNS:
        text = text.replace(sign, "-")
    if group in SPACES:
        text = re.sub(f"[{SPACES}]", group, text)
    if not re.fullmatch(f"[+-]?[0-9.,{re.escape(group)}]+", text) or not re.search("[0-9]", text):
        raise _unreadable(locale)
    if "." in text and "." not in (group, decimal_symbol):
        text = _read_dot_as_decimal(text, locale)
    try:
        value = parse_decimal(text, locale, strict=True)
    except NumberFormatError as error:
        suggestions = getattr(error, "suggestions", None) or []
        if len(suggestions) == 2:
            raise _ambiguous(*suggestions) from None
        raise _unreadable(locale) from None
    except InvalidOperation:
        raise _unreadable(locale) from None
    _check_range(value, locale, minimum, maximum)
    exponent = value.normalize().as_tuple().exponent
    if places is not None and isinstance(exponent, int) and exponent < -places:
        raise NumberInputError(
            _l(
                "Use at most %(places)s digits after the decimal separator, like %(example)s.",
                places=places,
                example=format_number(Decimal("1234.56"), locale),
            )
        )
    return value


def _check_range(value: Decimal, locale: Locale, minimum, maximum) -> None:
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise NumberInputError(
            _l(
                "Enter a number between %(minimum)s and %(maximum)s.",
                minimum=format_number(minimum, locale) if minimum is not None else "…",
                maximum=format_number(maximum, locale) if maximum is not None else "…",
            )
        )
