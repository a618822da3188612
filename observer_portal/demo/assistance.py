"""Demo requests and equipment: open, assigned, in-progress and done requests of every
kind, an inventory of what the seed story's centre lends, and loans (one overdue)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observer_portal.models import (
    Centre,
    Condition,
    EquipmentItem,
    EquipmentKind,
    EventAction,
    Loan,
    LocationKind,
    Priority,
    RequestKind,
    ServiceRequest,
    User,
)
from observer_portal.models.base import utcnow
from observer_portal.services.assistance import RequestInput, create_request
from observer_portal.services.request_actions import perform
from observer_portal.services.workflow import Action

ITEMS = {
    "atyrau": [
        (EquipmentKind.LAPTOP, "ATR-LAP-01", "Lenovo ThinkPad, Russian/English keyboard"),
        (EquipmentKind.LAPTOP, "ATR-LAP-02", "Lenovo ThinkPad, Russian/English keyboard"),
        (EquipmentKind.LAPTOP, "ATR-LAP-03", "HP ProBook, German keyboard"),
        (EquipmentKind.PRINTER, "ATR-PRN-01", "HP LaserJet, A4, black and white"),
        (EquipmentKind.SCANNER, "ATR-SCN-01", "Canon flatbed scanner"),
        (EquipmentKind.PROJECTOR, "ATR-PRJ-01", "Epson projector with HDMI cable"),
        (EquipmentKind.ROUTER, "ATR-WIFI-01", "Portable Wi-Fi router"),
        (EquipmentKind.SIM_CARD, "ATR-SIM-01", "Prepaid SIM, 20 GB data"),
        (EquipmentKind.SIM_CARD, "ATR-SIM-02", "Prepaid SIM, 20 GB data"),
        (EquipmentKind.SIM_CARD, "ATR-SIM-03", "Prepaid SIM, 20 GB data"),
        (EquipmentKind.MODEM, "ATR-MDM-01", "4G USB modem"),
    ],
    "karaganda": [
        (EquipmentKind.LAPTOP, "KRG-LAP-01", "Dell Latitude"),
        (EquipmentKind.PRINTER, "KRG-PRN-01", "Brother laser printer"),
        (EquipmentKind.SIM_CARD, "KRG-SIM-01", "Prepaid SIM, 10 GB data"),
    ],
}


def _user(session: Session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def _item(session: Session, tag: str) -> EquipmentItem:
    return session.scalar(select(EquipmentItem).where(EquipmentItem.asset_tag == tag))


def load_demo_assistance(session: Session) -> int:
    created = 0
    for slug, items in ITEMS.items():
        centre = session.scalar(select(Centre).where(Centre.slug == slug))
        for kind, tag, description in items:
            if _item(session, tag) is None:
                session.add(EquipmentItem(centre_id=centre.id, kind=kind, asset_tag=tag, description=description))
                created += 1
    session.flush()
    atyrau = session.scalar(select(Centre).where(Centre.slug == "atyrau"))
    if session.scalar(select(func.count(ServiceRequest.id)).where(ServiceRequest.centre_id == atyrau.id)):
        return created  # requests were loaded before: nothing to add

    now = utcnow()
    hannah, claire = _user(session, "h.mueller@osce.example.org"), _user(session, "c.dubois@osce.example.org")
    andrei, james = _user(session, "a.petrov@cis.example.org"), _user(session, "j.smith@dw.example.org")
    aruzhan, timur = _user(session, "aruzhan@atyrau.example.org"), _user(session, "timur@atyrau.example.org")
    madina, coordinator = _user(session, "madina@atyrau.example.org"), _user(session, "coordinator@atyrau.example.org")

    def ask(user, kind, details, hours, **kwargs):
        return create_request(
            session, user, RequestInput(kind=kind, details=details, needed_by=now + timedelta(hours=hours), **kwargs)
        )

    printer = ask(
        hannah,
        RequestKind.EQUIPMENT,
        "A printer for about 20 pages of interview notes tonight.",
        5,
        priority=Priority.HIGH,
    )
    wifi = ask(
        claire,
        RequestKind.INTERNET,
        "The hotel Wi-Fi asks for a Kazakh phone number to log in.",
        2,
        location_kind=LocationKind.HOTEL,
        location="Hotel Renaissance Atyrau",
        priority=Priority.URGENT,
    )
    perform(session, aruzhan, wifi, Action.CLAIM)
    laptop = ask(andrei, RequestKind.EQUIPMENT, "A laptop for the day to write the observation report.", 20)
    perform(session, timur, laptop, Action.CLAIM)
    perform(session, timur, laptop, Action.START, note="ATR-LAP-01 is ready at the front desk.")
    sim = ask(james, RequestKind.INTERNET, "A SIM card with data for three days of filming.", 1)
    perform(session, madina, sim, Action.CLAIM)
    perform(session, madina, sim, Action.COMPLETE, note="ATR-SIM-01 handed over.")
    other = ask(
        hannah,
        RequestKind.OTHER,
        "Directions to polling station No. 12 by public transport.",
        30,
        location_kind=LocationKind.POLLING_STATION,
        location="No. 12",
    )
    perform(session, hannah, other, Action.CANCEL, note="Found it myself, thank you.")
    walk_in = create_request(
        session,
        madina,
        RequestInput(
            kind=RequestKind.EQUIPMENT,
            details="Scan and e-mail four pages of accreditation documents.",
            needed_by=now + timedelta(hours=1),
        ),
        visitor=claire.visitor_profile,
    )
    perform(session, coordinator, walk_in, Action.ASSIGN, assignee=madina)
    # filed a while before they were taken on, as at a real desk (the reports' waits)
    for request, minutes in ((printer, 40), (wifi, 25), (laptop, 55), (sim, 15), (other, 90), (walk_in, 10)):
        _filed_earlier(session, request, timedelta(minutes=minutes))

    loans = [
        ("ATR-LAP-01", andrei, timedelta(hours=-3), timedelta(hours=8), laptop, None),
        ("ATR-SIM-01", james, timedelta(days=-2), timedelta(hours=-2), sim, None),  # overdue
        ("ATR-PRJ-01", hannah, timedelta(days=-3), timedelta(days=-2), None, timedelta(days=-2, hours=1)),
    ]
    for tag, borrower, out, due, request, returned in loans:
        session.add(
            Loan(
                item_id=_item(session, tag).id,
                borrower_id=borrower.visitor_profile.id,
                request_id=request.id if request else None,
                out_at=now + out,
                due_at=now + due,
                returned_at=now + returned if returned else None,
                out_by_id=timur.id,
                returned_by_id=timur.id if returned else None,
            )
        )
    _item(session, "ATR-MDM-01").condition = Condition.OUT_OF_SERVICE
    session.flush()
    return created + 6


def _filed_earlier(session: Session, request: ServiceRequest, earlier: timedelta) -> None:
    """Move a demo request's filing (and its "created" event) back in time."""
    session.flush()
    request.created_at = request.created_at - earlier
    for event in request.events:
        if event.action == EventAction.CREATED:
            event.created_at = event.created_at - earlier
