"""The main menu: what each person sees, in groups, from one table.

Every link is shown exactly to those its route admits (`permissions.may_open`). The day's
work stays one click away; the reports and the administration are groups that open as
disclosures of their own (no script) when they hold more than one link, so a coordinator's
fifteen links read as ten, and an observer's four stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer_portal.lazy_text import LazyText, _l
from observer_portal.permissions import may_open


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: LazyText
    current_on: tuple[str, ...] = ()  # endpoints, or blueprint prefixes ending in ".", where it is the page

    def is_current(self, endpoint: str | None) -> bool:
        if not endpoint:
            return False
        marks = self.current_on or (self.endpoint,)
        return any(endpoint == mark or (mark.endswith(".") and endpoint.startswith(mark)) for mark in marks)


@dataclass(frozen=True)
class Group:
    label: LazyText | None  # None: the links stand in the menu bar itself
    links: tuple[Link, ...]


MENU = (
    Group(
        None,
        (
            Link("main.home", _l("Home")),
            Link("briefings.index", _l("Briefings"), ("briefings.index", "briefings.detail")),
            Link("assistance.mine", _l("My requests"), ("assistance.", "language_help.create", "language_help.result")),
            Link("visits.mine", _l("My visits")),
        ),
    ),
    Group(
        None,  # the day's work: one click away for volunteers and coordinators alike
        (
            Link("visits.desk", _l("Front desk")),
            Link(
                "visits.visitors", _l("Visitors"), ("visits.visitors", "visits.visitor", "visits.merge", "visits.badge")
            ),
            Link("assistance.queue", _l("Request queue"), ("assistance.", "language_help.create_for_visitor")),
            Link(
                "language_help.jobs",
                _l("Language jobs"),
                ("language_help.jobs", "language_help.work", "language_help.bookings", "language_help.machine"),
            ),
            Link("inventory.index", _l("Equipment"), ("inventory.",)),
        ),
    ),
    Group(
        _l("Briefings and reports"),
        (
            Link(
                "briefings.manage",
                _l("Translations"),
                ("briefings.manage", "briefings.create", "briefings.edit", "briefings.translate", "briefings.history"),
            ),
            Link("glossary.index", _l("Glossary"), ("glossary.",)),
            Link("visits.log", _l("Visit log")),
            Link("language_help.coverage", _l("Language coverage")),
            Link(
                "reports.daily_page",
                _l("Daily report"),
                ("reports.daily_page", "reports.daily_notes", "reports.daily_subscriptions"),
            ),
            Link("reports.equal_treatment_page", _l("Equal treatment")),
        ),
    ),
    Group(
        _l("Administration"),
        (
            Link("staff.users", _l("Accounts"), ("staff.users", "staff.create_user", "staff.edit_user")),
            Link("centres.index", _l("Centres"), ("centres.",)),
            Link("accreditations.index", _l("Accreditation lists"), ("accreditations.",)),
            Link("organisations.index", _l("Missions and outlets"), ("organisations.",)),
            Link("elections.index", _l("Elections"), ("elections.",)),
            Link("staff.audit", _l("Audit log")),
        ),
    ),
)


@dataclass(frozen=True)
class ShownGroup:
    label: LazyText | None
    links: list[tuple[Link, bool]]  # (link, is the current page)

    @property
    def current(self) -> bool:
        return any(current for _, current in self.links)


def menu(endpoint: str | None) -> list[ShownGroup]:
    """The groups and links the signed-in person may open, the current page marked."""
    shown = []
    for group in MENU:
        links = [(link, link.is_current(endpoint)) for link in group.links if may_open(link.endpoint)]
        if links:
            shown.append(ShownGroup(group.label if len(links) > 1 else None, links))
    return shown
