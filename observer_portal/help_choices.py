"""The kinds of help one can ask the centre for, in one list: the page that asks "what do you
need?" first, and the forms that then show only the fields of that kind.

Equipment, internet and other help share the general form; a translation, a document, an
interpreter and a phone call each have the language form with only their own fields. Staff
filing for a walk-in go through the same list, the visitor (and visit) carried along."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from observer_portal.lazy_text import _l
from observer_portal.models import HelpMode, RequestKind


@dataclass(frozen=True)
class HelpChoice:
    label: object
    hint: object
    kind: RequestKind | None = None  # a general request of this kind
    mode: HelpMode | None = None  # or language help of this mode

    def url(self, *, for_visitor: bool = False, **carried: object) -> str:
        """Where this choice leads: the observer's own form, or staff's form for a walk-in."""
        if self.mode is not None:
            endpoint = "language_help.create_for_visitor" if for_visitor else "language_help.create"
            return url_for(endpoint, mode=self.mode.value, **carried)
        endpoint = "assistance.create_for_visitor" if for_visitor else "assistance.create"
        return url_for(endpoint, kind=self.kind.value, **carried)


HELP_CHOICES = (
    HelpChoice(_l("Office equipment"), _l("A printer, copier, scanner or a laptop."), kind=RequestKind.EQUIPMENT),
    HelpChoice(_l("Internet access"), _l("Wi-Fi, a SIM card with data, a place to work online."), RequestKind.INTERNET),
    HelpChoice(_l("Translate a text"), _l("Paste it; a volunteer translates it."), mode=HelpMode.WRITTEN),
    HelpChoice(_l("Translate a document"), _l("A .txt or Word file."), mode=HelpMode.DOCUMENT),
    HelpChoice(_l("An interpreter at a meeting"), _l("At a date, time and place."), mode=HelpMode.INTERPRETATION),
    HelpChoice(_l("Help with a phone call"), _l("A volunteer makes or interprets the call."), mode=HelpMode.PHONE),
    HelpChoice(_l("Other help"), _l("Anything else the centre can do."), kind=RequestKind.OTHER),
)

#: the fields of the language form that each mode asks for (besides the languages and notes)
MODE_FIELDS = {
    HelpMode.WRITTEN: ("text", "needed_by"),
    HelpMode.DOCUMENT: ("document", "needed_by"),
    HelpMode.INTERPRETATION: ("starts_at", "ends_at", "place"),
    HelpMode.PHONE: ("needed_by",),
}
#: the fields each mode cannot do without (its validators allow them empty for the other modes)
MODE_REQUIRED = {"text", "document", "starts_at", "ends_at", "place"}


def chosen_mode(value: object) -> HelpMode | None:
    try:
        return HelpMode(str(value))
    except ValueError:
        return None
