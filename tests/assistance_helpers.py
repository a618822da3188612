"""Builders for request and inventory tests."""

from __future__ import annotations

from datetime import timedelta

from observer_portal.extensions import db
from observer_portal.models import EquipmentItem, EquipmentKind, RequestKind, User
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
