"""The centre's equipment: items, lending and returns, overdue loans."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from observer_portal import policies
from observer_portal.extensions import db
from observer_portal.forms import as_choices, read_filters, show_form_error, visitor_choices
from observer_portal.inventory import bp
from observer_portal.inventory.forms import CheckinForm, CheckoutForm, InventoryFilterForm, ItemForm
from observer_portal.labels import EQUIPMENT_KIND_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import (
    OPEN_STATUSES,
    Condition,
    EquipmentItem,
    EquipmentKind,
    RequestKind,
    ServiceRequest,
    VisitorProfile,
)
from observer_portal.paging import parse_id
from observer_portal.permissions import MANAGERS, STAFF, roles_required
from observer_portal.services import ServiceError
from observer_portal.services import inventory as service
from observer_portal.services.assistance import centre_visitors
from observer_portal.timezones import local_in, local_to_utc
from observer_portal.unit_of_work import flash_refusal


def _scope() -> int | None:
    return policies.centre_scope(current_user)


def _item(item_id: int, manage: bool = False) -> EquipmentItem:
    """The item, or 404 for one `current_user` may not see (or, with `manage`, not change)."""
    item = db.get_or_404(EquipmentItem, item_id)
    allowed = policies.can_manage_item if manage else policies.can_see_item
    if not allowed(current_user, item):
        abort(404)
    return item


@bp.get("/")
@roles_required(*STAFF)
def index():
    form = InventoryFilterForm(request.args)
    form.kind.choices = as_choices([("", _l("All kinds"))] + list(EQUIPMENT_KIND_LABELS.items()))
    kind = EquipmentKind(form.kind.data) if read_filters(form) and form.kind.data else None
    rows = service.items(db.session, _scope(), kind)
    overdue = service.overdue_loans(db.session, _scope())
    return render_template("inventory/index.html", form=form, rows=rows, overdue=overdue)


def _read(form: ItemForm) -> service.ItemInput:
    return service.ItemInput(
        kind=EquipmentKind(form.kind.data),
        asset_tag=form.asset_tag.data,
        description=form.description.data or "",
        condition=Condition(form.condition.data),
        notes=form.notes.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    form = ItemForm()
    if current_user.centre_id is None:
        flash(_l("Administrators without a centre cannot add equipment; sign in as a coordinator."), "error")
        return redirect(url_for("inventory.index"))
    if form.validate_on_submit():
        try:
            item = service.create_item(db.session, current_user, current_user.centre_id, _read(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Item %(tag)s added.", tag=item.asset_tag), "success")
            return redirect(url_for("inventory.detail", item_id=item.id))
    return render_template("inventory/edit.html", form=form, item=None)


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(item_id: int):
    item = _item(item_id, manage=True)
    form = ItemForm(obj=item)
    if request.method == "GET":
        form.kind.data, form.condition.data = item.kind.value, item.condition.value
    if form.validate_on_submit():
        try:
            service.update_item(db.session, current_user, item, _read(form))
        except ServiceError as error:
            show_form_error(form, error)
        else:
            flash(_l("Item %(tag)s saved.", tag=item.asset_tag), "success")
            return redirect(url_for("inventory.detail", item_id=item.id))
    return render_template("inventory/edit.html", form=form, item=item)


def _checkout_form(item: EquipmentItem) -> CheckoutForm:
    form = CheckoutForm()
    visitors = centre_visitors(db.session, current_user)
    form.borrower.choices = as_choices([("", _l("Choose a visitor"))] + visitor_choices(visitors))
    open_requests = db.session.scalars(
        select(ServiceRequest)
        .where(
            ServiceRequest.centre_id == item.centre_id,
            ServiceRequest.kind.in_([RequestKind.EQUIPMENT, RequestKind.INTERNET]),
            ServiceRequest.status.in_(OPEN_STATUSES),
        )
        .order_by(ServiceRequest.id.desc())
        .limit(200)
    )
    form.request_id.choices = as_choices([("", _l("No request"))] + [(r.id, f"#{r.id}") for r in open_requests])
    return form


@bp.get("/<int:item_id>")
@roles_required(*STAFF)
def detail(item_id: int):
    item = _item(item_id)
    form = _checkout_form(item)
    form.due_at.data = local_in(24)
    if parse_id(request.args.get("request")):
        form.request_id.data = request.args["request"]
    return render_template(
        "inventory/detail.html",
        item=item,
        loan=service.open_loan(db.session, item.id),
        history=service.item_history(db.session, item),
        form=form,
        checkin_form=CheckinForm(data={"condition": item.condition.value}),
    )


@bp.post("/<int:item_id>/checkout")
@roles_required(*STAFF)
def checkout(item_id: int):
    item = _item(item_id)
    form = _checkout_form(item)
    if form.validate_on_submit():
        borrower = db.session.get(VisitorProfile, int(form.borrower.data))
        linked = db.session.get(ServiceRequest, int(form.request_id.data)) if form.request_id.data else None
        try:
            service.check_out(
                db.session,
                current_user,
                item,
                borrower,
                local_to_utc(form.due_at.data),
                request=linked,
                notes=form.notes.data or "",
            )
        except ServiceError as error:
            if error.field is None:  # about the item, not a field: the lending form may not even be shown now
                flash_refusal(error)
                return redirect(url_for("inventory.detail", item_id=item.id))
            show_form_error(form, error)
        else:
            flash(_l("%(tag)s lent to %(name)s.", tag=item.asset_tag, name=borrower.full_name), "success")
            return redirect(url_for("inventory.detail", item_id=item.id))
    return render_template(
        "inventory/detail.html",
        item=item,
        loan=service.open_loan(db.session, item.id),
        history=service.item_history(db.session, item),
        form=form,
        checkin_form=CheckinForm(data={"condition": item.condition.value}),
    ), 422


@bp.post("/<int:item_id>/checkin")
@roles_required(*STAFF)
def checkin(item_id: int):
    item = _item(item_id)
    form = CheckinForm()
    loan = service.open_loan(db.session, item.id)
    if form.validate_on_submit():
        if loan is None:
            flash(_l("This item has already been checked in."), "error")
        else:
            try:
                service.check_in(db.session, current_user, loan, Condition(form.condition.data))
            except ServiceError as error:
                flash_refusal(error)
            else:
                flash(_l("%(tag)s is back.", tag=item.asset_tag), "success")
    return redirect(url_for("inventory.detail", item_id=item.id))
