"""Every page the accessibility suite visits, read here without a browser, once, for two
things a person must never meet:

- an id used twice on a page (WCAG 2.1, 4.1.1): pages hold many small forms, each with a
  CSRF token;
- something internal (issue 17, "nothing internal reaches a person"): a raw enum code
  ("in_progress", "observer" where "Observer" is meant, "account.created"), a Python value
  ("None", "True"), or a machine date ("2026-11-26 08:53:20", "+00:00") in what the page
  shows or says to a screen reader."""

from __future__ import annotations

import enum
import inspect
import re
from collections import Counter
from html import unescape

from observer_portal import models
from observer_portal.demo import DEMO_PASSWORD
from observer_portal.extensions import db
from tests.browser.test_accessibility import ACCOUNTS, PUBLIC_PAGES, ROLE_PAGES, seed
from tests.helpers import login

ID = re.compile(r'\sid="([^"]+)"')
#: what is not shown, words quoted as terms (a glossary's <dfn> and its translation
#: <span class="term">): "volunteer" there is a word of the glossary, not Role.VOLUNTEER),
#: and what is marked as code for programmers (<code>: the API's fields and parameters)
HIDDEN_CODE = re.compile(r"<(script|style|dfn|code)\b.*?</\1>|<!--.*?-->|<span class=\"term\"[^>]*>[^<]*</span>", re.S)
TEXT = re.compile(r">([^<]+)<")
SPOKEN = re.compile(r'\s(?:alt|title|aria-label|placeholder)="([^"]*)"')
CODES = {
    member.value
    for kind in vars(models).values()
    if inspect.isclass(kind) and issubclass(kind, enum.Enum)
    for member in kind
    if isinstance(member.value, str)
}
#: a code of several words ("in_progress", "account.created") is never a word of a sentence
COMPOUND_CODES = {code for code in CODES if "_" in code or "." in code}
PYTHON_VALUES = re.compile(r"\b(?:None|True|False)\b(?! [a-z])|<[a-z_.]+ object at|\b(?:datetime|Decimal|date)\(")
#: a timestamp as Python prints it, or a bare UTC offset (CLDR's "GMT+05:00" is a zone's name)
MACHINE_DATES = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|(?<!GMT)(?<!UTC)[+-]\d{2}:\d{2}\b|\d{2}:\d{2}:\d{2}\.\d"
)


def _duplicates(html: str) -> list[str]:
    return [name for name, count in Counter(ID.findall(html)).items() if count > 1]


def internal_words(html: str) -> list[str]:
    """What a person would read (text and spoken attributes) that is a code, not a word."""
    shown = HIDDEN_CODE.sub("", html)
    pieces = [unescape(text).strip() for text in TEXT.findall(shown)] + [unescape(v) for v in SPOKEN.findall(shown)]
    found = []
    for piece in filter(None, pieces):
        if piece in CODES:  # a whole cell, label or link that is a code: "observer", "written"
            found.append(piece)
            continue
        found += [word for word in re.findall(r"[\w.]+", piece) if word in COMPOUND_CODES]
        found += PYTHON_VALUES.findall(piece) + MACHINE_DATES.findall(piece)
    return found


def every_page(app) -> dict[str, str]:
    """Every public page, and every page of each role, as that role reads it (English: the
    codes are English words, so a label missing in any catalog shows here first)."""
    ids = seed(app)
    pages = {path: app.test_client().get(path).get_data(as_text=True) for path in PUBLIC_PAGES}
    for role, templates in ROLE_PAGES.items():
        client = app.test_client()
        assert login(client, ACCOUNTS[role], DEMO_PASSWORD).status_code == 302
        for template in templates:
            path = template.format(**ids)
            pages[f"{role} {path}"] = client.get(path).get_data(as_text=True)
    with app.app_context():
        db.session.remove()
    return pages


def test_no_page_uses_an_id_twice_or_shows_anything_internal(app):
    pages = every_page(app)
    assert len(pages) > 60
    assert {page: names for page, html in pages.items() if (names := _duplicates(html))} == {}
    assert {page: words for page, html in pages.items() if (words := internal_words(html))} == {}


def test_the_sweep_sees_what_it_looks_for():
    """The scan itself, on the mistakes it exists to catch (and on what is fine)."""
    assert internal_words("<td>observer</td><td>in_progress</td>") == ["observer", "in_progress"]
    assert internal_words('<p>Audit: account.created</p><img alt="None">') == ["account.created", "None"]
    assert internal_words("<p>Since 2026-11-26 08:53:20+00:00</p>") == ["2026-11-26 08:53", "+00:00"]
    assert internal_words("<td>Observer</td><p>An observer asked, in progress.</p>") == []
    assert internal_words("<a>None of them: a new visitor</a><dd>Atyrau (GMT+05:00)</dd>") == []
    assert internal_words('<dt><dfn>volunteer</dfn></dt><dd><span class="term" lang="en">media</span></dd>') == []
    assert internal_words("<script>const x = 'in_progress';</script><td>26 Nov 2026, 08:53</td>") == []
