"""One-time submission keys: a form sent twice is carried out once.

A reload after a lost answer, a double click, a browser retrying after the connection was
reset: each sends the same form again. Every state-changing form carries a key made when
it was shown (`forms.PortalForm.hidden_tag`, field `submission_key`). When a signed-in
person's form is carried out (the request ends in a redirect and is committed), the key and
where the redirect led (or, for a 201 that shows what it made, its Location) are stored in
the same transaction (`remember`, called by the unit
of work just before its commit). The same key again is answered with that redirect and a
message, and nothing is carried out (`answer_a_repeat`, before the view runs). Two copies
racing each other both run, but only one can commit: the second's commit meets the unique
key, is rolled back, and is answered like a repeat (`unit_of_work.finish`).

A refused form (422) stores nothing, so it can be corrected and sent again. Keys are kept
one day (`forget_old`, a periodic job).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import Response, flash, redirect, request
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from observer_portal.extensions import db
from observer_portal.lazy_text import _l
from observer_portal.models import Submission
from observer_portal.models.base import utcnow

FIELD = "submission_key"
KEEP = timedelta(days=1)
_KEY = re.compile(r"[0-9a-f]{32}")


def new_key() -> str:
    return secrets.token_hex(16)


def _sent_key() -> str | None:
    """The key of the form this request carries, if it is a signed-in person's form."""
    if request.method != "POST" or not current_user.is_authenticated:
        return None
    key = request.form.get(FIELD, "")
    return key if _KEY.fullmatch(key) else None


def _first_result(key: str) -> Response | None:
    location = db.session.scalar(
        select(Submission.location).where(Submission.user_id == current_user.id, Submission.key == key)
    )
    if location is None:
        return None
    flash(_l("This form had already been sent. Here is its result; what was sent again was not applied."), "info")
    return redirect(location, 303)


def answer_a_repeat() -> Response | None:
    """`before_request`: the same form again is answered with the first one's result."""
    key = _sent_key()
    return _first_result(key) if key is not None else None


def remember(response: Response) -> None:
    """Just before the commit of a request that did what its form asked: keep the key."""
    key = _sent_key()
    done = 300 <= response.status_code < 400 or response.status_code == 201  # redirected, or made and shown
    if key is None or not (done and response.location):
        return
    db.session.add(Submission(user_id=current_user.id, key=key, location=response.location[:2000]))


def repeat_after_conflict() -> Response | None:
    """The commit met this key already stored (a copy of the form committed first): the
    answer of that copy, or None when the conflict was about something else."""
    key = _sent_key()
    return _first_result(key) if key is not None else None


def forget_old(session: Session) -> int:
    """Keys older than a day: nobody resends a form that late."""
    return session.execute(delete(Submission).where(Submission.created_at < utcnow() - KEEP)).rowcount
