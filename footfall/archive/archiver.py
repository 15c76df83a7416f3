"""What to archive and when: day archives from the raw log, longer periods from shorter ones.

Reference §5.3-5.7. A day archive runs every registered family's day
aggregation over that day's visits and actions (site time zone); a week,
month, year or range archive sums the archives of its sub-periods (each built
first if missing), then lets each family finish (e.g. recount unique
visitors). `archive_view` is what the report methods read: it finds a fresh
archive or builds one when browser-triggered archiving is allowed.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.archive import datatable as dt
from footfall.archive.parallel import Later, run_on_connections, shares_visit_copy
from footfall.archive.periods import Period, local_now, site_tzinfo
from footfall.archive.sources import DaySources, SharedDay, has_rows
from footfall.archive.store import ArchiveStore, StoredArchive, utcnow
from footfall.config import Settings
from footfall.db.engine import Database
from footfall.reports import registry
from footfall.services import Services
from footfall.sites import Site

log = logging.getLogger("footfall.archive")

# Unique-count columns of dimension rows cannot be summed across days: Matomo renames them.
SUMMED_UNIQUE_COLUMNS = {
    "nb_uniq_visitors": "sum_daily_nb_uniq_visitors",
    "nb_users": "sum_daily_nb_users",
    "entry_nb_uniq_visitors": "sum_daily_entry_nb_uniq_visitors",
    "exit_nb_uniq_visitors": "sum_daily_exit_nb_uniq_visitors",
}
# A period ending this long before the site was created is never archived (empty).
CREATION_MARGIN = timedelta(days=2)


@dataclass
class Records:
    """What an archive holds before it is stored: numeric records and report tables."""

    numerics: dict[str, float] = field(default_factory=dict)
    tables: dict[str, dt.DataTable] = field(default_factory=dict)

    def update(self, other: Records) -> None:
        self.numerics.update(other.numerics)
        self.tables.update(other.tables)


@dataclass
class DayContext:
    """Everything a family's day aggregation needs: the connection and the day's raw rows."""

    conn: Connection
    site: Site
    period: Period
    settings: Settings
    sources: DaySources
    segment: Any = None

    @property
    def visits(self) -> sa.FromClause:
        return self.sources.visits

    @property
    def actions(self) -> sa.FromClause:
        return self.sources.actions


@dataclass
class PeriodContext:
    """What `Family.finish_period` sees when a longer period has been summed."""

    archiver: Archiver
    site: Site
    period: Period
    segment: Any = None


@dataclass
class ArchiveView:
    """One archive as the report methods read it (empty when there is none)."""

    site: Site
    period: Period
    numerics: dict[str, float]
    blobs: dict[str, bytes]
    exists: bool

    def numeric(self, name: str, default: float = 0) -> float:
        return self.numerics.get(name, default)

    def table(self, name: str) -> dt.DataTable:
        """A fresh copy of a stored report table (callers may filter it in place)."""
        blob = self.blobs.get(name)
        return dt.from_blob(blob) if blob is not None else dt.DataTable()


def segment_hash(segment: Any) -> str:
    return str(getattr(segment, "hash", "")) if segment is not None else ""


class Archiver:
    """Builds and finds archives for one database."""

    _locks: dict[tuple[Any, ...], threading.Lock] = {}
    _locks_guard = threading.Lock()

    def __init__(self, db: Database, settings: Settings, *, now: datetime | None = None) -> None:
        self.db = db
        self.settings = settings
        self.store = ArchiveStore(db.writer)
        self._now = now

    def now(self) -> datetime:
        return self._now or utcnow()

    # --- Finding -------------------------------------------------------------------

    def view(self, site: Site, period: Period, segment: Any = None, *,
             may_build: bool) -> ArchiveView:
        stored = self.ensure(site, period, segment, may_build=may_build)
        if stored is None:
            return ArchiveView(site, period, {}, {}, exists=False)
        return ArchiveView(site, period, self.store.numerics(stored.idarchive),
                           self.store.blobs(stored.idarchive), exists=True)

    def ensure(self, site: Site, period: Period, segment: Any = None, *,
               may_build: bool = True, force: bool = False) -> StoredArchive | None:
        """A usable archive for (site, period, segment), built if needed and allowed."""
        if not self.has_data_window(site, period):
            return None
        self.store.apply_pending_invalidations(site.idsite)
        stored = self.store.find(site.idsite, period, segment_hash(segment))
        if not force and stored is not None and self.is_fresh(stored, site, period):
            return stored
        if not may_build:
            return stored
        with self._lock(site.idsite, period, segment_hash(segment)):
            again = self.store.find(site.idsite, period, segment_hash(segment))
            if not force and again is not None and again != stored and \
                    self.is_fresh(again, site, period):
                return again
            self.build(site, period, segment)
        return self.store.find(site.idsite, period, segment_hash(segment))

    def has_data_window(self, site: Site, period: Period) -> bool:
        """False for periods starting after today or ending well before the site existed."""
        today = local_now(site.timezone, self.now()).date()
        if period.start > today:
            return False
        if site.ts_created is not None:
            created = local_now(site.timezone, site.ts_created).date()
            if period.end + CREATION_MARGIN < created:
                return False
        return True

    def is_fresh(self, stored: StoredArchive, site: Site, period: Period) -> bool:
        """Reference §5.3: finished periods stay valid; ones containing today expire."""
        if stored.invalidated:
            return False
        _, period_end_utc = period.utc_bounds(site.timezone)
        if period_end_utc <= self.now():
            return stored.ts_archived >= period_end_utc
        ttl = self.settings.get_int("General", "time_before_today_archive_considered_outdated")
        return stored.ts_archived >= self.now() - timedelta(seconds=ttl)

    @contextmanager
    def _lock(self, *key: Any) -> Iterator[None]:
        with self._locks_guard:
            if len(self._locks) > 10_000:
                # Forget idle locks now and then; at worst two requests build the same
                # archive once, which is harmless (the newest archive wins).
                self._locks.clear()
            lock = self._locks.setdefault((id(self.db), *key), threading.Lock())
        with lock:
            yield

    # --- Building ------------------------------------------------------------------

    def build(self, site: Site, period: Period, segment: Any = None) -> int:
        """Compute and store the archive; returns its idarchive."""
        started = self.now()
        try:
            with collection_paused():
                records = (self.build_day(site, period, segment) if period.kind == "day"
                           else self.build_period(site, period, segment))
        except Exception as error:
            raise RuntimeError(f"archive.build: site {site.idsite}, {period.kind} "
                               f"{period.label}: {error}") from error
        blobs = {name: dt.to_blob(table) for name, table in records.tables.items()
                 if table.rows or table.summary_row}
        idarchive = self.store.write(site.idsite, period, numerics=records.numerics, blobs=blobs,
                                     segment_hash=segment_hash(segment), ts_archived=started)
        log.debug("archived site %s %s %s", site.idsite, period.kind, period.label)
        return idarchive

    def build_day(self, site: Site, period: Period, segment: Any = None) -> Records:
        records = Records()
        start, end = period.utc_bounds(site_tzinfo(site.timezone))
        with self.db.writer.connect() as conn:
            if not has_rows(conn, site.idsite, start, end, segment):
                return records  # an empty day: only the done flag is written
        families = registry.families()
        # Families starting work on other connections go first, to overlap the most.
        order = sorted(range(len(families)), key=lambda i: not families[i].starts_early)

        def run(index: int, conn: Connection, sources: DaySources) -> Records | Later:
            family = families[index]
            day = family.archive_day(DayContext(conn, site, period, self.settings, sources,
                                                segment))
            if isinstance(day, Later):
                finish = day.finish
                return Later(finish=lambda: self._truncate(family, finish()),
                             abandon=day.abandon)
            return self._truncate(family, day)

        shared = SharedDay() if shares_visit_copy(self.db.writer) else None
        try:
            days = run_on_connections(
                self.db.writer, order,
                lambda conn: DaySources(conn, site.idsite, start, end, segment, shared=shared),
                run)
        finally:
            if shared is not None:
                shared.close()
        for _, day in sorted(zip(order, days, strict=True), key=lambda pair: pair[0]):
            records.update(day)
        return records

    def build_period(self, site: Site, period: Period, segment: Any = None) -> Records:
        parts = [self.records_of(site, sub, segment) for sub in period.subperiods()]
        records = sum_records(parts)
        rename_summed_uniques(records)
        context = PeriodContext(self, site, period, segment)
        for family in registry.families():
            self._truncate(family, records)
            if family.finish_period is not None:
                family.finish_period(context, records)
        return records

    def records_of(self, site: Site, period: Period, segment: Any = None) -> Records:
        """The stored records of a sub-period, building its archive first when needed."""
        stored = self.ensure(site, period, segment, may_build=True)
        if stored is None:
            return Records()
        blobs = self.store.blobs(stored.idarchive)
        return Records(self.store.numerics(stored.idarchive),
                       {name: dt.from_blob(blob) for name, blob in blobs.items()})

    def _truncate(self, family: registry.Family, records: Records) -> Records:
        """Cut `family`'s tables in `records` to their row limits; returns `records`."""
        for name, (limit_key, sub_key) in family.table_limits.items():
            table = records.tables.get(name)
            if table is None:
                continue
            limit = self.settings.get_int("General", limit_key)
            sub_limit = self.settings.get_int("General", sub_key) if sub_key else None
            dt.truncate(table, limit, subtable_limit=sub_limit)
        return records

    # --- Invalidation ----------------------------------------------------------------

    def rebuild_invalidated(self, idsite: int | None = None,
                            sites: dict[int, Site] | None = None) -> int:
        """Rebuild every invalidated archive (days first); returns how many were rebuilt."""
        from footfall.sites import get_site

        self.store.apply_pending_invalidations(idsite)
        count = 0
        for stale in self.store.invalidated(idsite):
            if stale.segment_hash:
                continue  # segment archives are rebuilt when next requested
            site = (sites or {}).get(stale.idsite) or get_site(self.db.writer, stale.idsite)
            self.ensure(site, stale.period, None, may_build=True)
            count += 1
        return count


