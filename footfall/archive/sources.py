"""The raw-log rows one day archive reads: that day's visits and actions of one site.

Visits belong to the day of their last action, actions to the day of their own
`server_time` (reference §3.4). The day aggregations run many GROUP BYs over
the same rows, so the rows are first copied into compact temporary tables
(only the columns reports use): each later scan then reads a small table
instead of walking the big log through its index again. Their names are fixed
(temporary tables belong to one connection), so SQLAlchemy compiles each
report query once per process, not once per archive. The tables are made
when first used, on the connection that uses them (temporary tables belong to
one connection), so families running on other connections make their own. On
SQLite the day archive's visit copy goes into a scratch database file instead
(`SharedDay`), which other connections of the archive may attach and read, and
which is deleted whole afterwards.

The visit copy also marks repeat visitors: `multi_idvisitor` (`multi_user_id`)
holds the visitor (user) id of visits whose visitor (user) has more than one
visit that day, NULL otherwise. A unique count is then the number of
unmarked visits plus a COUNT(DISTINCT) over the marked ones only: exact, and
far cheaper than a COUNT(DISTINCT) over every visit of every group. On SQLite
visitors are marked as the visits are copied (the repeat ids found by a GROUP
BY of the log in the same statement, which SQLite runs once), not by an UPDATE
of the copy after (~0.3 s less of a 150,000-visit day); segmented days, whose
conditions would run twice so, user ids (most sites have none), and the other
engines (which may run such an IN subquery once per row: a dependent subquery
on MariaDB, an unhashed subplan on PostgreSQL without statistics) are marked by
an UPDATE. The marked visits (about a sixth of a day's) are copied once more
on their own (`marked_visits`), so those distinct counts scan and sort only them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.dialects import not_from_index
from footfall.db.schema import log_link_visit_action, log_visit
from footfall.processes import process_exists

# Columns of log_visit the core reports read.
VISIT_COLUMNS = (
    "idvisit", "idvisitor", "user_id", "visit_last_action_time", "visit_first_action_time",
    "visit_total_actions", "visit_total_time", "visit_goal_converted", "visit_goal_buyer",
    "visitor_returning", "visitor_count_visits", "visitor_seconds_since_last",
    "visit_entry_idaction_url", "visit_entry_idaction_name", "visit_exit_idaction_url",
    "visit_exit_idaction_name", "referer_type", "referer_name", "referer_keyword",
    "referer_url", "location_browser_lang", "location_country", "location_region",
    "location_city", "location_latitude", "location_longitude", "config_browser_engine",
    "config_browser_name", "config_browser_version", "config_device_brand",
    "config_device_model", "config_device_type", "config_os", "config_os_version",
    "config_resolution", "config_cookie", "config_flash", "config_java", "config_pdf",
    "config_quicktime", "config_realplayer", "config_silverlight", "config_windowsmedia",
    "visitor_localtime", "campaign_name", "campaign_keyword",
)
# Added to the visit copy: ids of visitors (users) seen in more than one of the day's visits.
MULTI_VISITOR, MULTI_USER = "multi_idvisitor", "multi_user_id"
# Columns of log_link_visit_action the core reports read.
ACTION_COLUMNS = (
    "idvisit", "idvisitor", "idaction_url", "idaction_name", "idaction_url_ref",
    "idaction_name_ref", "time_spent_ref_action", "search_cat", "search_count",
)


def visit_filter(idsite: int, start: datetime, end: datetime, segment: Any = None,
                 visits: sa.FromClause = log_visit) -> list[Any]:
    """The day's visits of `idsite` among `visits` (log_visit or an alias of it)."""
    v = visits.c
    conditions: list[Any] = [v.idsite == idsite, v.visit_last_action_time >= start,
                             v.visit_last_action_time < end]
    if segment is not None:
        conditions.append(segment.visit_condition(visits))
    return conditions


