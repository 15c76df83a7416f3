"""Writes one batch's raw-log rows inside the batch transaction.

New visits are inserted at once (their id is needed by the rows that follow);
action rows are collected and inserted together, in hit order; visits changed
by the batch get one UPDATE each at the end, with the columns a hit may change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.dialects import insert_ignore, insert_returning_ids
from footfall.db.schema import (
    archive_invalidation,
    log_conversion,
    log_link_visit_action,
    log_visit,
    site,
)
from footfall.tracker.clock import utcnow_naive
from footfall.tracker.visits import Visit

ACTION_COLUMNS = tuple(c.name for c in log_link_visit_action.columns if c.name != "idlink_va")
_EMPTY_ACTION: dict[str, Any] = dict.fromkeys(ACTION_COLUMNS)
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

_UPDATE_VISIT = log_visit.update().where(log_visit.c.idvisit == sa.bindparam("b_idvisit")).values(
    {name: sa.bindparam(name) for name in MUTABLE_VISIT_COLUMNS})


@dataclass
class PendingAction:
    """An action row waiting for the batch's insert; `idlink_va` is set by it."""

    values: dict[str, Any]
    visit: Visit
    wants_id: bool
    is_last_of_visit: bool
    idlink_va: int | None = None


class BatchWriter:
    """Collects the batch's writes; `flush` sends what is still pending."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._actions: list[PendingAction] = []
        self._conversions: list[tuple[dict[str, Any], PendingAction | None]] = []
        self._dirty: dict[int, Visit] = {}
        self._invalidated: set[tuple[int, date]] = set()
        self._oldest_by_site: dict[int, Any] = {}

    def insert_visit(self, row: dict[str, Any]) -> int:
        full = {name: row.get(name) for name in VISIT_COLUMNS}  # only log_visit's columns
        return insert_returning_ids(self.conn, log_visit, log_visit.c.idvisit, [full])[0]

    def add_action(self, row: dict[str, Any], visit: Visit, *, wants_id: bool,
                   is_last_of_visit: bool) -> PendingAction:
        """Queue an action row; `is_last_of_visit` makes it the visit's last_idlink_va."""
        values = _EMPTY_ACTION.copy()
        values.update(row)  # action_row() only produces log_link_visit_action columns
        pending = PendingAction(values, visit, wants_id or is_last_of_visit, is_last_of_visit)
        self._actions.append(pending)
        return pending

    def add_conversion(self, row: dict[str, Any], action: PendingAction | None) -> None:
        """Queue a goal conversion (insert-or-ignore); its idlink_va comes from `action`."""
        self._conversions.append((row, action))

    def flush_actions(self) -> None:
        if not self._actions:
            return
        rows = [pending.values for pending in self._actions]
        if any(pending.wants_id for pending in self._actions):
            ids = insert_returning_ids(self.conn, log_link_visit_action,
                                       log_link_visit_action.c.idlink_va, rows)
            for pending, new_id in zip(self._actions, ids, strict=True):
                pending.idlink_va = new_id
                if pending.is_last_of_visit:
                    pending.visit.row["last_idlink_va"] = new_id
                    self.touch(pending.visit)
        else:
            self.conn.execute(log_link_visit_action.insert(), rows)
        self._actions = []

    def flush_conversions(self) -> None:
        if not self._conversions:
            return
        rows = []
        for row, action in self._conversions:
            if action is not None:
                row["idlink_va"] = action.idlink_va
            rows.append(row)
        self.conn.execute(insert_ignore(log_conversion, self.conn), rows)
        self._conversions = []

    def touch(self, visit: Visit) -> None:
        self._dirty[visit.idvisit] = visit

    def invalidate(self, idsite: int, day: date) -> None:
        self._invalidated.add((idsite, day))

    def flush(self) -> None:
        self.flush_actions()
        self.flush_conversions()
        if self._dirty:
            rows = []
            for visit in self._dirty.values():
                values = {name: visit.row.get(name) for name in MUTABLE_VISIT_COLUMNS}
                values["b_idvisit"] = visit.idvisit
                rows.append(values)
                visit.dirty = False
            self.conn.execute(_UPDATE_VISIT, rows)
            self._dirty.clear()
        self._write_invalidations()

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

    def older_data(self, idsite: int, when: Any) -> None:
        """Keep site.ts_created no later than the oldest hit (Matomo moves it back)."""
        current = self._oldest_by_site.get(idsite)
        if current is None or when < current:
            self._oldest_by_site[idsite] = when
