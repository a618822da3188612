"""No query string, cursor or path value makes any page answer 5xx, for any role (hypothesis).

Routes come from the app's url_map. What each view reads is observed: `request.args`
records the names looked up while every route is opened once per role, and the page's
own links give real values (cursors, ids, dates) to mutate. QUERY_PARAMS lists the names
for the source scan of `test_query_params_cover_what_the_views_read`. The demo data is
loaded once for the module (hypothesis would not reset a function-scoped fixture between
examples anyway), with two rows a page so that every list renders its next-page link.
"""

from __future__ import annotations

import html
import importlib
import re
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qsl, quote

import pytest
from flask import Request
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from observer_portal import create_app
from observer_portal import models as m
from observer_portal.demo import DEMO_PASSWORD, load_demo
from observer_portal.extensions import db, limiter
from observer_portal.permissions import PUBLIC, SIGNED_IN, view_access
from tests.conftest import wipe
from tests.helpers import ROLES, login, make_config, post_form

SOURCE = Path(__file__).resolve().parent.parent / "observer_portal"

#: Every GET parameter a view reads (checked against the source below).
QUERY_PARAMS = (
    "new",
    "mode",
    "after",
    "after_id",
    "after_name",
    "before",
    "centre",
    "date_from",
    "date_to",
    "day",
    "duplicate",
    "election",
    "kind",
    "lang",
    "locale",
    "mine",
    "next",
    "organisation",
    "overdue",
    "period",
    "purpose",
    "q",
    "request",
    "role",
    "status",
    "submit",
    "text",
    "topic",
    "unassigned",
    "unconfirmed",
    "visit",
    "visitor",
    "volunteer",
)
#: Names that reached `url_for(**request.args)` when a page copied its query into a link.
URL_FOR_NAMES = ("endpoint", "_external", "_scheme", "_anchor", "_method", "values")
#: Parameter names nobody reads, sent along by the sweep and the mixed examples.
HOSTILE_NAMES = ("\x00", "a\x00b", "", "ä" * 50, "x" * 500, "__class__", "lang[]")
#: The demo account signed in for each role.
ACCOUNTS = {
    "observer": "h.mueller@osce.example.org",
    "media": "j.smith@dw.example.org",
    "volunteer": "aruzhan@atyrau.example.org",
    "coordinator": "coordinator@atyrau.example.org",
    "admin": "admin@example.org",
}
#: Examples per route and role: pages that read parameters get most (a page costs 20-90 ms).
EXAMPLES_READING, EXAMPLES_WITH_PATH, EXAMPLES_OTHER = 6, 2, 1
#: Tried deterministically on every parameter of every route once (see `sweep`): each number
#: of a real value replaced by these, then these values as they are.
EDGE_NUMBERS = ("9223372036854775808", "2147483648", "²")
EDGE_VALUES = ("9999-12-31", "0001-01-01", "x" * 3000, " ", "\t")  # spaces pass Optional()

HOSTILE = (
    "0",
    "-1",
    "+1",
    " 1",
    "00",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 40,
    "1e309",
    "NaN",
    "١٢",
    "²",
    "𝟙𝟚",
    "1_000",
    "_",
    "1__1",
    "1_1_1_1",
    "253402300800000000_1",
    "1.5_2",
    "",
    "\x00",
    "../",
    "../../etc/passwd",
    "%00",
    "9999-12-31",
    "0000-01-01",
    "2022-02-30",
    "0001-01-01",
    "\u202e",
    "<script>",
    "x" * 5000,
    "ä" * 300,
    "//evil.example",
    "javascript:alert(1)",
    "y",
    "on",
)
#: Valid values, so that one hostile field is also tried next to valid ones.
VALID = ("observer", "media", "overview", "equipment", "new", "active", "volunteer", "y", "2022-11-20", "1", "1_1")

text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
#: Numbers around the limits: 2**31 (PostgreSQL INTEGER), about 2**58 (microseconds to the
#: year 9999), 2**63 (SQLite INTEGER, BIGINT); and digits that `int()` refuses or reads.
boundary = st.builds(
    lambda power, step, sign: str(sign * (2**power + step)),
    st.sampled_from((0, 1, 8, 16, 31, 32, 53, 58, 62, 63, 63, 64, 64, 80)),
    st.integers(-1, 1),
    st.sampled_from((1, 1, 1, -1)),
)
hostile_number = boundary | st.sampled_from(("²", "١٢", "9" * 40, "", "-0", "0"))
DIGITS = re.compile(r"[0-9]+")


@st.composite
def mutated(draw, seeds: list[str]) -> str:
    """A real value (a cursor, an id, a date) with one of its numbers replaced."""
    seed = draw(st.sampled_from(seeds))
    runs = list(DIGITS.finditer(seed))
    if not runs:
        return seed
    run = draw(st.sampled_from(runs))
    return seed[: run.start()] + draw(hostile_number) + seed[run.end() :]


