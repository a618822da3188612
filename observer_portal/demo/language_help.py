"""Demo translation and interpretation requests: one routed to the only German speaker on
duty, one unroutable (nobody on duty speaks both German and French), an interpreter booked
for a meeting, and a delivered translation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observer_portal.models import HelpMode, TranslationJob, User
from observer_portal.models.base import utcnow
from observer_portal.services.language_help import JobInput, file_job, job_of
from observer_portal.services.request_actions import perform
from observer_portal.services.workflow import Action

LANGUAGES = ("en", "de", "fr", "ru", "kk")


def load_demo_language_help(session: Session) -> int:
    if session.scalar(select(func.count(TranslationJob.request_id))):
        return 0

    def user(email: str) -> User:
        return session.scalar(select(User).where(User.email == email))

    now = utcnow()
    hannah, claire = user("h.mueller@osce.example.org"), user("c.dubois@osce.example.org")
    andrei, james = user("a.petrov@cis.example.org"), user("j.smith@dw.example.org")
    file_job(
        session,
        hannah,
        JobInput(
            source="ru",
            target="de",
            mode=HelpMode.WRITTEN,
            needed_by=now + timedelta(hours=6),
            text="Протокол участковой избирательной комиссии № 12.\nЯвка избирателей на 12:00 — 41,2 %.",
            notes="Protocol of precinct election commission No. 12",
        ),
        LANGUAGES,
    )
    file_job(
        session,
        claire,
        JobInput(
            source="de",
            target="fr",
            mode=HelpMode.WRITTEN,
            needed_by=now + timedelta(hours=8),
            text="Pressemitteilung der OSZE/BDIMR-Wahlbeobachtungsmission zur Vorwahlphase.",
        ),
        LANGUAGES,
    )
    start = (now + timedelta(days=1)).replace(hour=5, minute=0, second=0, microsecond=0)  # 10:00 in Atyrau
    file_job(
        session,
        andrei,
        JobInput(
            source="en",
            target="ru",
            mode=HelpMode.INTERPRETATION,
            needed_by=start,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Regional TEC, Atyrau, meeting room 2",
            notes="Meeting with the regional territorial election commission",
        ),
        LANGUAGES,
    )
    done, _ = file_job(
        session,
        james,
        JobInput(
            source="kk",
            target="en",
            mode=HelpMode.WRITTEN,
            needed_by=now + timedelta(hours=3),
            text="Сайлау учаскелері сағат 7:00-де ашылады.",
        ),
        LANGUAGES,
    )
    session.flush()
    if done.assignee_id:
        assignee = session.get(User, done.assignee_id)
        job_of(session, done).final_text = "Polling stations open at 7:00."
        perform(session, assignee, done, Action.COMPLETE, note="Short notice for the camera crew.")
    session.flush()
    return 4
