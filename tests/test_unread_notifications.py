"""The unread notifications counted on the user by triggers (migration 0028): equal to the
unread notifications after any insert, reading, unreading, move and deletion, on both
databases; and the header reads the count with the user, without a query."""

from __future__ import annotations

from observer_portal.extensions import db
from observer_portal.models import User
from tests.helpers import QueryCounter, make_user


def test_the_unread_count_is_kept_on_the_user_and_read_without_a_query(app, login_as):
    """Triggers keep `users.unread_notifications` equal to the unread notifications after any
    insert, reading, unreading and deletion; the header reads it with the user."""
    from sqlalchemy import delete, func, select, update

    from observer_portal.models import Notification
    from observer_portal.models.base import utcnow
    from observer_portal.services.notifications import mark_all_read, notify

    client, person = login_as("volunteer")
    with app.app_context():
        other = make_user("observer")
        user = db.session.get(User, person.id)

        def counted(who) -> int:
            return db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.user_id == who.id, Notification.read_at.is_(None)
                )
            )

        def kept(who) -> int:
            db.session.expire(who, ["unread_notifications"])
            return who.unread_notifications

        for n in range(5):
            notify(db.session, user.id, "request.status", params={"id": n, "status": "new"})
        notify(db.session, other.id, "request.status", params={"id": 9, "status": "new"})
        db.session.flush()
        assert kept(user) == counted(user) == 5
        first = db.session.scalar(select(Notification).where(Notification.user_id == user.id).limit(1))
        first.read_at = utcnow()
        db.session.flush()
        assert kept(user) == counted(user) == 4
        first.read_at = None  # unread again
        db.session.flush()
        assert kept(user) == counted(user) == 5
        db.session.execute(update(Notification).where(Notification.id == first.id).values(user_id=other.id))
        assert (kept(user), kept(other)) == (counted(user), counted(other)) == (4, 2)
        db.session.execute(delete(Notification).where(Notification.user_id == other.id, Notification.id != first.id))
        assert kept(other) == counted(other) == 1
        db.session.commit()
    page = client.get("/account").get_data(as_text=True)
    assert ">4<" in page  # the header's count
    with app.app_context(), QueryCounter(db.engine) as counter:
        client.get("/account")
    assert not [s for s in counter.statements if "FROM notifications" in s], counter.statements
    with app.app_context():
        mark_all_read(db.session, person.id)
        assert kept(db.session.get(User, person.id)) == 0
