"""The main menu (navigation.py): the day's work one click away, the reports and the
administration in groups of their own, each link shown to exactly those who may open it,
the current page marked — in the menu bar and on the group that holds it."""

from __future__ import annotations

import re

import pytest

from observer_portal.navigation import MENU


def menu_of(html: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


def top_level(menu: str) -> list[str]:
    """The entries of the bar itself: its links outside any group, and the groups."""
    bar = re.sub(r'<li class="menu-group">.*?</li>\s*</ul>\s*</details>\s*</li>', "<li>GROUP</li>", menu, flags=re.S)
    return re.findall(r"<li>", bar)


@pytest.mark.parametrize(
    ("role", "most", "groups"), [("observer", 7, 0), ("volunteer", 11, 1), ("coordinator", 13, 2), ("admin", 13, 2)]
)
def test_each_role_sees_a_short_menu_bar(app, login_as, role, most, groups):
    client, _ = login_as(role)
    menu = menu_of(client.get("/?lang=en").get_data(as_text=True))
    assert len(top_level(menu)) <= most
    assert menu.count('<li class="menu-group">') == groups


def test_every_link_of_the_table_is_offered_to_exactly_those_who_may_open_it(app, login_as):
    from observer_portal.models import Role
    from observer_portal.permissions import PUBLIC, SIGNED_IN, view_access

    access = view_access(app)
    for role in ("observer", "media", "volunteer", "coordinator", "admin"):
        client, _ = login_as(role)
        menu = menu_of(client.get("/?lang=en").get_data(as_text=True))
        for group in MENU:
            for link in group.links:
                with app.test_request_context():
                    from flask import url_for

                    href = url_for(link.endpoint)
                rule = access[link.endpoint]
                allowed = rule in (SIGNED_IN, PUBLIC) or Role(role) in rule
                assert (f'href="{href}"' in menu) == allowed, (role, link.endpoint)


def test_the_current_page_is_marked_and_so_is_its_group(app, login_as):
    client, _ = login_as("coordinator")
    menu = menu_of(client.get("/visits/?lang=en").get_data(as_text=True))
    assert re.search(r'href="/visits/" aria-current="page"', menu)
    assert '<summary class="menu-current">Briefings and reports</summary>' in menu
    assert menu.count('aria-current="page"') == 1
