"""The archive tables: numeric records, blob records and done flags (reference §5.1-5.2, 5.6).

One archive is a set of rows sharing an `idarchive` for (site, period, segment):
numeric metrics in `archive_numeric`, serialised DataTables in `archive_blob`,
and the done flag (`done` + segment hash) written last in `archive_numeric`,
so a half-written archive is never read. Invalidation flips done flags to
DONE_INVALIDATED; the archiver rebuilds what it finds flipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from footfall.archive.periods import Period, period_from_archive
from footfall.db.schema import archive_blob, archive_invalidation, archive_numeric, archive_sequence

DONE_OK = 1
DONE_ERROR = 2
DONE_OK_TEMPORARY = 3
DONE_INVALIDATED = 4
USABLE = (DONE_OK, DONE_OK_TEMPORARY, DONE_INVALIDATED)
DONE_PREFIX = "done"


def done_flag_name(segment_hash: str = "") -> str:
    """Matomo's done flag: 'done' for all visits, 'done<md5 of the segment>' for a segment."""
    return DONE_PREFIX + segment_hash


@dataclass(frozen=True)
class StoredArchive:
    """The newest archive found for a (site, period, segment)."""

    idarchive: int
    status: int
    ts_archived: datetime

    @property
    def invalidated(self) -> bool:
        return self.status == DONE_INVALIDATED


@dataclass(frozen=True)
class InvalidatedArchive:
    idsite: int
    period: Period
    segment_hash: str


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ArchiveStore:
    """Reads and writes archives through one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, idsite: int, period: Period, segment_hash: str = "") -> StoredArchive | None:
        """The newest usable archive (valid or invalidated), or None."""
        query = (
            sa.select(archive_numeric.c.idarchive, archive_numeric.c.value,
                      archive_numeric.c.ts_archived)
            .where(archive_numeric.c.idsite == idsite, archive_numeric.c.period == period.id,
                   archive_numeric.c.date1 == period.start, archive_numeric.c.date2 == period.end,
                   archive_numeric.c.name == done_flag_name(segment_hash),
                   archive_numeric.c.value.in_(USABLE))
            .order_by(archive_numeric.c.idarchive.desc()).limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return StoredArchive(int(row.idarchive), int(row.value), row.ts_archived)

    def numerics(self, idarchive: int) -> dict[str, float]:
        query = sa.select(archive_numeric.c.name, archive_numeric.c.value).where(
            archive_numeric.c.idarchive == idarchive,
            archive_numeric.c.name.not_like(DONE_PREFIX + "%"))
        with self.engine.connect() as conn:
            return {name: _number(value) for name, value in conn.execute(query)}

    def blob(self, idarchive: int, name: str) -> bytes | None:
        query = sa.select(archive_blob.c.value).where(archive_blob.c.idarchive == idarchive,
                                                      archive_blob.c.name == name)
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar()
        return bytes(value) if value is not None else None

    def blobs(self, idarchive: int) -> dict[str, bytes]:
        query = sa.select(archive_blob.c.name, archive_blob.c.value).where(
            archive_blob.c.idarchive == idarchive)
        with self.engine.connect() as conn:
            return {name: bytes(value) for name, value in conn.execute(query)}

    def write(self, idsite: int, period: Period, *, numerics: Mapping[str, float],
              blobs: Mapping[str, bytes], segment_hash: str = "",
              ts_archived: datetime | None = None) -> int:
        """Store a complete archive and drop the ones it replaces; returns its idarchive."""
        stamp = ts_archived or utcnow()
        base = {"idsite": idsite, "date1": period.start, "date2": period.end,
                "period": period.id, "ts_archived": stamp}
        with self.engine.begin() as conn:
            idarchive = int(conn.execute(archive_sequence.insert().values()).inserted_primary_key[0])
            values = [{**base, "idarchive": idarchive, "name": n, "value": float(v)}
                      for n, v in numerics.items() if v]  # zeros are not stored (Matomo)
            if values:
                conn.execute(archive_numeric.insert(), values)
            if blobs:
                conn.execute(archive_blob.insert(), [
                    {**base, "idarchive": idarchive, "name": n, "value": b} for n, b in blobs.items()])
            conn.execute(archive_numeric.insert().values(
                **base, idarchive=idarchive, name=done_flag_name(segment_hash), value=DONE_OK))
            _delete_older(conn, idsite, period, segment_hash, keep=idarchive)
        return idarchive

    def invalidate(self, idsite: int, first_day: date, last_day: date) -> int:
        """Mark every archive of `idsite` overlapping [first_day, last_day] as outdated."""
        with self.engine.begin() as conn:
            return _invalidate(conn, idsite, first_day, last_day)

    def apply_pending_invalidations(self, idsite: int | None = None) -> int:
        """Turn the tracker's archive_invalidation rows into invalidated done flags."""
        query = sa.select(archive_invalidation)
        if idsite is not None:
            query = query.where(archive_invalidation.c.idsite == idsite)
        with self.engine.begin() as conn:
            pending = conn.execute(query).all()
            for row in pending:
                _invalidate(conn, row.idsite, row.date1, row.date2)
            ids = [row.idinvalidation for row in pending]
            for start in range(0, len(ids), 500):
                conn.execute(archive_invalidation.delete().where(
                    archive_invalidation.c.idinvalidation.in_(ids[start:start + 500])))
        return len(pending)

    def invalidated(self, idsite: int | None = None) -> list[InvalidatedArchive]:
        """Archives waiting to be rebuilt, shortest periods first (days before weeks ...)."""
        flag = archive_numeric.c
        query = sa.select(flag.idsite, flag.period, flag.date1, flag.date2, flag.name).where(
            flag.name.like(DONE_PREFIX + "%"), flag.value == DONE_INVALIDATED)
        if idsite is not None:
            query = query.where(flag.idsite == idsite)
        with self.engine.connect() as conn:
            rows = conn.execute(query.distinct()).all()
        found = [InvalidatedArchive(r.idsite, period_from_archive(r.period, r.date1, r.date2),
                                    r.name[len(DONE_PREFIX):]) for r in rows]
        return sorted(found, key=lambda a: (a.idsite, a.period.id, a.period.start))

    def archived_periods(self, idsite: int) -> list[tuple[Period, str, int]]:
        """Every (period, segment hash, status) archived for a site: for tests and the CLI."""
        flag = archive_numeric.c
        query = sa.select(flag.period, flag.date1, flag.date2, flag.name, flag.value).where(
            flag.idsite == idsite, flag.name.like(DONE_PREFIX + "%"))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return sorted((period_from_archive(r.period, r.date1, r.date2), r.name[len(DONE_PREFIX):],
                       int(r.value)) for r in rows)


