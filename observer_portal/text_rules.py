"""The portal's rules for text people type, as plain functions: the forms (`forms.py`) and
the API (`api/schemas.py`) hold typed text to them, and so do imported lists."""

from __future__ import annotations

import re
import unicodedata

# Characters nobody types into a name, a title or a place: control characters (C0, DEL, C1),
# line breaks of any kind, the bidirectional embedding, override and isolate controls
# (U+202A–E, U+2066–9), which make a name display as another, and other invisible format
# characters (`invisible`). A text area is pasted text:
# its line breaks of every kind become "\n" (a pasted U+2028 is a line break the writer
# meant) and bidi controls stay (mixed-direction text carries them), but other control
# characters are refused there too.
CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
NOT_ONE_LINE = re.compile(f"[{CONTROLS}\t\n\r\x0b\x0c\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NOT_TEXT = re.compile(f"[{CONTROLS}]")
# direction overrides, embeddings and isolates: they make text read otherwise than it is
# stored ("safe \u202egnp.exe" shows as "safe exe.png"); the marks LRM and RLM stay. A
# pasted document to translate may need them; text the portal publishes may not.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def one_kind_of_line_break(value):
    """Filter of every text area: each kind of line break becomes "\n"."""
    return LINE_BREAKS.sub("\n", value) if isinstance(value, str) else value


def is_one_line(text: str) -> bool:
    """The rule of one-line fields, for text that comes from elsewhere than a form (a file,
    the API)."""
    return not (NOT_ONE_LINE.search(text) or any(invisible(char) for char in text))


def is_text(text: str) -> bool:
    """The rule of text areas, for text that comes from elsewhere than a form (the API)."""
    return not NOT_TEXT.search(text)


def invisible(char: str) -> bool:
    """An invisible format character (Unicode category Cf: zero-width space, word joiner, BOM,
    direction marks, tag characters...), which lets "Anna" and "An\u200bna" be two people or
    hides text; the zero-width (non-)joiner stay, Persian and Indic names need them."""
    return char > "\x7f" and char not in "\u200c\u200d" and unicodedata.category(char) == "Cf"