def values(seeds: list[str]) -> st.SearchStrategy[str]:
    """Mostly a real value of this parameter with a number out of range; then anything."""
    others = st.sampled_from(HOSTILE) | boundary | text | st.dates().map(str) | st.sampled_from(seeds)
    return st.one_of(mutated(seeds), mutated(seeds), mutated(seeds), others)


# --------------------------------------------------------------------- what the views read


def read_params() -> set[str]:
    """GET parameter names in the source: `request.args.get("x")`, `request.args["x"]`
    and the fields of forms filled from `request.args`."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""request\.args(?:\.get\(|\[)\s*["'](\w+)["']""", source))
        module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        for name in re.findall(r"(\w+Form)\(request\.args\)", source):
            form = getattr(importlib.import_module(module), name)
            found |= {attr for cls in form.__mro__ for attr, v in vars(cls).items() if isinstance(v, UnboundField)}
    return found


def test_query_params_cover_what_the_views_read():
    found = read_params()
    assert {"before", "after", "after_id", "date_to"} <= found  # the scan itself works
    assert found - set(QUERY_PARAMS) == set(), "add the new GET parameters to QUERY_PARAMS"


# Files read their query through the very function their page reads it with (fuzzed with the
# page, which draws the same figures; the CSVs of the visit log and the queue stay, for their
# streaming): drawing a
# workbook or a PDF per fuzzed value would cost minutes and exercise openpyxl and WeasyPrint,
# not the query.
SAME_QUERY_AS_PAGE = {
    "assistance.export_xlsx",
    "reports.equal_treatment_pdf",
    "reports.equal_treatment_xlsx",
    "reports.daily_pdf",
    "reports.daily_xlsx",
    "visits.export_xlsx",
}


def get_rules(app) -> list:
    rules = (r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in SAME_QUERY_AS_PAGE)
    return sorted(rules, key=lambda r: r.rule)


class RecordingArgs(ImmutableMultiDict):
    """`request.args` noting each name a view looks up (WTForms asks `name in formdata`)."""

    seen: ClassVar[set[str]] = set()

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):
        self.seen.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self.seen.add(key)
        return super().getlist(key, type)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


# --------------------------------------------------------------------- data and clients


def _demo_values() -> dict[str, list[str]]:
    """Existing ids and slugs for every URL variable of the app, from the demo data."""

    def ids(model) -> list[str]:
        return [str(i) for i in db.session.scalars(select(model.id).order_by(model.id).limit(5))]

    return {
        "user_id": ids(m.User),
        "briefing_id": ids(m.Briefing),
        "version_id": ids(m.BriefingVersion),
        "request_id": [str(i) for i in db.session.scalars(select(m.ServiceRequest.id))],
        "number": ids(m.ServiceRequest),  # the API's name for a request's number
        "item_id": ids(m.EquipmentItem),
        "visit_id": ids(m.Visit),
        "visitor_id": ids(m.VisitorProfile),
        "election_id": ids(m.Election),
        "organisation_id": ids(m.Organisation),
        "term_id": ids(m.GlossaryTerm),
        "import_id": ids(m.AccreditationImport) or ["1"],
        "centre_slug": list(db.session.scalars(select(m.Centre.slug))),
        "centre": list(db.session.scalars(select(m.Centre.slug))),
        "slug": list(db.session.scalars(select(m.Centre.slug))) + list(db.session.scalars(select(m.Briefing.slug))),
        "locale": ["en", "de", "fr", "ru", "kk"],
        "token": [t for t in db.session.scalars(select(m.User.calendar_token)) if t] or ["x" * 32],
        "filename": ["css/portal.css", "favicon.svg"],
        "action": ["claim", "comment"],
    }


@pytest.fixture(autouse=True)
def _clean_state():
    """Replaces conftest's per-test wipe here: these tests only read, and share the demo
    data built once below (loading it costs about a second)."""
    return


@pytest.fixture(scope="module")
def demo(app, db_url):
    """A second app on the test database with two rows a page, and the demo data in it."""
    wipe(app)
    limiter.reset()
    fuzz_app = create_app(make_config(db_url, PAGE_SIZE=2))
    fuzz_app.request_class = RecordingRequest
    with fuzz_app.app_context():
        load_demo(db.session)
        db.session.commit()
        known = _demo_values()
        db.session.remove()
    variables = {name for rule in get_rules(fuzz_app) for name in rule.arguments}
    assert variables - set(known) == set(), "add the new URL variables to _demo_values"
    assert all(known.values()), {name: found for name, found in known.items() if not found}
    yield fuzz_app, known
    with fuzz_app.app_context():
        db.session.remove()
        db.engine.dispose()
    wipe(app)


