"""The coordinator's visit log: one filter shared by the list, the totals, the per-day
chart, the per-organisation summary and the CSV export, so they always agree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Select, cast, exists, extract, func, literal_column, or_, select, table
from sqlalchemy.orm import Session, selectinload

from observer_portal import paging
from observer_portal.collation import sort_key
from observer_portal.i18n import reader_locale
from observer_portal.models import (
    Centre,
    Organisation,
    User,
    Visit,
    VisitorKind,
    VisitorProfile,
    VisitPurpose,
    VisitPurposeRow,
)
from observer_portal.models.visitor import organisation_label
from observer_portal.multilingual import localized
from observer_portal.services import visit_totals
from observer_portal.services.batches import in_batches


@dataclass(frozen=True)
class VisitFilter:
    centre_id: int | None  # None: every centre (admins)
    timezone: str = "Asia/Almaty"
    election_id: int | None = None  # None: every election
    date_from: date | None = None
    date_to: date | None = None
    organisation_id: int | None = None
    kind: VisitorKind | None = None
    purpose: VisitPurpose | None = None
    volunteer_id: int | None = None
    text: str = ""


def _local_midnight(day: date, tz: str, days_later: int = 0) -> datetime | None:
    """None at the edges of the calendar (0001-01-01 east of UTC, the day after 9999-12-31):
    no visit lies beyond them, so "no bound" gives the same rows instead of an OverflowError."""
    try:
        return datetime.combine(day + timedelta(days=days_later), time.min, tzinfo=ZoneInfo(tz)).astimezone(UTC)
    except OverflowError:
        return None


def _where(session: Session, flt: VisitFilter) -> list:
    """Conditions on Visit. The EXISTS subqueries correlate to Visit only, so a caller may
    join VisitorProfile itself (the CSV does): auto-correlation would take that table
    out of the subquery as well and leave it with no FROM at all."""
    conditions = []
    if flt.centre_id is not None:
        conditions.append(Visit.centre_id == flt.centre_id)
    if flt.election_id is not None:
        conditions.append(Visit.election_id == flt.election_id)
    start = _local_midnight(flt.date_from, flt.timezone) if flt.date_from else None
    end = _local_midnight(flt.date_to, flt.timezone, days_later=1) if flt.date_to else None
    if start:
        conditions.append(Visit.arrived_at >= start)
    if end:
        conditions.append(Visit.arrived_at < end)
    if flt.organisation_id:
        conditions.append(Visit.organisation_id == flt.organisation_id)
    if flt.kind:
        conditions.append(Visit.visitor_kind == flt.kind)
    if flt.volunteer_id:
        conditions.append(Visit.registered_by_id == flt.volunteer_id)
    if flt.purpose:
        conditions.append(
            exists()
            .where(VisitPurposeRow.visit_id == Visit.id, VisitPurposeRow.purpose == flt.purpose)
            .correlate(Visit)
        )
    if flt.text:
        conditions.append(_text_matches(flt.text, sqlite=session.get_bind().dialect.name == "sqlite"))
    return conditions


def _text_matches(text: str, *, sqlite: bool):
    """The visitor's name or card number, or the visit's notes, contain `text` (any case).

    Both databases answer from a trigram index (migration 0027): PostgreSQL's pg_trgm serves
    ILIKE itself; SQLite's FTS5 trigram tables are asked with MATCH (a quoted phrase: a
    substring, case folded in every script). Under three characters there is no trigram to
    look up: the rows are read as before."""
    if sqlite and len(text) >= TRIGRAM:
        phrase = '"' + text.replace('"', '""') + '"'
        visitors = (
            select(literal_column("rowid"))
            .select_from(table("visitor_text"))
            .where(literal_column("visitor_text").op("MATCH")(phrase))
        )
        notes = (
            select(literal_column("rowid"))
            .select_from(table("visit_notes_text"))
            .where(literal_column("visit_notes_text").op("MATCH")(phrase))
        )
        return or_(Visit.visitor_id.in_(visitors), Visit.id.in_(notes))
    # icontains(autoescape=True): % and _ typed in the filter match themselves. Two
    # uncorrelated subqueries, each answered once (PostgreSQL from its trigram indexes).
    visitors = (
        select(VisitorProfile.id)
        .correlate(None)
        .where(
            or_(
                VisitorProfile.full_name.icontains(text, autoescape=True),
                VisitorProfile.accreditation_number.icontains(text, autoescape=True),
            )
        )
    )
    notes = select(Visit.id).where(Visit.notes.icontains(text, autoescape=True)).correlate(None)
    return or_(Visit.visitor_id.in_(visitors), Visit.id.in_(notes))


TRIGRAM = 3


def filtered(session: Session, flt: VisitFilter) -> Select:
    return select(Visit).where(*_where(session, flt))


#: The log: latest arrival first; the (centre, arrival) index bounds the scan.
NEWEST_FIRST = paging.Keyset((Visit.arrived_at, Visit.id), descending=True)


@dataclass(frozen=True)
class Cursor:
    arrived_at: datetime
    id: int

    def encode(self) -> str:
        return f"{paging.micros(self.arrived_at)}_{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        """Malformed or out of range: None, the first page (the rule of `observer_portal.paging`)."""
        parts = paging.split_cursor(value, 2)
        arrived_at, id_ = (paging.parse_micros(parts[0]), paging.parse_id(parts[1])) if parts else (None, None)
        return cls(arrived_at, id_) if arrived_at and id_ else None


def page(session: Session, flt: VisitFilter, cursor: Cursor | None, size: int) -> tuple[list[Visit], Cursor | None]:
    """Newest first; the cursor is the last row's (arrival, id): no OFFSET, no skipped rows."""
    stmt = filtered(session, flt).options(selectinload(Visit.organisation), selectinload(Visit.registered_by))
    position = (cursor.arrived_at, cursor.id) if cursor else None
    return NEWEST_FIRST.page(session, stmt, position, size, lambda row: Cursor(row.arrived_at, row.id))