def action_filter(idsite: int, start: datetime, end: datetime, segment: Any = None) -> list[Any]:
    conditions: list[Any] = [log_link_visit_action.c.idsite == idsite,
                             log_link_visit_action.c.server_time >= start,
                             log_link_visit_action.c.server_time < end]
    if segment is not None:
        # Positive action-level conditions filter the action rows themselves (Matomo); the
        # rest is asked once of each visit having actions in the window.
        day = log_link_visit_action.alias("segment_day")
        visits_of_rows = sa.select(day.c.idvisit).where(
            day.c.idsite == idsite, day.c.server_time >= start, day.c.server_time < end)
        conditions.append(segment.action_condition(log_link_visit_action,
                                                   visits_of_rows=visits_of_rows))
    return conditions


def passes_read_the_log(dialect: str) -> bool:
    """Whether the big passes over a day's actions read the log (SQLite, PostgreSQL) rather
    than a connection's copy (MySQL/MariaDB): see `DaySources.actions_for_passes`."""
    return dialect not in ("mysql", "mariadb")


def has_rows(conn: Connection, idsite: int, start: datetime, end: datetime,
             segment: Any = None) -> bool:
    """Whether the day has any visit or action: empty days need no temporary tables."""
    for table, conditions in ((log_visit, visit_filter(idsite, start, end, segment)),
                              (log_link_visit_action, action_filter(idsite, start, end, segment))):
        found = conn.execute(sa.select(sa.literal(1)).select_from(table).where(*conditions)
                             .limit(1)).first()
        if found is not None:
            return True
    return False


class SharedDay:
    """One day archive's visit copy in a scratch SQLite file that every worker connection of
    that archive attaches (SQLite only): made once, by the first worker to need it, then
    read by all, so a second visit worker costs no second copy. Removed with its file
    (`close`) once the archive is built: cheaper than dropping the tables, which frees
    their pages one by one (~0.1 s for a 150,000-visit day)."""

    SCHEMA = "ff_day"
    PREFIX = "footfall-day-"

    def __init__(self) -> None:
        remove_orphaned_copies()
        handle, self.path = tempfile.mkstemp(prefix=f"{self.PREFIX}{os.getpid()}-",
                                             suffix=".sqlite3")
        os.close(handle)  # an empty file is an empty database
        self._lock = threading.Lock()
        self._tables: tuple[sa.Table, sa.Table] | None = None
        self._failed = False

    def attach(self, conn: Connection) -> None:
        conn.commit()  # ATTACH cannot run inside a transaction
        conn.exec_driver_sql(f"ATTACH DATABASE ? AS {self.SCHEMA}", (self.path,))
        # Scratch data: no fsync, and a rollback journal kept in memory.
        conn.exec_driver_sql(f"PRAGMA {self.SCHEMA}.synchronous=OFF")
        conn.exec_driver_sql(f"PRAGMA {self.SCHEMA}.journal_mode=MEMORY")

    def detach(self, conn: Connection) -> None:
        conn.exec_driver_sql(f"DETACH DATABASE {self.SCHEMA}")

    def visits(self, sources: DaySources) -> tuple[sa.Table, sa.Table]:
        """The copy and its marked rows, made on `sources`' (attached) connection if no
        other worker has made them yet; the others wait for it."""
        with self._lock:
            if self._tables is None:
                if self._failed:
                    raise RuntimeError("sources: another worker failed to copy the day's visits")
                try:
                    self._tables = _copy_visits(sources.conn, "ff_day_visits", sources.idsite,
                                                sources.start, sources.end, sources.segment,
                                                schema=self.SCHEMA)
                    sources.conn.commit()
                except BaseException:
                    self._failed = True
                    raise
            return self._tables

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.path)


