"""A form a signed-in person sent and the portal carried out: its one-time key and where it led.

Every state-changing form carries a key made when the form was shown
(`forms.PortalForm.hidden_tag`). The row is written in the same transaction as the change
the form made, so it exists exactly when the change does; the same form sent again (a
reload, a double click, a retry after the connection was reset) finds it and is answered
with the first result instead of being carried out twice (`submissions.py`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from observer_portal.models.base import Base, UTCDateTime, utcnow


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_submissions_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