@dataclass(frozen=True)
class Summary:
    """The totals of a filter: how many visits, per local day and per organisation."""

    total: int
    days: list[tuple[date, int]]
    organisations: list[tuple[str, int]]


def summary(session: Session, flt: VisitFilter) -> Summary:
    """From the visit counts when they answer the filter exactly (a few hundred rows, whatever
    the number of visits: `visit_totals`), else counted from the matching visits."""
    if visit_totals.answers(session, flt):
        total_, days, organisations = (
            visit_totals.total(session, flt),
            visit_totals.per_day(session, flt),
            visit_totals.per_organisation(session, flt),
        )
    else:
        total_, days, organisations = (
            _count(session, flt),
            _count_days(session, flt),
            _count_organisations(session, flt),
        )
    return Summary(total_, _every_day(days), _named(session, organisations))


def total(session: Session, flt: VisitFilter) -> int:
    return summary(session, flt).total


def _count(session: Session, flt: VisitFilter) -> int:
    return session.scalar(select(func.count(Visit.id)).where(*_where(session, flt))) or 0


QUARTER_HOUR = 900  # seconds; every time zone's offset is a whole number of quarter hours


def _quarter_hours(session: Session):
    """Arrival as whole quarter hours since 1970 (UTC), computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", Visit.arrived_at), Integer) // QUARTER_HOUR
    return cast(func.floor(extract("epoch", Visit.arrived_at) / QUARTER_HOUR), Integer)


def _count_days(session: Session, flt: VisitFilter) -> dict[date, int]:
    """Visits per local day of the reader's time zone.

    The database counts per quarter hour (at most 96 rows a day, whatever the number of
    visits); folding quarters into local days happens here, because no portable SQL converts
    to a named time zone and quarter hours never straddle a local midnight."""
    bucket = _quarter_hours(session).label("quarter")
    zone = ZoneInfo(flt.timezone)
    counts: dict[date, int] = {}
    for quarter, count in session.execute(
        select(bucket, func.count(Visit.id)).where(*_where(session, flt)).group_by(bucket)
    ):
        day = datetime.fromtimestamp(int(quarter) * QUARTER_HOUR, tz=UTC).astimezone(zone).date()
        counts[day] = counts.get(day, 0) + count
    return counts


def _every_day(counts: dict[date, int]) -> list[tuple[date, int]]:
    """Every day from the first to the last, empty days as 0."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [
        (first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range((last - first).days + 1)
    ]