_collection_pauses = 0  # builds running now; the collector is back on when none is
_collection_was_on = True
_collection_guard = threading.Lock()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while archives are built (on again after the
    last concurrent build). A build makes and keeps tens of thousands of rows and dicts,
    which set off full collections that walk every object of the process again and again
    (~10% of a small day's archive). Rows and tables hold no cycles: reference counting
    frees them all the same.
    """
    global _collection_pauses, _collection_was_on
    with _collection_guard:
        _collection_pauses += 1
        if _collection_pauses == 1:
            _collection_was_on = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _collection_guard:
            _collection_pauses -= 1
            if _collection_pauses == 0 and _collection_was_on:
                gc.enable()


def sum_records(parts: list[Records]) -> Records:
    """Add up sub-period records: numerics summed (max_* by max), tables merged by label."""
    total = Records()
    for part in parts:
        dt.sum_columns(total.numerics, part.numerics)
        for name, table in part.tables.items():
            if name in total.tables:
                dt.add_table(total.tables[name], table)
            else:
                total.tables[name] = dt.copy_table(table)
    return total


def rename_summed_uniques(records: Records) -> None:
    for table in records.tables.values():
        _rename_in_table(table)


def _rename_in_table(table: dt.DataTable) -> None:
    for row in table.all_rows():
        for old, new in SUMMED_UNIQUE_COLUMNS.items():
            if old in row.columns:
                value = row.columns.pop(old)
                row.columns[new] = row.columns.get(new, 0) + value
        if row.subtable is not None:
            _rename_in_table(row.subtable)


# --- For report methods ---------------------------------------------------------------


def browser_may_build(settings: Settings, period: Period, segment: Any = None) -> bool:
    """Reference §5.7: may an API request compute a missing archive?"""
    if settings.get_int("General", "browser_archiving_disabled_enforce"):
        return False
    if settings.get_int("General", "enable_browser_archiving_triggering"):
        return True
    if period.kind == "range" and settings.get_int("General",
                                                   "archiving_range_force_on_browser_request"):
        return True
    return segment is not None


def archiver_for(services: Services) -> Archiver:
    archiver = services.components.get("archiver")
    if not isinstance(archiver, Archiver):
        archiver = Archiver(services.db, services.settings)
        services.components["archiver"] = archiver
    return archiver


def archive_view(services: Services, site: Site, period: Period, segment: Any = None) -> ArchiveView:
    may_build = browser_may_build(services.settings, period, segment)
    return archiver_for(services).view(site, period, segment, may_build=may_build)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
