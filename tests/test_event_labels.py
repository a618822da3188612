"""History and audit entries read as sentences, never as codes or ids (issue 13, defect 7)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from observer_portal import labels
from observer_portal.extensions import db
from observer_portal.models import AuditAction, EventAction, RequestEvent
from observer_portal.services.language_help import file_job
from tests.helpers import make_user, post_form
from tests.test_language_help import LANGS, volunteer, written

RAW_CODE = re.compile(r"\b(routed|unroutable|released|nobody_\w+|all_declined|all_busy|login\.\w+|account\.\w+)\b")


def test_every_action_has_a_label():
    assert set(labels.ACTION_LABELS) == set(EventAction)
    assert set(labels.AUDIT_ACTION_LABELS) == set(AuditAction)


def _history(html: str) -> str:
    return html[html.index('id="history-heading"') :]


@pytest.mark.parametrize("locale", ["en", "de", "fr", "ru", "kk"])
def test_routing_history_names_people_and_reasons_in_every_language(app, login_as, locale):
    observer_client, observer = login_as("observer", preferred_locale=locale)
    coordinator, _ = login_as("coordinator")
    with app.app_context():
        yerlan = volunteer("Yerlan Sarsenov", ["fr", "de"], on_duty=False)
        request, _ = file_job(db.session, db.session.merge(observer), written("de", "fr"), LANGS)
        db.session.commit()
        request_id, yerlan_id = request.id, yerlan.id
    # Yerlan comes on duty and gets it; then goes off duty and it is handed back (and unroutable again)
    post_form(
        coordinator,
        f"/staff/{yerlan_id}",
        {
            "display_name": "Yerlan Sarsenov",
            "role": "volunteer",
            "on_duty": "y",
            "lang_fr": "fluent",
            "lang_de": "fluent",
        },
    )
    post_form(
        coordinator,
        f"/staff/{yerlan_id}",
        {"display_name": "Yerlan Sarsenov", "role": "volunteer", "lang_fr": "fluent", "lang_de": "fluent"},
    )
    with app.app_context():
        actions = [e.action for e in db.session.query(RequestEvent).filter_by(request_id=request_id).order_by("id")]
        assert {EventAction.ROUTED, EventAction.UNROUTABLE, EventAction.RELEASED} <= set(actions)
    html = _history(observer_client.get(f"/requests/{request_id}?lang={locale}").get_data(as_text=True))
    assert "Yerlan Sarsenov" in html  # the person routing chose, by name
    assert not RAW_CODE.search(html), RAW_CODE.search(html)
    assert f">{yerlan_id}<" not in html
    assert "unknown" not in html
    if locale == "en":
        assert "Sent to a volunteer who speaks both languages" in html
        assert "No volunteer on duty speaks both languages." in html or "No volunteer was on duty." in html
        assert "automatic routing by language" in html


def test_audit_log_shows_labels_and_names(app, login_as):
    client, coordinator = login_as("coordinator")
    with app.app_context():
        volunteer_id = make_user("volunteer", name="Madina Akhmetova").id
    post_form(client, f"/staff/{volunteer_id}/deactivate", {}, page=f"/staff/{volunteer_id}")
    for locale, label in (("en", "Account deactivated"), ("de", None), ("ru", None), ("kk", None), ("fr", None)):
        html = client.get(f"/staff/audit?lang={locale}").get_data(as_text=True)
        assert "Madina Akhmetova" in html
        assert not RAW_CODE.search(html)
        assert "User #" not in html
        assert f"#{volunteer_id}" not in html
        if label:
            assert label in html


@pytest.mark.parametrize(
    ("table", "column_values"),
    [
        ("request_events", "request_id, action, note, created_at"),
        ("audit_events", "action, object_type, details, created_at"),
    ],
)
def test_the_database_refuses_an_unknown_action(app_ctx, table, column_values):
    from tests.assistance_helpers import make_request

    request_id = make_request(make_user("observer")).id
    values = {
        "request_events": f"{request_id}, :action, '', CURRENT_TIMESTAMP",
        "audit_events": ":action, '', '{}', CURRENT_TIMESTAMP",
    }[table]
    statement = text(f"INSERT INTO {table} ({column_values}) VALUES ({values})")  # noqa: S608 - fixed names
    good = EventAction.ROUTED.value if table == "request_events" else AuditAction.VISITOR_MERGED.value
    db.session.execute(statement, {"action": good})
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(statement, {"action": "routed_by_magic"})
    db.session.rollback()
