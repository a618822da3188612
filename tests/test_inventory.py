"""Equipment inventory: lending and returns, one open loan per item (enforced by the
database, also under concurrency), overdue loans and their notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from observer_portal.extensions import db
from observer_portal.models import Condition, EquipmentItem, Loan, Notification, User
from observer_portal.models.base import utcnow
from observer_portal.services.inventory import check_out
from tests.assistance_helpers import make_item, make_overdue_loan
from tests.helpers import make_centre, make_user, post_form
from tests.test_assistance import _race, local


def test_coordinator_adds_an_item_and_tags_are_unique(app, login_as):
    client, _ = login_as("coordinator")
    form = {"kind": "laptop", "asset_tag": "atr-lap-07", "description": "ThinkPad", "condition": "good", "notes": ""}
    assert post_form(client, "/inventory/new", form).status_code == 302
    response = post_form(client, "/inventory/new", {**form, "asset_tag": "ATR-LAP-07 "})
    assert "Another item already has this asset tag." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(EquipmentItem.asset_tag)).all() == ["ATR-LAP-07"]


def test_lend_and_return_with_history(app, login_as):
    client, volunteer = login_as("volunteer")
    with app.app_context():
        item_id = make_item(volunteer.centre_id).id
        borrower_id = make_user("observer", name="Hannah Müller").visitor_profile.id
    page = f"/inventory/{item_id}"
    response = post_form(
        client, f"/inventory/{item_id}/checkout", {"borrower": str(borrower_id), "due_at": local(6, app)}, page=page
    )
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Lent to Hannah Müller" in html
    assert "Available at the centre" not in client.get("/inventory/").get_data(as_text=True)
    post_form(client, f"/inventory/{item_id}/checkin", {"condition": "worn"}, page=page)
    with app.app_context():
        loan = db.session.scalar(select(Loan))
        assert loan.returned_at is not None
        assert loan.returned_by_id == volunteer.id
        assert db.session.get(EquipmentItem, item_id).condition == Condition.WORN
    assert "Available at the centre" in client.get("/inventory/").get_data(as_text=True)


def test_checkout_with_bad_input_writes_nothing(app, login_as):
    client, volunteer = login_as("volunteer")
    with app.app_context():
        item_id = make_item(volunteer.centre_id).id
        borrower_id = make_user("observer").visitor_profile.id
    page = f"/inventory/{item_id}"
    for data, message in [
        ({"borrower": str(borrower_id), "due_at": local(-2, app)}, "The return time must be in the future."),
        ({"borrower": str(borrower_id), "due_at": local(24 * 40, app)}, "within the next 30 days"),
        ({"borrower": "999999", "due_at": local(3, app)}, "Not a valid choice"),
        ({"borrower": str(borrower_id), "due_at": "tomorrow"}, "Not a valid datetime value."),
    ]:
        response = post_form(client, f"/inventory/{item_id}/checkout", data, page=page)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Loan.id))) == 0


def test_the_database_refuses_a_second_open_loan(app_ctx):
    centre = make_centre("atyrau")
    item = make_item(centre.id)
    borrower = make_user("observer").visitor_profile
    due = utcnow() + timedelta(hours=2)
    db.session.add(Loan(item_id=item.id, borrower_id=borrower.id, due_at=due))
    db.session.commit()
    db.session.add(Loan(item_id=item.id, borrower_id=borrower.id, due_at=due))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.execute(text("UPDATE loans SET returned_at = due_at"))  # returned: a new loan is fine
    db.session.add(Loan(item_id=item.id, borrower_id=borrower.id, due_at=due))
    db.session.commit()
    assert db.session.scalar(select(func.count(Loan.id))) == 2


@pytest.mark.commits  # threads, each with its own connection
def test_twenty_volunteers_lend_one_item_at_once_and_one_loan_exists(app):
    with app.app_context():
        centre_id = make_centre("atyrau").id
        volunteers = [make_user("volunteer").id for _ in range(20)]
        item_id = make_item(centre_id).id
        borrowers = [make_user("observer").visitor_profile.id for _ in range(20)]

    def lend(index: int) -> None:
        from observer_portal.models import VisitorProfile

        item = db.session.get(EquipmentItem, item_id)
        check_out(
            db.session,
            db.session.get(User, volunteers[index]),
            item,
            db.session.get(VisitorProfile, borrowers[index]),
            utcnow() + timedelta(hours=3),
        )
        db.session.commit()

    results = _race(app, 20, lend)
    assert sorted(results) == ["lost"] * 19 + ["won"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Loan.id))) == 1


def test_overdue_loans_are_listed_and_notified_once(app, login_as):
    client, coordinator = login_as("coordinator")
    with app.app_context():
        item = make_item(coordinator.centre_id, "ATR-SIM-01", kind="sim_card")
        lender = make_user("volunteer")
        borrower = make_user("media", name="James Smith")
        make_overdue_loan(item, lender, borrower)
        lender_id, borrower_user_id, borrower_email, item_id = lender.id, borrower.id, borrower.email, item.id
    html = client.get("/inventory/").get_data(as_text=True)
    assert "Overdue loans" in html
    assert "James Smith" in html
    result = app.test_cli_runner().invoke(args=["loans", "notify-overdue"])
    assert "3 notification(s) created." in result.output  # lender, borrower, coordinator
    again = app.test_cli_runner().invoke(args=["loans", "notify-overdue"])
    assert "0 notification(s) created." in again.output
    with app.app_context():
        notified = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "loan_overdue")))
        assert notified == {lender_id, borrower_user_id, coordinator.id}
    staff_page = client.get("/notifications").get_data(as_text=True)
    assert "ATR-SIM-01" in staff_page
    assert f'href="/inventory/{item_id}"' in staff_page  # where it leads is decided when read
    from tests.helpers import login

    journalist = app.test_client()
    login(journalist, borrower_email)
    own_page = journalist.get("/notifications").get_data(as_text=True)
    assert "ATR-SIM-01" in own_page
    assert "/inventory/" not in own_page  # the borrower is never sent to a staff page they cannot open


def test_out_of_service_items_cannot_be_lent(app_ctx):
    from observer_portal.services import ServiceError

    centre = make_centre("atyrau")
    item = make_item(centre.id)
    item.condition = Condition.OUT_OF_SERVICE
    db.session.commit()
    with pytest.raises(ServiceError):
        check_out(
            db.session,
            make_user("volunteer"),
            item,
            make_user("observer").visitor_profile,
            utcnow() + timedelta(hours=1),
        )


def test_items_of_another_centre_are_hidden(app, login_as):
    client, _ = login_as("volunteer")
    with app.app_context():
        other_id = make_item(make_centre("karaganda").id, "KRG-LAP-01").id
    assert client.get(f"/inventory/{other_id}").status_code == 404
    assert "KRG-LAP-01" not in client.get("/inventory/").get_data(as_text=True)
