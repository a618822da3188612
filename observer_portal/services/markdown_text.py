"""Markdown for briefings: safe rendering, and translating the words but not the markup.

Rendering: markdown-it-py (CommonMark, raw HTML disabled) and then nh3 (the Ammonia
sanitiser) with a small allowlist, so nothing an author types can run in a reader's
browser — no `<script>`, no event handlers, no `javascript:` links.

Translation: the body is cut into lines; block markup at the start of a line (headings,
list bullets, numbers, quotes, table pipes) and fenced code blocks are kept as they are,
URLs, inline code and link targets are replaced by placeholders the translator leaves
alone, and only the remaining text is translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> Markup:
    """Markdown → sanitised HTML. Headings start at h2: the page title is the h1. Drawn once
    per text and process (a briefing's text is the same for every reader until it is saved)."""
    return _rendered(text or "")


@lru_cache(maxsize=512)
def _rendered(text: str) -> Markup:
    html = _md.render(text)
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


_BLOCK_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+|\|\s*)*)")
_PROTECTED = re.compile(
    r"`[^`]+`"  # inline code
    r"|\]\([^)]*\)"  # link target
    r"|<[^>\s]+>"  # autolink
    r"|https?://\S+"  # bare URL
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail address
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_ONLY_MARKUP = re.compile(r"^[\s|:\-*_#>`]*$")


def translate_markdown(text: str, translate_line: Callable[[str], str]) -> str:
    """Translate the words with `translate_line`, keeping Markdown structure intact. The lines
    of one paragraph (wrapped by its author) are sent as one text, so the service reads
    whole sentences; the translated paragraph is one line, which renders the same."""
    out: list[str] = []
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            out.append(_translate_segment(" ".join(line.strip() for line in paragraph), translate_line))
            paragraph.clear()

    for line in text.splitlines():
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence or _ONLY_MARKUP.match(line):
            flush()
            out.append(line)
            continue
        prefix = _BLOCK_PREFIX.match(line).group(1)
        content = line[len(prefix) :]
        if not prefix and not line.startswith((" ", "\t")):  # a line of running text
            paragraph.append(line)
            continue
        flush()
        if "|" in content and prefix.strip().startswith("|"):
            cells = content.split("|")
            out.append(prefix + "|".join(_translate_segment(cell, translate_line) for cell in cells))
        else:
            out.append(prefix + _translate_segment(content, translate_line))
    flush()
    result = "\n".join(out)
    return result + "\n" if text.endswith("\n") else result


def _translate_segment(segment: str, translate_line: Callable[[str], str]) -> str:
    if not segment.strip() or _ONLY_MARKUP.match(segment):
        return segment
    kept: list[str] = []

    def hide(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"⟦{len(kept) - 1}⟧"

    hidden = _PROTECTED.sub(hide, segment)
    leading = hidden[: len(hidden) - len(hidden.lstrip())]
    trailing = hidden[len(hidden.rstrip()) :]
    translated = translate_line(hidden.strip())
    for index, original in enumerate(kept):
        marker = f"⟦{index}⟧"
        if marker not in translated:
            return segment  # the translator mangled a placeholder: keep the source, a reviewer will see it
        translated = translated.replace(marker, original)
    return leading + translated + trailing
