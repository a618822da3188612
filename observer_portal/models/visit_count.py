"""Visits counted per centre, election, local day, organisation, visitor kind, volunteer and
purpose: what the visit log's totals, per-day chart and per-organisation summary read.

Kept by database triggers (migration 0026) in the transaction of every write to `visits`
and `visit_purposes` — the front desk, a merge, an import, an erasure, plain SQL — so it is
never out of step with the visits. One row per combination: `purpose` is "*" for all
visits, else one of the purposes (a visit with two purposes counts once under "*" and once
under each). A missing election, organisation or volunteer is 0, not NULL, so each
combination has exactly one row (NULLs never conflict in a unique key).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from observer_portal.models.base import Base

ALL_PURPOSES = "*"
NONE = 0


class VisitCount(Base):
    __tablename__ = "visit_counts"

    centre_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    registered_by_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
