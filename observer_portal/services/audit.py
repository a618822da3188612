"""Append-only audit trail of who changed what (logins, roles, exports, deletions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from observer_portal.i18n import reader_locale
from observer_portal.models import AuditAction, AuditEvent, Centre, User
from observer_portal.paging import Keyset


def record(session: Session, actor: User | None, action: str, obj: Any = None, **details: Any) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details={key: value for key, value in details.items() if value is not None},
    )
    session.add(event)
    return event


NEWEST_FIRST = Keyset((AuditEvent.id,), descending=True)
#: changes to what every centre shares: each centre's coordinators see them
SHARED_ACTIONS = tuple(action for action in AuditAction if action.value.startswith("glossary."))


def recent_events(session: Session, centre_id: int | None, before_id: int | None, size: int):
    """Newest first, keyset-paginated. For one centre (None: every centre): what its people
    did, and what was done to its accounts by nobody signed in — a failed sign-in to a
    coordinator's account has no actor, and its centre must see it."""
    stmt = select(AuditEvent)
    if centre_id is not None:
        of_centre = select(User.id).where(User.centre_id == centre_id)
        stmt = stmt.where(
            or_(
                AuditEvent.actor_id.in_(of_centre),
                AuditEvent.action.in_(SHARED_ACTIONS),  # the glossary is every centre's
                and_(
                    AuditEvent.actor_id.is_(None), AuditEvent.object_type == "User", AuditEvent.object_id.in_(of_centre)
                ),
            )
        )
    return NEWEST_FIRST.page(session, stmt, before_id, size)


def object_names(session: Session, events: list[AuditEvent]) -> dict[int, str]:
    """What each event was about, as a person reads it (a name, a tag, a title — never a row id).

    One query per kind of object on the page, whatever the number of events."""
    from observer_portal.models import Briefing, BriefingTranslation, EquipmentItem, Visit, VisitorProfile

    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_type and event.object_id is not None:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    names: dict[tuple[str, int], str] = {}
    queries = {
        "User": select(User.id, User.display_name).where(User.id.in_(wanted.get("User", ()))),
        "VisitorProfile": select(VisitorProfile.id, VisitorProfile.full_name).where(
            VisitorProfile.id.in_(wanted.get("VisitorProfile", ()))
        ),
        "Visit": select(Visit.id, VisitorProfile.full_name)
        .join(VisitorProfile, Visit.visitor_id == VisitorProfile.id)
        .where(Visit.id.in_(wanted.get("Visit", ()))),
        "EquipmentItem": select(EquipmentItem.id, EquipmentItem.asset_tag).where(
            EquipmentItem.id.in_(wanted.get("EquipmentItem", ()))
        ),
        "Briefing": select(Briefing.id, BriefingTranslation.title)
        .join(BriefingTranslation, BriefingTranslation.briefing_id == Briefing.id)
        .where(Briefing.id.in_(wanted.get("Briefing", ())), BriefingTranslation.locale == Briefing.original_locale),
    }
    for kind, stmt in queries.items():
        if wanted.get(kind):
            names.update({(kind, row_id): name for row_id, name in session.execute(stmt)})
    if wanted.get("Election"):  # named in the reader's language
        from observer_portal.models import Election

        chosen = select(Election).where(Election.id.in_(wanted["Election"]))
        names.update(
            {("Election", election.id): election.name(reader_locale()) for election in session.scalars(chosen)}
        )
    if wanted.get("Organisation"):
        from observer_portal.models import Organisation

        chosen = select(Organisation).where(Organisation.id.in_(wanted["Organisation"]))
        names.update({("Organisation", o.id): o.label for o in session.scalars(chosen)})
    if wanted.get("AccreditationImport"):
        from observer_portal.models import AccreditationImport

        chosen = select(AccreditationImport.id, AccreditationImport.filename)
        names.update(
            {
                ("AccreditationImport", i): name
                for i, name in session.execute(chosen.where(AccreditationImport.id.in_(wanted["AccreditationImport"])))
            }
        )
    if wanted.get("GlossaryTerm"):
        from observer_portal.models import GlossaryTerm

        chosen = select(GlossaryTerm).where(GlossaryTerm.id.in_(wanted["GlossaryTerm"]))
        names.update({("GlossaryTerm", term.id): term.english for term in session.scalars(chosen)})
    if wanted.get("Centre"):
        chosen = select(Centre).where(Centre.id.in_(wanted["Centre"]))
        names.update({("Centre", centre.id): centre.name for centre in session.scalars(chosen)})
    described = {
        event.id: describe_object(event.object_type, names.get((event.object_type, event.object_id)) or _kept(event))
        for event in events
        if event.object_type
    }
    described.update({event.id: _imported(event) for event in events if event.action == "glossary.imported"})
    return described


def _kept(event: AuditEvent) -> str | None:
    """The name an event kept of its object (a glossary term), for one removed since."""
    return (event.details or {}).get("term") if event.object_type == "GlossaryTerm" else None


def _imported(event: AuditEvent) -> str:
    from observer_portal.lazy_text import LocalNumber, _l

    details = event.details or {}
    return str(
        _l(
            "Terms added: %(added)s. Changed: %(updated)s.",
            added=LocalNumber(details.get("added", 0)),
            updated=LocalNumber(details.get("updated", 0)),
        )
    )


def describe_object(kind: str, name: str | None) -> str:
    from observer_portal.lazy_text import _l

    if name is None:
        return str(_l("(no longer in the portal)"))
    templates = {
        "User": _l("Account of %(name)s", name=name),
        "VisitorProfile": _l("Visitor %(name)s", name=name),
        "Visit": _l("Visit of %(name)s", name=name),
        "EquipmentItem": _l("Equipment %(name)s", name=name),
        "Briefing": _l("Briefing “%(name)s”", name=name),
        "Election": _l("Election “%(name)s”", name=name),
        "Centre": _l("Centre “%(name)s”", name=name),
        "Organisation": _l("Mission or outlet “%(name)s”", name=name),
        "AccreditationImport": _l("List “%(name)s”", name=name),
        "GlossaryTerm": _l("Glossary term “%(name)s”", name=name),
    }
    return str(templates.get(kind, name))
