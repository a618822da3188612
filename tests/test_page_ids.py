"""Every page the accessibility suite visits, read here without a browser: no id is used
twice on a page (WCAG 2.1, 4.1.1). Pages hold many small forms, each with a CSRF token."""

from __future__ import annotations

import re
from collections import Counter

from observer_portal.demo import DEMO_PASSWORD
from observer_portal.extensions import db
from tests.browser.test_accessibility import ACCOUNTS, PUBLIC_PAGES, ROLE_PAGES, seed
from tests.helpers import login

ID = re.compile(r'\sid="([^"]+)"')


def _duplicates(html: str) -> list[str]:
    return [name for name, count in Counter(ID.findall(html)).items() if count > 1]


def test_no_page_uses_an_id_twice(app):
    ids = seed(app)
    found = {path: _duplicates(app.test_client().get(path).get_data(as_text=True)) for path in PUBLIC_PAGES}
    for role, pages in ROLE_PAGES.items():
        client = app.test_client()
        assert login(client, ACCOUNTS[role], DEMO_PASSWORD).status_code == 302
        for template in pages:
            path = template.format(**ids)
            found[f"{role} {path}"] = _duplicates(client.get(path).get_data(as_text=True))
    with app.app_context():
        db.session.remove()
    assert {page: names for page, names in found.items() if names} == {}