def signed_in(app, role: str):
    client = app.test_client()
    if role != "anonymous":
        response = login(client, ACCOUNTS[role], DEMO_PASSWORD)
        assert response.status_code == 302, role
    return client


def fetch(client, url: str, query=None) -> tuple[int, bytes]:
    """GET and read the whole body (a streamed CSV fails while being read), then close it."""
    response = client.get(url, query_string=query)
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()


def fill(rule, path: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: quote(path[m[1]], safe=""), rule.rule)


def link_values(body: bytes) -> dict[str, set[str]]:
    """The query values of the page's own links, by name: real cursors, ids and filters."""
    found: dict[str, set[str]] = {}
    for query in re.findall(r'href="[^"?]*\?([^"]+)"', body.decode("utf-8", "replace")):
        for name, value in parse_qsl(html.unescape(query)):
            found.setdefault(name, set()).add(value)
    return found


def reachable(client, app, role: str, known) -> list[tuple]:
    """(rule, names its view reads, values from its links) for every GET route whose view
    runs for this role. Every name is sent as "1", so reads behind another show up too."""
    found = []
    for rule in get_rules(app):
        access = view_access(app)[rule.endpoint]
        roles = ROLES if access == PUBLIC else ROLES[1:] if access == SIGNED_IN else set(map(str, access))
        if role not in roles:
            continue
        url = fill(rule, {name: known[name][0] for name in rule.arguments})
        RecordingArgs.seen = set()
        status, body = fetch(client, url, dict.fromkeys(QUERY_PARAMS, "1"))
        if status in {302, 401, 403, 405}:
            continue  # refused before the view reads anything
        seen = sorted(RecordingArgs.seen - {"lang"})
        links = link_values(body)
        for name, more in (link_values(fetch(client, url)[1]) if seen else {}).items():  # real cursors
            links.setdefault(name, set()).update(more)
        found.append((rule, seen, links))
    return found


def edges(seeds: set[str]) -> list[str]:
    """EDGE_NUMBERS in place of each number of one or two real values (or of "1"), and EDGE_VALUES."""
    found = set(EDGE_VALUES)
    for seed in sorted(seeds, key=lambda v: (v == "1", v))[:2] or ["1"]:
        for run in DIGITS.finditer(seed):
            found |= {seed[: run.start()] + number + seed[run.end() :] for number in EDGE_NUMBERS}
    return sorted(found)


SWEPT: set[tuple[str, str]] = set()


def sweep(client, role: str, rule, reads: list[str], links: dict[str, set[str]], known) -> list[tuple]:
    """Each parameter alone (no other field can hide it) with each edge value; once per
    route and parameter in this module, by the first role whose view reads it."""
    url = fill(rule, {name: known[name][0] for name in rule.arguments})
    failures = []
    if (rule.rule, "") not in SWEPT:  # a page that copies its query string into its links
        SWEPT.add((rule.rule, ""))
        if fetch(client, url, dict.fromkeys(URL_FOR_NAMES + HOSTILE_NAMES, "x"))[0] >= 500:
            failures.append((role, url, URL_FOR_NAMES + HOSTILE_NAMES, "x"))
    for name in reads:
        if (rule.rule, name) in SWEPT:
            continue
        SWEPT.add((rule.rule, name))
        for value in edges(links.get(name, set())):
            if fetch(client, url, {name: value})[0] >= 500:
                failures.append((role, url, name, value[:40]))
    return failures


# --------------------------------------------------------------------- the properties


def path_values(draw, rule, known) -> dict[str, str]:
    path = {}
    for name, converter in rule._converters.items():
        hostile = hostile_number if isinstance(converter, IntegerConverter) else st.sampled_from(HOSTILE) | text
        path[name] = draw(st.sampled_from(known[name]) | hostile)
    return path


def fuzz_route(client, role: str, rule, reads: list[str], links: dict[str, set[str]], known: dict[str, list[str]]):
    """A hypothesis test of one route: its variables, and the names it reads, each alone,
    all at once (ids and cursors crash whatever the other fields) or mixed with others."""
    examples = EXAMPLES_READING if reads else EXAMPLES_WITH_PATH if rule.arguments else EXAMPLES_OTHER
    names = st.sampled_from(reads or ["lang"]) | st.sampled_from(
        ["lang", *URL_FOR_NAMES, *HOSTILE_NAMES, *QUERY_PARAMS]
    )
    generic = sorted({value for values in known.values() for value in values} | set(VALID))
    by_name = {name: values(sorted(links.get(name, ())) or generic) for name in {*reads, *QUERY_PARAMS}}
    value = values(generic)

    # no shrinking: a page costs milliseconds, and the failing query is printed as it is
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None, phases=(Phase.generate,))
    @given(st.data())
    def probe(data):
        url = fill(rule, path_values(data.draw, rule, known))
        mode = data.draw(st.sampled_from(("all", "one", "mixed") if reads else ("mixed",)))
        if mode == "all":
            query = [(name, data.draw(by_name[name])) for name in reads]
        elif mode == "one":
            name = data.draw(st.sampled_from(reads))
            query = [(name, data.draw(by_name[name]))]
        else:
            query = data.draw(st.lists(st.tuples(names, value), max_size=6))
        status, body = fetch(client, url, MultiDict(query))
        assert status < 500, (role, url, query, body[:300])

    return probe


