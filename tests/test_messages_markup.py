"""Translated text combined with people's data never becomes markup (issue 13, defect 1).

Flask-Babel's lazy strings claim to be HTML, so `_l("Visit of %(name)s registered.",
name=...)` used to reach the page unescaped, through flashes and error messages alike.
"""

from __future__ import annotations

import pathlib
import re

from babel.messages.pofile import read_po
from flask import flash, get_flashed_messages
from markupsafe import escape

from observer_portal.extensions import db
from observer_portal.lazy_text import _l
from observer_portal.models import Visit
from tests.helpers import dangerous_markup, make_user, post_form
from tests.test_visits import visit_form

ROOT = pathlib.Path(__file__).resolve().parent.parent
HOSTILE = '<meta http-equiv="refresh" content="2;url=/?x"><script>alert(1)</script>'
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_lazy_text_escapes_values_but_stays_plain_text(app):
    with app.test_request_context("/?lang=de"):
        message = _l("Visit of %(name)s registered.", name=HOSTILE)
        assert HOSTILE in str(message)  # e-mails, CSV and logs get the text itself
        html = message.__html__()  # what Jinja and the session serializer see
        assert "<meta" not in html
        assert "<script" not in html
        assert str(escape(HOSTILE)) in html


def test_every_catalog_message_escapes_every_value_in_every_locale(app):
    """The class sweep: each msgid with placeholders, in each of the five languages."""
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        msgids = [m.id for m in read_po(handle) if isinstance(m.id, str) and PLACEHOLDER.search(m.id)]
    assert len(msgids) > 20
    for locale in ("en", "de", "fr", "ru", "kk"):
        with app.test_request_context(f"/?lang={locale}"):
            for msgid in msgids:
                values = {name: HOSTILE for name in PLACEHOLDER.findall(msgid)}
                if "%(num)d" in msgid or re.search(r"%\(\w+\)d", msgid):
                    continue  # numbers only: nothing a person can type
                html = str(_l(msgid, **values).__html__())
                assert "<meta" not in html, (locale, msgid)
                assert "<script" not in html, (locale, msgid)


def test_no_module_bypasses_the_escaping_lazy_text():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "observer_portal").rglob("*.py")
        if path.name != "lazy_text.py" and re.search(r"flask_babel import[^\n]*lazy_(n)?gettext", path.read_text())
    ]
    assert offenders == []


def test_a_flash_keeps_values_escaped_through_the_session(app):
    with app.test_request_context("/"):
        flash(_l("Changes to %(name)s saved.", name=HOSTILE), "success")
        messages = get_flashed_messages()
        assert "<meta" not in str(messages[0].__html__())
    client = app.test_client()
    with client.session_transaction() as session:
        with app.test_request_context("/"):
            session["_flashes"] = [("success", _l("Changes to %(name)s saved.", name=HOSTILE))]
    html = client.get("/").get_data(as_text=True)
    assert "&lt;meta" in html
    assert "<meta http-equiv" not in html


def test_registering_a_hostile_name_shows_it_as_text(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        observer = make_user("observer", name=HOSTILE)
        visitor_id = observer.visitor_profile.id
    response = post_form(client, "/visits/desk", visit_form(app, visitor_id=str(visitor_id)), follow_redirects=True)
    html = response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Visit).count() == 1
    assert "<meta http-equiv" not in html
    assert dangerous_markup(html) == []
    assert "&lt;meta http-equiv" in html  # the name is there, as text


def test_deactivating_and_saving_a_hostile_volunteer_shows_the_name_as_text(app, login_as):
    client, _ = login_as("coordinator")
    with app.app_context():
        volunteer = make_user("volunteer", name=HOSTILE).id
    response = post_form(
        client, f"/staff/{volunteer}/deactivate", {}, page=f"/staff/{volunteer}", follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "<meta http-equiv" not in html
    assert dangerous_markup(html) == []
    assert "&lt;meta http-equiv" in html


def test_a_value_ending_a_sentence_with_a_full_stop_gives_one_full_stop(app):
    """The class sweep: every catalog message, in every language, with values ending in a full
    stop (a Russian date ends "г.", a Kazakh one "ж.", a name "Jr."): never "..", in text,
    in HTML, or through a template's `_()`."""
    from flask import render_template_string

    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        msgids = [m.id for m in read_po(handle) if isinstance(m.id, str) and re.search(r"%\(\w+\)s", m.id)]
    for locale in ("en", "de", "fr", "ru", "kk"):
        with app.test_request_context(f"/?lang={locale}"):
            for msgid in msgids:
                values = {name: "31 дек. 2099 г." for name in re.findall(r"%\((\w+)\)s", msgid)}
                values |= {name: 7 for name in re.findall(r"%\((\w+)\)d", msgid)}
                for shown in (
                    str(_l(msgid, **values)),
                    str(_l(msgid, **values).__html__()),
                    render_template_string("{{ _(msgid, **values) }}", msgid=msgid, values=values),
                ):
                    assert ".." not in shown.replace("...", "…"), (locale, msgid, shown)


def test_the_russian_date_range_message_ends_once(app, login_as):
    client, _ = login_as("volunteer")
    response = post_form(
        client, "/visits/desk?lang=ru", visit_form(app, arrived_at="9999-01-01T10:00"), page="/visits/desk?lang=ru"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r"по 31 декабря 2099\s*г\.</", html)  # Babel puts a narrow no-break space before "г."
    assert "г.." not in html
