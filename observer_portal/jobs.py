"""The job queue (Huey): work that must neither hold up a page nor be lost.

- **E-mail copies of notifications** (`email_copies`, called after the change is committed):
  one job per message, retried with exponential back-off (JOB_RETRY_DELAY: 30 s, 60 s, 120 s…) while the
  SMTP server refuses. Each message is an outbox row (`Notification.email_*`): claimed,
  sent, then marked, so a retry or a second worker never sends it twice.
- **A sweep**, every minute and whenever a worker starts: e-mail a worker claimed but never
  finished (it was killed) is handed out again once the claim is older than
  JOB_CLAIM_TIMEOUT — so a killed worker loses nothing (`tests/test_jobs.py` kills one).
- **Machine-translation drafts** (`machine_draft`, queued after the request that asked for
  one is committed): no web worker waits on a provider. The draft row is claimed before the
  call, so it is made once; the same sweep queues again a draft whose worker died.
- **Overdue-loan notices**, every 15 minutes (`flask loans notify-overdue` does the same by hand).
- **Submission keys** older than a day are forgotten, every hour (`submissions.py`), and so
  are accreditation lists uploaded but never imported (their files hold personal data).
- **Invitations** (`send_invitation`, queued after the request that made them is committed):
  the job makes the link's secret and sends the e-mail, retried like e-mail copies.
- **Daily reports**, every 15 minutes: a centre whose clock has passed DAILY_REPORT_HOUR
  sends the day's report to its subscribers, once (`flask reports send-daily` does the same).
- **Retention**, every night at 02:30: elections past their retention date are erased
  (`flask elections enforce-retention`), and with RETENTION_DAYS visitors last seen longer
  ago than that lose their personal data (`flask visits anonymise`); 0 switches that off.

Which queue: JOB_QUEUE_URL — `sqlite:///…` (the default, `instance/jobs.sqlite3`, for
`make run` and one machine), `redis://…` in production, or `immediate` under test (a job runs
in-process at once, through Huey's own code). The worker is `flask jobs worker`, started by
`make run`, `make serve` and `deploy/observer-portal-worker.service`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from observer_portal.extensions import db
from observer_portal.models import Notification
from observer_portal.models.base import utcnow
from observer_portal.unit_of_work import after_commit

log = logging.getLogger("observer_portal.jobs")


def _queue(url: str) -> Huey:
    if url == "immediate":
        return MemoryHuey("observer-portal", immediate=True)
    if url.startswith(("redis://", "rediss://")):
        # short socket timeouts: a Redis that hangs must not hold up the page that queues a job
        return RedisHuey("observer-portal", url=url, socket_connect_timeout=1, socket_timeout=2)
    if url.startswith("sqlite:///"):
        filename = Path(url.removeprefix("sqlite:///"))
        filename.parent.mkdir(parents=True, exist_ok=True)  # instance/ on a fresh checkout
        return SqliteHuey("observer-portal", filename=str(filename))
    raise ValueError(f"JOB_QUEUE_URL must be sqlite:///…, redis://… or immediate, not {url!r}")


class Jobs:
    """The queue of one app and its tasks; `app.extensions["jobs"]`."""

    def __init__(self, app: Flask) -> None:
        self.queue = _queue(app.config["JOB_QUEUE_URL"])
        claim_timeout = timedelta(seconds=app.config["JOB_CLAIM_TIMEOUT"])
        queue = self.queue

        retry_delay = app.config["JOB_RETRY_DELAY"]

        @queue.task(retries=5, retry_delay=retry_delay, retry_backoff=2, name="email_copy")
        def email_copy(notification_id: int) -> bool:
            from observer_portal.services.notifications import email_copy as send

            with app.app_context():
                return send(db.session, notification_id, claim_timeout)

        @queue.task(name="machine_draft")
        def machine_draft(draft_id: int) -> str | None:
            from observer_portal.services import machine_drafts
            from observer_portal.services.machine_translation import translator_from_config

            with app.app_context():
                outcome = machine_drafts.make(db.session, draft_id, translator_from_config(app.config), claim_timeout)
                return None if outcome is None else outcome.value

        @queue.task(retries=5, retry_delay=retry_delay, retry_backoff=2, name="send_invitation")
        def send_invitation(invitation_id: int) -> bool:
            from observer_portal.services.invitations import send

            with app.app_context():
                return send(db.session, invitation_id)

        @queue.periodic_task(crontab(minute="*"), name="sweep_emails")
        def sweep_emails() -> int:
            """E-mail copies and machine drafts that a dead worker left behind."""
            from observer_portal.services.machine_drafts import stale as stale_drafts
            from observer_portal.services.notifications import stale_emails

            with app.app_context():
                stale = stale_emails(db.session, claim_timeout) if app.config.get("MAIL_SERVER") else []
                drafts = stale_drafts(db.session, claim_timeout)
            for notification_id in stale:
                email_copy(notification_id)
            for draft_id in drafts:
                machine_draft(draft_id)
            return len(stale) + len(drafts)

        @queue.on_startup(name="sweep_on_start")
        def sweep_on_start() -> None:
            sweep_emails.call_local()

        @queue.periodic_task(crontab(minute="*/15"), name="overdue_loans")
        def overdue_loans() -> int:
            from observer_portal.services.inventory import notify_overdue

            with app.app_context():
                created = notify_overdue(db.session)
                db.session.commit()
                self.email(created)
                return len(created)

        @queue.periodic_task(crontab(minute="7"), name="forget_submissions")
        def forget_submissions() -> int:
            """Submission keys older than a day, and accreditation lists left unimported a day."""
            from observer_portal.services.accreditations import forget_stale_uploads
            from observer_portal.submissions import forget_old

            with app.app_context():
                count = forget_old(db.session) + forget_stale_uploads(db.session)
                db.session.commit()
            return count

        @queue.periodic_task(crontab(hour="2", minute="30"), name="retention")
        def retention() -> int:
            """Elections past their retention date are erased; with RETENTION_DAYS, visitors
            last seen longer ago than that too."""
            from observer_portal.services.erasure import anonymise_before, enforce_retention

            days, count = app.config.get("RETENTION_DAYS", 0), 0
            with app.app_context():
                for erasure in enforce_retention(db.session, utcnow().date()):
                    log.info("retention: election %d erased (%d visitor(s))", erasure.election.id, erasure.people)
                    count += erasure.people
                if days:
                    anonymised = anonymise_before(db.session, utcnow() - timedelta(days=days))
                    log.info("retention: %d visitor(s) last seen over %d days ago anonymised", anonymised, days)
                    count += anonymised
                db.session.commit()
            return count

        @queue.periodic_task(crontab(minute="*/15"), name="daily_reports")
        def daily_reports() -> int:
            """Each centre's daily report, once its day is over (DAILY_REPORT_HOUR, its own clock)."""
            from observer_portal.services.reports.sending import send_due

            with app.app_context():
                return send_due(db.session, utcnow(), app.config["DAILY_REPORT_HOUR"])

        self.daily_reports = daily_reports
        self.email_copy, self.sweep_emails, self.overdue_loans = email_copy, sweep_emails, overdue_loans
        self.retention, self.forget_submissions = retention, forget_submissions
        self.machine_draft, self.send_invitation = machine_draft, send_invitation
        self.mail = bool(app.config.get("MAIL_SERVER"))

    def email(self, notifications: Iterable[Notification | None]) -> None:
        """Queue the e-mail copy of each committed notification (when mail is configured)."""
        if not self.mail:
            return
        for notification in notifications:
            if notification is not None:
                self.email_copy(notification.id)