@pytest.mark.parametrize("role", ROLES)
def test_no_edge_value_of_a_parameter_gives_a_server_error(demo, role):
    """Every value that can reach the database (numbers past int4 and int8, NUL, dates out
    of range …) in every parameter: on both engines, where each refuses different things."""
    app, known = demo
    client = signed_in(app, role)
    targets = reachable(client, app, role, known)
    assert len(targets) >= 5, [rule.rule for rule, *_ in targets]
    failures = [failure for rule, reads, links in targets for failure in sweep(client, role, rule, reads, links, known)]
    assert failures == [], "\n".join(map(str, failures))


# The values are swept on both engines above; how the views combine parameters is their own
# logic, so the random mixes run on SQLite only (tests/conftest.py: engine_independent).
@pytest.mark.engine_independent
@pytest.mark.parametrize("role", ROLES)
def test_no_mix_of_parameters_gives_a_server_error(demo, role):
    app, known = demo
    client = signed_in(app, role)
    for rule, reads, links in reachable(client, app, role, known):
        fuzz_route(client, role, rule, reads, links, known)()


#: The crashes of issue 13: each of these answered 500 on SQLite or PostgreSQL.
KNOWN_CRASHES = (
    ("anonymous", "/briefings/?before={}"),
    ("coordinator", "/staff/?before={}"),
    ("coordinator", "/staff/audit?before={}"),
    ("observer", "/requests/?before={}"),
    ("volunteer", "/requests/queue?after=1_{}_1"),
    ("volunteer", "/requests/queue?after=1_1_{}"),
    ("coordinator", "/visits/?after={}_1"),
    ("coordinator", "/visits/?after=1_{}"),
    ("volunteer", "/visits/visitors?after_name=A&after_id={}"),
    ("volunteer", "/requests/new-for-visitor?visitor={}&visit={}"),
    ("volunteer", "/language-help/new-for-visitor?visitor={}&visit={}"),
    ("volunteer", "/requests/ask?visitor={}&visit={}"),
    ("coordinator", "/visits/visitors/1/merge?duplicate={}"),
    ("volunteer", "/inventory/1?request={}"),
    ("volunteer", "/requests/{}"),
    ("coordinator", "/visits/?date_to={}-12-31"),
    ("coordinator", "/visits/?date_from={}-01-01"),
    ("anonymous", "/briefings/?topic=&endpoint={}"),
    ("coordinator", "/visits/?_scheme={}"),
)


def test_out_of_range_values_are_ignored(demo):
    app, _ = demo
    clients = {role: signed_in(app, role) for role in ROLES}
    failures = []
    for role, url in KNOWN_CRASHES:
        for value in ("9223372036854775808", "2147483648", "-1", "١٢", "²", "99999999999", "0001", "9999"):
            status, _ = fetch(clients[role], url.format(value, value))
            # an impossible date filter is shown as the field's error (400), never dropped silently
            allowed = (200, 400, 404) if "date_" in url else (200, 404)
            if status not in allowed:
                failures.append((role, url.format(value, value), status))
    assert failures == [], "\n".join(map(str, failures))


#: Ids posted in forms went through the same `isdigit()` and `int()` as the query strings.
FORM_IDS = (
    ("volunteer", "/visits/desk", ("visitor_id",)),
    ("volunteer", "/requests/new-for-visitor", ("visitor", "visit")),
    ("volunteer", "/language-help/new-for-visitor", ("visitor", "visit")),
    ("coordinator", "/visits/visitors/{visitor}/merge", ("duplicate",)),
)


def test_out_of_range_ids_in_forms_change_nothing(demo):
    app, known = demo
    failures = []
    for role, url, fields in FORM_IDS:
        client, url = signed_in(app, role), url.format(visitor=known["visitor_id"][0])
        for value in ("9223372036854775808", "2147483648", "²", "١٢", "-1"):
            response = post_form(client, url, dict.fromkeys(fields, value))
            if response.status_code not in (200, 422):
                failures.append((role, url, fields, value, response.status_code))
    assert failures == [], "\n".join(map(str, failures))
