"""Accreditation lists the Commission hands a centre (CSV or XLSX), kept between the upload,
the column mapping, the preview and the import; and the invitations sent to the people on
them. A list holds personal data: its file is dropped once imported, or after a day."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observer_portal.models.base import Base, UTCDateTime, utcnow
from observer_portal.models.centre import Centre
from observer_portal.models.election import Election, election_column
from observer_portal.models.user import _enum
from observer_portal.models.visitor import VisitorKind, VisitorProfile


class ImportState(enum.StrEnum):
    UPLOADED = "uploaded"  # waiting for its columns to be mapped and the preview to be accepted
    IMPORTED = "imported"


class AccreditationImport(Base):
    __tablename__ = "accreditation_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    election_id: Mapped[int | None] = election_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    encoding: Mapped[str] = mapped_column(String(20), default="")  # "": found out on reading
    # target field → column number in the file, e.g. {"full_name": 0, "accreditation_number": 2}
    mapping: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    default_kind: Mapped[VisitorKind] = mapped_column(_enum(VisitorKind, "visitor_kind"), default=VisitorKind.OBSERVER)
    state: Mapped[ImportState] = mapped_column(_enum(ImportState, "import_state"), default=ImportState.UPLOADED)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # counts, once imported
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    centre: Mapped[Centre] = relationship()
    election: Mapped[Election | None] = relationship()


class Invitation(Base):
    """A signed, single-use link to create the account of an imported person; only the hash of
    its secret is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor_profiles.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visitor: Mapped[VisitorProfile] = relationship()