def per_day(session: Session, flt: VisitFilter) -> list[tuple[date, int]]:
    return summary(session, flt).days


def _count_organisations(session: Session, flt: VisitFilter) -> dict[int | None, int]:
    rows = session.execute(
        select(Visit.organisation_id, func.count(Visit.id)).where(*_where(session, flt)).group_by(Visit.organisation_id)
    )
    return dict(rows.all())


def _named(session: Session, counts: dict[int | None, int]) -> list[tuple[str, int]]:
    """Each organisation named in the reader's language; most visits first."""
    ids = [organisation_id for organisation_id in counts if organisation_id is not None]
    labels = (
        {o.id: o.label for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}
    )
    named = [(labels.get(organisation_id, ""), count) for organisation_id, count in counts.items()]
    key = sort_key()
    return sorted(named, key=lambda pair: (-pair[1], key(pair[0])))


def per_organisation(session: Session, flt: VisitFilter) -> list[tuple[str, int]]:
    return summary(session, flt).organisations


def volunteers(session: Session, centre_id: int | None) -> list[User]:
    stmt = select(User).where(User.role.in_(["volunteer", "coordinator"])).order_by(User.display_name)
    if centre_id is not None:
        stmt = stmt.where(User.centre_id == centre_id)
    return list(session.scalars(stmt))


CSV_BATCH = 1000  # rows fetched, and purposes looked up, per round trip


@dataclass(frozen=True)
class ExportRow:
    """One visit of the export, as data: the view words it for its reader (labels, dates)."""

    arrived_at: datetime
    left_at: datetime | None
    visitor_kind: VisitorKind
    full_name: str
    accreditation_number: str | None
    organisation: str | None
    purposes: tuple[VisitPurpose, ...]
    notes: str
    registered_by: str | None  # who was at the desk; None for a visitor's own record or a removed account
    centre: str


def export_batches(session: Session, flt: VisitFilter) -> Iterator[list[ExportRow]]:
    """The filtered visits in batches of CSV_BATCH (flat memory whatever the size).

    Same filter and order as `page`, so the file lists the rows the pages show."""
    stmt = (
        select(
            Visit.id,
            Visit.arrived_at,
            Visit.left_at,
            Visit.visitor_kind,
            VisitorProfile.full_name,
            VisitorProfile.accreditation_number,
            Organisation.name,
            Organisation.names,
            Visit.notes,
            User.display_name.label("registered_by"),
            Centre.names.label("centre_names"),
            Centre.language.label("centre_language"),
        )
        .join(VisitorProfile, Visit.visitor_id == VisitorProfile.id)
        .join(Centre, Visit.centre_id == Centre.id)
        .outerjoin(Organisation, Visit.organisation_id == Organisation.id)
        .outerjoin(User, Visit.registered_by_id == User.id)
        .where(*_where(session, flt))
        .order_by(Visit.arrived_at.desc(), Visit.id.desc())
    )
    for batch in in_batches(session, stmt, CSV_BATCH):
        yield _export_batch(session, batch)


def centre_slug(session: Session, flt: VisitFilter) -> str | None:
    """The centre a filter is limited to, for the export's file name (None: every centre)."""
    return session.scalar(select(Centre.slug).where(Centre.id == flt.centre_id)) if flt.centre_id else None


def _export_batch(session: Session, batch: list) -> list[ExportRow]:
    """One batch with its visits' purposes: one query per batch, never one per visit."""
    purposes: dict[int, list[VisitPurpose]] = {}
    chosen = select(VisitPurposeRow.visit_id, VisitPurposeRow.purpose)
    for visit_id, purpose in session.execute(chosen.where(VisitPurposeRow.visit_id.in_([r.id for r in batch]))):
        purposes.setdefault(visit_id, []).append(purpose)
    order = list(VisitPurpose)
    return [
        ExportRow(
            row.arrived_at,
            row.left_at,
            row.visitor_kind,
            row.full_name,
            row.accreditation_number,
            organisation_label(row[6], row.names) if row[6] else None,
            tuple(sorted(purposes.get(row.id, []), key=order.index)),
            row.notes,
            row.registered_by,
            str(localized(row.centre_names, reader_locale(), row.centre_language)),
        )
        for row in batch
    ]