def _invalidate(conn: Connection, idsite: int, first_day: date, last_day: date) -> int:
    flag = archive_numeric.c
    result = conn.execute(
        archive_numeric.update()
        .where(flag.idsite == idsite, flag.name.like(DONE_PREFIX + "%"),
               flag.date1 <= last_day, flag.date2 >= first_day,
               flag.value.in_((DONE_OK, DONE_OK_TEMPORARY)))
        .values(value=DONE_INVALIDATED))
    return int(result.rowcount or 0)


def _delete_older(conn: Connection, idsite: int, period: Period, segment_hash: str,
                  *, keep: int) -> None:
    flag = archive_numeric.c
    older = [r[0] for r in conn.execute(
        sa.select(flag.idarchive).where(
            flag.idsite == idsite, flag.period == period.id, flag.date1 == period.start,
            flag.date2 == period.end, flag.name == done_flag_name(segment_hash),
            flag.idarchive != keep))]
    if older:
        _delete_archives(conn, older)


def _delete_archives(conn: Connection, ids: Iterable[int]) -> None:
    id_list = list(ids)
    conn.execute(archive_numeric.delete().where(archive_numeric.c.idarchive.in_(id_list)))
    conn.execute(archive_blob.delete().where(archive_blob.c.idarchive.in_(id_list)))


def _number(value: float | None) -> float:
    if value is None:
        return 0
    return int(value) if float(value).is_integer() else float(value)
