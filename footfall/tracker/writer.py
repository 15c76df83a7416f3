"""Writes one batch's raw-log rows inside the batch transaction.

Nothing is written per hit. New visits wait until something needs their id
(the batch's end, an ecommerce hit, or a look-up that must see them), then go in
one INSERT … RETURNING; action rows and goal conversions follow in one statement
each, with their visit ids filled in. A visit created and continued in the same
batch is inserted once, as it ends up; other visits changed by the batch get one
UPDATE each at the end, however many hits they had. Page-performance and
time-spent updates of rows written by earlier batches are collected too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.dialects import insert_ignore
from footfall.db.schema import (
    archive_invalidation,
    log_action,
    log_conversion,
    log_link_visit_action,
    log_visit,
    site,
)
from footfall.tracker.clock import utcnow_naive
from footfall.tracker.many_rows import InsertWithIds, ManyRows
from footfall.tracker.visits import Visit

ACTION_COLUMNS = tuple(c.name for c in log_link_visit_action.columns if c.name != "idlink_va")
VISIT_COLUMNS = tuple(c.name for c in log_visit.columns if c.name != "idvisit")
MUTABLE_VISIT_COLUMNS = tuple(c for c in VISIT_COLUMNS if c not in {
    "idsite", "visit_first_action_time", "config_id", "location_ip", "visitor_count_visits",
    "visitor_seconds_since_first", "visitor_seconds_since_last", "visitor_returning",
    "visit_entry_idaction_url", "visit_entry_idaction_name", "visitor_localtime",
    "location_browser_lang", "config_browser_engine", "config_browser_name",
    "config_browser_version", "config_client_type", "config_device_brand",
    "config_device_model", "config_device_type", "config_os", "config_os_version",
    "config_cookie", "config_flash", "config_java", "config_pdf", "config_quicktime",
    "config_realplayer", "config_silverlight", "config_windowsmedia", "location_provider"})
PAGE_URL, PAGE_TITLE = 1, 4  # log_action types a pageview row refers to

_UPDATE_VISIT = log_visit.update().where(log_visit.c.idvisit == sa.bindparam("b_idvisit")).values(
    {name: sa.bindparam(name) for name in MUTABLE_VISIT_COLUMNS})
_SET_TIME_SPENT = log_link_visit_action.update().where(
    log_link_visit_action.c.idlink_va == sa.bindparam("b_idlink_va")).values(
    time_spent=sa.bindparam("b_time_spent"))


_ACTION_INSERT = ManyRows.insert(log_link_visit_action, ACTION_COLUMNS)
_ACTION_INSERT_WITH_IDS = InsertWithIds(log_link_visit_action, "idlink_va", ACTION_COLUMNS)
_VISIT_INSERT = InsertWithIds(log_visit, "idvisit", VISIT_COLUMNS)
_VISIT_UPDATE = ManyRows(_UPDATE_VISIT, (*MUTABLE_VISIT_COLUMNS, "b_idvisit"))


class PendingAction:
    """An action row waiting for the batch's insert; `idlink_va` is set by it."""

    __slots__ = ("idlink_va", "is_last_of_visit", "values", "visit", "wants_id")

    def __init__(self, values: dict[str, Any], visit: Visit, wants_id: bool,
                 is_last_of_visit: bool) -> None:
        self.values = values
        self.visit = visit
        self.wants_id = wants_id
        self.is_last_of_visit = is_last_of_visit
        self.idlink_va: int | None = None


