"""Names as a front desk searches them: whatever the case, the accents and the script.

"MÜLLER", "Muller" and "Mueller" find Müller; "Петров" finds Andrei Petrov and "Petrov"
finds Андрей Петров; Kazakh letters fall to their Latin readings (Қ → k, Ө → o, Ұ → u).
A name is kept with its search forms (`search_key`, a column of the visitor), and a query
matches when one of its own forms is part of the key: one plain LIKE on both engines,
PostgreSQL answering from a trigram index. The forms are:

- plain: case folded, accents dropped ("müller" → "muller", "Петров" → "петров");
- German: umlauts spelled out before the accents go ("mueller");
- Latin: Cyrillic transliterated (Russian, Kazakh and Ukrainian letters), once with
  й as "i" and once as "y" (Andrei and Andrey).
"""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = " | "
MAX_KEY = 400

_PUNCTUATION = re.compile(r"[^\w\s'’-]")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
#: Latin letters that Unicode does not decompose into a letter and an accent
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kazakh
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Ukrainian
    "є": "ye", "ї": "yi", "ґ": "g",
}  # fmt: skip
_LATIN_I = str.maketrans(_CYRILLIC)
_LATIN_Y = str.maketrans({**_CYRILLIC, "й": "y"})


def _plain(text: str) -> str:
    """Case folded, accents and other combining marks dropped, punctuation made spaces
    ("MULLER, Hannah"), spacing collapsed. Cyrillic й and ё are kept whole (NFKD would split
    them into и and е plus a mark)."""
    folded = _PUNCTUATION.sub(" ", text.casefold()).replace("й", "\0").replace("ё", "\1")
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return " ".join(stripped.translate(_UNDECOMPOSED).replace("\0", "й").replace("\1", "ё").split())


def search_forms(text: str) -> list[str]:
    """The distinct forms of `text` (empty for an empty or blank name)."""
    plain = _plain(text)
    if not plain:
        return []
    german = _plain(text.casefold().translate(_GERMAN))
    forms = [plain, german, plain.translate(_LATIN_I), plain.translate(_LATIN_Y)]
    return list(dict.fromkeys(form for form in forms if form))


def search_key(text: str) -> str:
    """What is stored next to a name: its forms, one after the other."""
    return SEPARATOR.join(search_forms(text))[:MAX_KEY]


def words(text: str) -> list[str]:
    """The words of a query or a name in their plain form: "MULLER, Hannah" → muller, hannah."""
    return _plain(text).split()
