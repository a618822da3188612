"""One unit of work per HTTP request: views never commit or roll back.

The database work of a request is committed once, by `finish`, after the view has
returned a response that is not an error (status below 400) and before the response
leaves: a commit that fails becomes an error page, never a "saved" message. A request
that answered 4xx/5xx, raised, or had a refusal (`discard`) commits nothing. A form posted
and answered with its page again (not a redirect) was refused, and answers 422.

A form sent twice is carried out once (`submissions.py`): its one-time key is stored in
the same commit as the change, and a repeat is answered with the first result.

Side effects that must only follow committed work — e-mail today, jobs later — are
registered with `after_commit(callback)` and run once the commit succeeded; a failing
side effect is logged and never undoes or blocks the change it reports.

`tests/test_unit_of_work.py` fails when a blueprint module calls commit or rollback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, flash, g, request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from observer_portal import submissions
from observer_portal.extensions import db

log = logging.getLogger("observer_portal.unit_of_work")


def discard() -> None:
    """A service refused: undo this request's writes now (the page shown next reads the
    database as it was) and let nothing of this request be committed."""
    db.session.rollback()
    g.uow_discarded = True


def flash_refusal(error) -> None:
    """Show a refusal (a ServiceError) as a message on the next page; nothing is committed."""
    discard()
    flash(error.message, "error")


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` after this request's work is committed (never if it is not)."""
    g.setdefault("uow_after_commit", []).append(callback)


def refused_form_status(response: Response) -> Response:
    """A form posted and answered with a page (not a redirect) was refused: every view
    redirects after a change it made (Post/Redirect/Get). Answer 422, so browsers, tests and
    logs see the refusal — one rule for every form, none can forget it. What the view wrote
    anyway on purpose (the audit entry of a failed sign-in) is still committed. A page whose
    GET filters were invalid (`forms.read_filters`) answers 400 the same way."""
    if response.status_code != 200 or response.mimetype != "text/html":
        return response
    if request.method == "POST":
        response.status_code = 422
    elif g.get("refused_filters"):  # forms.read_filters: a GET search or filter that is invalid
        response.status_code = 400
    return response


def finish(response: Response) -> Response:
    """`after_request`, run last: commit a successful request, roll back anything else."""
    if response.status_code >= 400 or g.get("uow_discarded"):
        try:
            db.session.rollback()
        except SQLAlchemyError:  # the connection is gone (the database went away): nothing to undo
            log.warning("rollback failed: the database connection is gone")
        return response
    submissions.remember(response)
    if not db.session().in_transaction():  # nothing was read or written through the session
        _run_after_commit()
        return response
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        repeat = submissions.repeat_after_conflict()
        if repeat is None:
            raise
        g.pop("uow_after_commit", None)  # this copy did nothing: nothing follows it
        return repeat
    _run_after_commit()
    return response


def _run_after_commit() -> None:
    for callback in g.pop("uow_after_commit", []):
        try:
            callback()
        except Exception:  # a side effect never turns a committed change into an error page
            log.exception("a side effect after commit failed")


def init_unit_of_work(app: Flask) -> None:
    # after_request functions run in reverse order of registration: registered before the
    # others, `finish` runs after them (the security headers read the user before the commit).
    # `refused_form_status`, registered before `finish`, runs after it: it changes the status
    # only, so what a refused form must keep (a failed sign-in's audit entry) is committed.
    # before every other check, CSRF's included: a form whose first copy signed the person in
    # again (a new session, a new token) is still recognised and answered with its result
    app.before_request_funcs.setdefault(None, []).insert(0, submissions.answer_a_repeat)
    app.after_request(refused_form_status)
    app.after_request(finish)
    # registered after Flask-SQLAlchemy's own teardown, so it runs before it
    app.teardown_appcontext(_return_the_session)


def _return_the_session(_error: BaseException | None) -> None:
    """The session goes back to the pool when the request ends. If the database dropped the
    connection meanwhile (restarted, shut down), its rollback fails: the answer is already
    made and right (a 503 when the request needed the database), so that is logged, not
    turned into a 500 by the server."""
    try:
        db.session.remove()
    except SQLAlchemyError:
        log.warning("returning the session failed: the database connection is gone")
