"""Equipment inventory and loans. One open loan per item is enforced by a partial
unique index; two volunteers lending the same laptop at once get one loan and one
clear message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from observer_portal.lazy_text import _l
from observer_portal.models import (
    Condition,
    EquipmentItem,
    EquipmentKind,
    Loan,
    Notification,
    Role,
    ServiceRequest,
    User,
    VisitorProfile,
)
from observer_portal.models.base import utcnow
from observer_portal.services import ServiceError
from observer_portal.services.audit import record
from observer_portal.services.notifications import LOAN_OVERDUE, notify


@dataclass
class ItemInput:
    kind: EquipmentKind
    asset_tag: str
    description: str = ""
    condition: Condition = Condition.GOOD
    notes: str = ""


def _check_tag(session: Session, tag: str, item_id: int | None = None) -> str:
    tag = tag.strip().upper()
    if not tag:
        raise ServiceError(_l("Give the asset tag printed on the item."), field="asset_tag")
    clash = select(EquipmentItem.id).where(func.upper(EquipmentItem.asset_tag) == tag)
    if item_id is not None:
        clash = clash.where(EquipmentItem.id != item_id)
    if session.scalar(clash):
        raise ServiceError(_l("Another item already has this asset tag."), field="asset_tag")
    return tag


def create_item(session: Session, actor: User, centre_id: int, data: ItemInput) -> EquipmentItem:
    item = EquipmentItem(
        centre_id=centre_id,
        kind=data.kind,
        asset_tag=_check_tag(session, data.asset_tag),
        description=data.description.strip(),
        condition=data.condition,
        notes=data.notes.strip(),
    )
    session.add(item)
    session.flush()
    record(session, actor, "equipment.created", item, tag=item.asset_tag)
    return item


def update_item(session: Session, actor: User, item: EquipmentItem, data: ItemInput) -> None:
    item.asset_tag = _check_tag(session, data.asset_tag, item.id)
    item.kind, item.description, item.condition, item.notes = (
        data.kind,
        data.description.strip(),
        data.condition,
        data.notes.strip(),
    )
    record(session, actor, "equipment.updated", item)


def open_loan(session: Session, item_id: int) -> Loan | None:
    return session.scalar(select(Loan).where(Loan.item_id == item_id, Loan.returned_at.is_(None)))


def check_out(
    session: Session,
    actor: User,
    item: EquipmentItem,
    borrower: VisitorProfile | None,
    due_at: datetime,
    *,
    request: ServiceRequest | None = None,
    notes: str = "",
) -> Loan:
    if borrower is None:
        raise ServiceError(_l("Choose who borrows the item."), field="borrower")
    if item.condition == Condition.OUT_OF_SERVICE or not item.active:
        raise ServiceError(_l("This item is out of service and cannot be lent."))
    now = utcnow()
    if due_at <= now:
        raise ServiceError(_l("The return time must be in the future."), field="due_at")
    if due_at > now + timedelta(days=30):
        raise ServiceError(_l("Choose a return time within the next 30 days."), field="due_at")
    if request is not None and request.centre_id != item.centre_id:
        raise ServiceError(_l("That request belongs to another centre."), field="request")
    loan = Loan(
        item_id=item.id,
        borrower_id=borrower.id,
        request_id=request.id if request else None,
        due_at=due_at,
        out_by_id=actor.id,
        notes=notes.strip(),
    )
    try:
        with session.begin_nested():
            session.add(loan)
    except IntegrityError:
        current = open_loan(session, item.id)
        if current is not None and current.borrower is not None:
            raise ServiceError(
                _l(
                    "%(tag)s is already on loan to %(name)s. Check it in first, or lend another item.",
                    tag=item.asset_tag,
                    name=current.borrower.full_name,
                )
            ) from None
        raise ServiceError(_l("This item is already on loan. Check it in first.")) from None
    record(session, actor, "equipment.checked_out", item, loan_id=loan.id)
    return loan


def check_in(session: Session, actor: User, loan: Loan, condition: Condition | None = None) -> None:
    result = session.execute(
        update(Loan)
        .where(Loan.id == loan.id, Loan.returned_at.is_(None))
        .values(returned_at=utcnow(), returned_by_id=actor.id),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise ServiceError(_l("This item has already been checked in."))
    session.expire(loan)
    if condition is not None:
        loan.item.condition = condition
    record(session, actor, "equipment.checked_in", loan.item, loan_id=loan.id)


def items(
    session: Session, centre_id: int | None, kind: EquipmentKind | None = None
) -> list[tuple[EquipmentItem, Loan | None]]:
    """Every item of a centre with its open loan (two queries)."""
    stmt = (
        select(EquipmentItem)
        .where(EquipmentItem.active.is_(True))
        .order_by(EquipmentItem.kind, EquipmentItem.asset_tag)
    )
    if centre_id is not None:
        stmt = stmt.where(EquipmentItem.centre_id == centre_id)
    if kind is not None:
        stmt = stmt.where(EquipmentItem.kind == kind)
    found = list(session.scalars(stmt))
    loans = {}
    if found:
        loans = {
            loan.item_id: loan
            for loan in session.scalars(
                select(Loan).where(Loan.item_id.in_([i.id for i in found]), Loan.returned_at.is_(None))
            )
        }
    return [(item, loans.get(item.id)) for item in found]


def overdue_loans(session: Session, centre_id: int | None, now: datetime | None = None) -> list[Loan]:
    stmt = (
        select(Loan)
        .join(EquipmentItem, Loan.item_id == EquipmentItem.id)
        .where(Loan.returned_at.is_(None), Loan.due_at < (now or utcnow()))
        .options(selectinload(Loan.item))
        .order_by(Loan.due_at)
    )
    if centre_id is not None:
        stmt = stmt.where(EquipmentItem.centre_id == centre_id)
    return list(session.scalars(stmt))


def item_history(session: Session, item: EquipmentItem, limit: int = 100) -> list[Loan]:
    return list(session.scalars(select(Loan).where(Loan.item_id == item.id).order_by(Loan.id.desc()).limit(limit)))


def notify_overdue(session: Session, now: datetime | None = None) -> list[Notification]:
    """Tell the lender (and the borrower, when they have an account) once per overdue loan."""
    created: list[Notification] = []
    for loan in overdue_loans(session, None, now):
        if loan.overdue_notified_at is not None:
            continue
        params = {
            "kind": loan.item.kind.value,
            "tag": loan.item.asset_tag,
            "due": loan.due_at.isoformat(),
            "item": loan.item_id,
        }
        recipients = {loan.out_by_id, loan.borrower.user_id}
        coordinators = session.scalars(
            select(User.id).where(
                User.centre_id == loan.item.centre_id, User.role == Role.COORDINATOR, User.active.is_(True)
            )
        )
        recipients.update(coordinators)
        for user_id in sorted(filter(None, recipients)):
            created.append(notify(session, user_id, LOAN_OVERDUE, params=params))
        loan.overdue_notified_at = now or utcnow()
    return created