class BatchWriter:
    """Collects the batch's writes; `flush` sends what is still pending."""

    def __init__(self, conn: Connection, remember: Callable[[Visit], Any] | None = None) -> None:
        self.conn = conn
        self._remember = remember
        self._new_visits: list[Visit] = []
        self._actions: list[PendingAction] = []
        self._conversions: list[tuple[dict[str, Any], Visit, PendingAction | None]] = []
        self._dirty: dict[int, Visit] = {}
        self._time_spent: dict[int, int] = {}
        self._performance: list[tuple[Visit, str, dict[str, int]]] = []
        self._invalidated: set[tuple[int, date]] = set()
        self._oldest_by_site: dict[int, Any] = {}

    # -- visits ----------------------------------------------------------------------

    def add_visit(self, visit: Visit) -> None:
        """A new visit (idvisit 0): inserted, as it is then, when an id is needed."""
        self._new_visits.append(visit)

    def touch(self, visit: Visit) -> None:
        """`visit` changed: a visit already in the database gets an UPDATE at the end."""
        if visit.idvisit:
            self._dirty[visit.idvisit] = visit

    def visit_id(self, visit: Visit) -> int:
        """The visit's id, inserting the batch's new visits if it is one of them."""
        if not visit.idvisit:
            self._insert_new_visits()
        return visit.idvisit

    def flush_visits(self) -> None:
        """Insert the new visits and update the changed ones, now (e.g. before a query)."""
        self._insert_new_visits()
        self._update_dirty_visits()

    def _insert_new_visits(self) -> None:
        if not self._new_visits:
            return
        visits, self._new_visits = self._new_visits, []
        ids = _VISIT_INSERT.execute(self.conn, [visit.row for visit in visits])
        for visit, new_id in zip(visits, ids, strict=True):
            visit.idvisit = new_id
            if self._remember is not None:
                self._remember(visit)

    def _update_dirty_visits(self) -> None:
        if not self._dirty:
            return
        rows = [{**visit.row, "b_idvisit": visit.idvisit} for visit in self._dirty.values()]
        self._dirty.clear()
        _VISIT_UPDATE.execute(self.conn, rows)

    # -- actions and conversions -------------------------------------------------------

    def add_action(self, row: dict[str, Any], visit: Visit, *, wants_id: bool,
                   is_last_of_visit: bool) -> PendingAction:
        """Queue an action row; `is_last_of_visit` makes it the visit's last_idlink_va."""
        pending = PendingAction(row, visit, wants_id or is_last_of_visit, is_last_of_visit)
        self._actions.append(pending)
        return pending

    def add_conversion(self, row: dict[str, Any], visit: Visit,
                       action: PendingAction | None) -> None:
        """Queue a goal conversion (insert-or-ignore); its idlink_va comes from `action`."""
        self._conversions.append((row, visit, action))

    def set_time_spent(self, idlink_va: int, seconds: int) -> None:
        """`time_spent` of an action row written by an earlier batch."""
        self._time_spent[idlink_va] = seconds

    def update_performance(self, visit: Visit, pv_id: str, timings: dict[str, int]) -> None:
        """Page timings for the visit's pageview `pv_id` written by an earlier batch."""
        self._performance.append((visit, pv_id, timings))

    def flush_actions(self) -> None:
        if not self._actions:
            return
        self._insert_new_visits()
        actions, self._actions = self._actions, []
        rows = []
        for pending in actions:
            values = pending.values
            values["idvisit"] = pending.visit.idvisit
            rows.append(values)
            pending.visit.forget_pending()
        if any(pending.wants_id for pending in actions):
            ids = _ACTION_INSERT_WITH_IDS.execute(self.conn, rows)
            for pending, new_id in zip(actions, ids, strict=True):
                pending.idlink_va = new_id
                if pending.is_last_of_visit:
                    pending.visit.row["last_idlink_va"] = new_id
                    self.touch(pending.visit)
        else:
            _ACTION_INSERT.execute(self.conn, rows)

    def flush_conversions(self) -> None:
        if not self._conversions:
            return
        self._insert_new_visits()
        rows = []
        for row, visit, action in self._conversions:
            row["idvisit"] = visit.idvisit
            if action is not None:
                row["idlink_va"] = action.idlink_va
            rows.append(row)
        self._conversions = []
        self.conn.execute(insert_ignore(log_conversion, self.conn), rows)

    def _write_row_updates(self) -> None:
        if self._time_spent:
            self.conn.execute(_SET_TIME_SPENT, [
                {"b_idlink_va": idlink_va, "b_time_spent": seconds}
                for idlink_va, seconds in self._time_spent.items()])
            self._time_spent.clear()
        for visit, pv_id, timings in self._performance:
            idlink_va = self.conn.execute(_LATEST_PAGEVIEW, {
                "idvisit": visit.idvisit, "pv_id": pv_id}).scalar()
            if idlink_va is not None:
                self.conn.execute(log_link_visit_action.update().where(
                    log_link_visit_action.c.idlink_va == idlink_va).values(**timings))
        self._performance.clear()

    def flush(self) -> None:
        self.flush_actions()
        self.flush_conversions()
        self._write_row_updates()
        self._insert_new_visits()
        self._update_dirty_visits()
        self._write_invalidations()

    # -- archives and sites ------------------------------------------------------------

    def invalidate(self, idsite: int, day: date) -> None:
        self._invalidated.add((idsite, day))

    def older_data(self, idsite: int, when: Any) -> None:
        """Keep site.ts_created no later than the oldest hit (Matomo moves it back)."""
        current = self._oldest_by_site.get(idsite)
        if current is None or when < current:
            self._oldest_by_site[idsite] = when

    def _write_invalidations(self) -> None:
        """Days older than today got data: their archives must be rebuilt."""
        for idsite, day in sorted(self._invalidated):
            exists = self.conn.execute(sa.select(archive_invalidation.c.idinvalidation).where(
                archive_invalidation.c.idsite == idsite, archive_invalidation.c.date1 == day,
                archive_invalidation.c.date2 == day).limit(1)).first()
            if exists is None:
                self.conn.execute(archive_invalidation.insert().values(
                    idsite=idsite, date1=day, date2=day, ts_invalidated=utcnow_naive()))
        for idsite, oldest in self._oldest_by_site.items():
            self.conn.execute(site.update().where(site.c.idsite == idsite,
                                                  site.c.ts_created > oldest)
                              .values(ts_created=oldest))
        self._invalidated.clear()
        self._oldest_by_site.clear()


def _latest_pageview() -> Any:
    """The visit's latest row with idpageview = pv_id whose URL (else title) is a page."""
    action = log_link_visit_action
    url, name = log_action.alias("url_action"), log_action.alias("name_action")
    is_page = sa.or_(url.c.type == PAGE_URL,
                     sa.and_(sa.func.coalesce(action.c.idaction_url, 0) == 0,
                             name.c.type == PAGE_TITLE))
    return (sa.select(sa.func.max(action.c.idlink_va))
            .select_from(action.outerjoin(url, url.c.idaction == action.c.idaction_url)
                         .outerjoin(name, name.c.idaction == action.c.idaction_name))
            .where(action.c.idvisit == sa.bindparam("idvisit"),
                   action.c.idpageview == sa.bindparam("pv_id"), is_page))


_LATEST_PAGEVIEW = _latest_pageview()