def remove_orphaned_copies() -> None:
    """Delete the scratch copies of archiving processes that died before `close` (a
    SIGKILL, a crash): each file names its process, and one whose process is gone is
    nobody's. A copy of a day can be hundreds of MB; the temporary directory must not
    collect them."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            name = entry.name
            if not (name.startswith(SharedDay.PREFIX) and name.endswith(".sqlite3")):
                continue
            pid_text = name[len(SharedDay.PREFIX):].partition("-")[0]
            if pid_text.isascii() and pid_text.isdigit() and not process_exists(int(pid_text)):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(entry.path)


class DaySources:
    """The day's visits and actions of one connection, each copied when first used (the
    visits into `shared`, when given, which other connections of the archive read too)."""

    def __init__(self, conn: Connection, idsite: int, start: datetime, end: datetime,
                 segment: Any = None, *, shared: SharedDay | None = None) -> None:
        self.conn, self.idsite, self.start, self.end, self.segment = (
            conn, idsite, start, end, segment)
        self.shared = shared
        self._attached = False
        self._visits: sa.Table | None = None
        self._marked: sa.Table | None = None
        self._actions: sa.Table | None = None

    @property
    def visits(self) -> sa.Table:
        if self._visits is None:
            if self.shared is not None:
                self.shared.attach(self.conn)
                self._attached = True
                self._visits, self._marked = self.shared.visits(self)
                return self._visits
            self._visits, self._marked = _copy_visits(
                self.conn, "ff_day_visits", self.idsite, self.start, self.end, self.segment)
            self.conn.commit()  # keeps the table for this session even if a later statement fails
        return self._visits

    @property
    def actions(self) -> sa.Table:
        if self._actions is None:
            self._actions = _temp_copy(self.conn, log_link_visit_action, ACTION_COLUMNS,
                                       "ff_day_actions",
                                       action_filter(self.idsite, self.start, self.end,
                                                     self.segment))
            self.conn.commit()
        return self._actions

    def actions_for_passes(self) -> tuple[sa.FromClause, list[Any], bool]:
        """Where a few big passes over the day's actions should read: (table, WHERE, whether
        they may run on other connections at once).

        The log itself (through its (idsite, server_time) index) on SQLite and PostgreSQL,
        so the passes run side by side with no copy to make first; on MySQL/MariaDB, whose
        secondary-index reads go through the clustered index row by row, this
        connection's copy, one pass after the other.
        """
        if not passes_read_the_log(self.conn.dialect.name):
            return self.actions, [], False
        return log_link_visit_action, action_filter(self.idsite, self.start, self.end,
                                                    self.segment), True

    def close(self) -> None:
        """Drop the tables this connection made, detach the shared copy (or discard the
        connection if that fails)."""
        try:
            self.conn.rollback()
            own = (self._actions,) if self._attached else (
                self._visits, self._marked, self._actions)
            for table in own:
                if table is not None:
                    table.drop(self.conn)
            self.conn.commit()
            if self._attached:
                self._attached = False
                assert self.shared is not None
                self.shared.detach(self.conn)
        except Exception:
            self.conn.invalidate()
            raise
        finally:
            self._visits = self._marked = self._actions = None


@contextmanager
def day_sources(conn: Connection, idsite: int, start: datetime, end: datetime,
                segment: Any = None) -> Iterator[DaySources]:
    """The day's rows as temporary tables (made on first use), dropped when the block ends."""
    sources = DaySources(conn, idsite, start, end, segment)
    try:
        yield sources
    finally:
        sources.close()


def marked_visits(visits: sa.FromClause) -> sa.Table:
    """The copy of the marked rows of a day's visit copy (same columns), made with it."""
    return _MARKED_OF[visits]