def email_copies(notifications: Iterable[Notification | None]) -> None:
    """After commit: e-mail copies of these notifications through the queue. Queuing never
    fails the change it follows (a queue that is down is logged; the sweep sends them later)."""
    try:
        current_app.extensions["jobs"].email(list(notifications))
    except Exception:
        log.exception("e-mail copies not queued; the sweep will send them")


def make_after_commit(draft) -> None:
    """Queue the making of this machine draft once the request that asked for it is
    committed (None: one was waiting already). A queue that is down is logged; the draft
    stays waiting and the sweep queues it again."""
    if draft is None:
        return
    draft_id = draft.id

    def queue() -> None:
        try:
            current_app.extensions["jobs"].machine_draft(draft_id)
        except Exception:
            log.exception("machine draft %s not queued; the sweep will queue it", draft_id)

    after_commit(queue)


def send_invitations_after_commit(invitation_ids: list[int]) -> None:
    """Queue each invitation's e-mail once the request that made them is committed."""
    ids = list(invitation_ids)

    def queue() -> None:
        for invitation_id in ids:
            try:
                current_app.extensions["jobs"].send_invitation(invitation_id)
            except Exception:
                log.exception("invitation %s not queued; invite the person again", invitation_id)

    after_commit(queue)


def init_jobs(app: Flask) -> None:
    app.extensions["jobs"] = Jobs(app)
