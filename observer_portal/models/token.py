"""Personal access tokens: how another system (a mission's dashboard, a mobile app) acts for
a person through the API. The token itself is shown once; only its SHA-256 is kept (a
random 256-bit secret needs no slow hash: nothing can be guessed from its digest)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.user import User


class TokenScope(enum.StrEnum):
    """What a token may do, within what its owner's role may do."""

    READ = "read"  # read what the owner's pages show
    REQUESTS = "requests"  # an observer's or journalist's own requests: file, cancel
    VOLUNTEER = "volunteer"  # the queue and its moves
    COORDINATOR = "coordinator"  # the centre's visit log


class PersonalToken(Base):
    __tablename__ = "personal_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token, hex
    hint: Mapped[str] = mapped_column(String(12))  # its first characters, to tell tokens apart
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def allows(self, scope: TokenScope) -> bool:
        return scope.value in (self.scopes or [])
