"""The 2022 election's briefing readers: on each day, some of the observers and journalists
with an account open one of their centre's published briefings, in their own language when
it has a text in it, else as the content fallback chain gives it (kk → ru → en), exactly
as the briefing page would; each counted once per briefing and language, as the page counts
them — so the equal-treatment report has readers to count."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from observer_portal.demo.visits import DAYS, START
from observer_portal.i18n import content_chain
from observer_portal.models import Briefing, BriefingRead, User, VisitorProfile
from observer_portal.services.briefings import text_for

READ_ON_A_DAY = 0.4  # the chance that a reader opens a briefing on a given day


def load_demo_briefing_reads(session: Session, past_election_id: int) -> int:
    if session.scalar(select(BriefingRead.id).where(BriefingRead.election_id == past_election_id).limit(1)):
        return 0  # loaded before
    rng = random.Random(1120)  # noqa: S311 - reproducible demo data, not security
    published: dict[int, list[Briefing]] = defaultdict(list)
    for briefing in session.scalars(
        select(Briefing).where(Briefing.published.is_(True)).options(selectinload(Briefing.translations))
    ):
        published[briefing.centre_id].append(briefing)
    readers = session.execute(
        select(VisitorProfile, User).join(User, VisitorProfile.user_id == User.id).order_by(VisitorProfile.id)
    ).all()
    created, counted = 0, set()
    for day in range(DAYS):
        for profile, user in readers:
            briefings = published.get(user.centre_id)
            if not briefings or rng.random() >= READ_ON_A_DAY:
                continue
            briefing = rng.choice(briefings)
            wanted = user.preferred_locale or "en"
            shown = text_for(briefing, wanted, content_chain(wanted)).locale
            if (user.id, briefing.id, shown) in counted:
                continue  # read before: a reader counts once per briefing and language
            counted.add((user.id, briefing.id, shown))
            session.add(
                BriefingRead(
                    centre_id=briefing.centre_id,
                    election_id=past_election_id,
                    read_at=START + timedelta(days=day, hours=rng.uniform(3, 15)),
                    user_id=user.id,
                    briefing_id=briefing.id,
                    organisation_id=profile.organisation_id,
                    visitor_kind=profile.kind,
                    shown_locale=shown,
                    wanted_locale=wanted,
                )
            )
            created += 1
    return created
