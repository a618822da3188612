"""Builders for request and inventory tests."""

from __future__ import annotations

from datetime import timedelta

from observer_portal.extensions import db
from observer_portal.models import EquipmentItem, EquipmentKind, Loan, RequestKind, User
from observer_portal.models.base import utcnow
from observer_portal.services.assistance import RequestInput, create_request


def make_request(
    requester: User, kind: RequestKind = RequestKind.EQUIPMENT, hours: float = 4, details: str = "A printer"
):
    request = create_request(
        db.session, requester, RequestInput(kind=kind, details=details, needed_by=utcnow() + timedelta(hours=hours))
    )
    db.session.commit()
    return request


def make_item(centre_id: int, tag: str = "ATR-LAP-01", kind: EquipmentKind = EquipmentKind.LAPTOP) -> EquipmentItem:
    item = EquipmentItem(centre_id=centre_id, kind=kind, asset_tag=tag)
    db.session.add(item)
    db.session.commit()
    return item


def make_overdue_loan(item: EquipmentItem, lender: User, borrower: User) -> Loan:
    """A loan that went out two days ago and was due back two hours ago."""
    loan = Loan(
        item_id=item.id,
        borrower_id=borrower.visitor_profile.id,
        out_by_id=lender.id,
        out_at=utcnow() - timedelta(days=2),
        due_at=utcnow() - timedelta(hours=2),
    )
    db.session.add(loan)
    db.session.commit()
    return loan