def _copy_visits(conn: Connection, name: str, idsite: int, start: datetime, end: datetime,
                 segment: Any, *, schema: str | None = None) -> tuple[sa.Table, sa.Table]:
    """The day's visits with repeat markers, and their marked rows again on their own
    (temporary tables, or tables of the attached `schema`)."""
    markers = (sa.Column(MULTI_VISITOR, log_visit.c.idvisitor.type),
               sa.Column(MULTI_USER, log_visit.c.user_id.type))
    where = visit_filter(idsite, start, end, segment)
    if segment is None and conn.dialect.name == "sqlite":
        day = log_visit.alias("repeat_day")
        # Grouped by `+idvisitor`: the day's range of the (idsite, time) index, then a sort.
        # By the bare column SQLite (without statistics) reads the (idsite, idvisitor, time)
        # index for its order, which is every visit the site ever had (measured: 0.32 s
        # for the whole copy over a log of one 150,000-visit day, 0.47 s with ten more
        # such days, growing with each day of history; ~0.42 s either way so).
        visitor = not_from_index(day.c.idvisitor)
        repeats = (sa.select(visitor).where(*visit_filter(idsite, start, end, None, day))
                   .group_by(visitor).having(sa.func.count() > 1))
        marker = sa.case((log_visit.c.idvisitor.in_(repeats), log_visit.c.idvisitor))
        visits = _temp_copy(conn, log_visit, VISIT_COLUMNS, name, where, markers,
                            {MULTI_VISITOR: marker}, schema=schema)
    else:
        visits = _temp_copy(conn, log_visit, VISIT_COLUMNS, name, where, markers,
                            schema=schema)
        _mark_repeats(conn, visits, visits.c.idvisitor, MULTI_VISITOR)
    has_users = conn.execute(
        sa.select(sa.literal(1)).select_from(visits).where(visits.c.user_id.is_not(None))
        .limit(1)).first() is not None
    if has_users:  # most sites never set user ids
        _mark_repeats(conn, visits, visits.c.user_id, MULTI_USER)
    marked = _temp_table(f"{name}_marked", tuple(sa.Column(c.name, c.type) for c in visits.c),
                         schema)
    marked.create(conn)
    conn.execute(marked.insert().from_select(
        [c.name for c in visits.c], sa.select(*visits.c).where(
            sa.or_(visits.c[MULTI_VISITOR].is_not(None), visits.c[MULTI_USER].is_not(None)))))
    _MARKED_OF.setdefault(visits, marked)
    return visits, marked


def _mark_repeats(conn: Connection, visits: sa.Table, column: sa.Column[Any],
                  marker: str) -> None:
    """Copy `column` into `marker` on the visits whose value occurs more than once.

    Through a second temporary table: MySQL cannot read the table it updates.
    """
    repeats = _temp_table(f"ff_day_repeat_{marker}", (sa.Column("value", column.type),))
    repeats.create(conn)
    conn.execute(repeats.insert().from_select(
        ["value"], sa.select(column).where(column.is_not(None)).group_by(column)
        .having(sa.func.count() > 1)))
    conn.execute(visits.update().where(column.in_(sa.select(repeats.c.value)))
                 .values({marker: column}))
    repeats.drop(conn)


def _temp_copy(conn: Connection, source: sa.Table, columns: tuple[str, ...], name: str,
               where: list[Any], extra: tuple[sa.Column[Any], ...] = (),
               filled: dict[str, Any] | None = None, schema: str | None = None) -> sa.Table:
    """A temporary copy of `columns` of `source`'s rows; `extra` columns stay NULL but
    those `filled` with an expression over `source`."""
    table = _temp_table(name, (*(sa.Column(c, source.c[c].type) for c in columns), *extra),
                        schema)
    table.create(conn)
    filled = filled or {}
    select = sa.select(*(source.c[c] for c in columns), *filled.values()).where(*where)
    conn.execute(table.insert().from_select([*columns, *filled], select))
    return table


_TABLES: dict[tuple[str, str | None, tuple[str, ...]], sa.Table] = {}
_MARKED_OF: dict[sa.FromClause, sa.Table] = {}  # visit copy -> its marked rows (both shared)


def _temp_table(name: str, columns: tuple[sa.Column[Any], ...],
                schema: str | None = None) -> sa.Table:
    """One Table object per temporary table shape (or table of an attached scratch `schema`),
    shared by every connection and archive (SQLAlchemy's statement cache is keyed by Table
    object); never mutated after creation."""
    key = (name, schema, tuple(f"{c.name} {c.type!r}" for c in columns))
    table = _TABLES.get(key)
    if table is None:
        made = (sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"]) if schema is None
                else sa.Table(name, sa.MetaData(), *columns, schema=schema))
        table = _TABLES.setdefault(key, made)
    return table
