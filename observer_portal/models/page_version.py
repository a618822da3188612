"""The version of what public pages show, kept by the database itself.

One row. Triggers on every table a public page reads (briefings, their texts and figures,
centres, elections and which centre serves which) add one to `version` in the same
transaction as the write, whoever writes: a view, a job, the command line, a bulk statement
or plain SQL. A page cached under version N is therefore never served once a change is
committed: the next reader sees N + 1. `changed_at` is the Unix time of the last change.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from observer_portal.models.base import Base

#: The tables public pages read; each has triggers that bump the version (migration 0025).
PUBLIC_TABLES: tuple[str, ...] = (
    "briefings",
    "briefing_translations",
    "briefing_figures",
    "centres",
    "centre_elections",
    "elections",
)


class PageVersion(Base):
    __tablename__ = "page_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[int] = mapped_column(BigInteger, default=0)
