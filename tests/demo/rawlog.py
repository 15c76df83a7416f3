"""The raw log in a form two runs can be compared by: every row, with auto-increment
ids replaced by what they stand for (an action's type and name, a visit's visitor and
start), so that the order in which the tracker happened to insert rows does not matter.

`log_visit.config_id` is left out: it is a fingerprint salted with a random secret per
installation and per day (as Matomo's), so two databases never share it by design."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.db.schema import (
    log_action,
    log_conversion,
    log_conversion_item,
    log_link_visit_action,
    log_visit,
)

Row = tuple[Any, ...]


def _is_action_column(name: str) -> bool:
    return name.startswith("idaction") or (name.startswith("visit_") and "idaction" in name)


def _canonical_rows(conn: sa.Connection, table: sa.Table, actions: dict[int, Row],
                    visits: dict[int, Row], drop: set[str]) -> list[Row]:
    rows = []
    for row in conn.execute(sa.select(table)).mappings():
        values = []
        for name, value in row.items():
            if name in drop:
                continue
            if name == "idvisit":
                value = visits[value]
            elif _is_action_column(name) and value:
                value = actions.get(value, ("missing action", value))
            elif isinstance(value, bytes | memoryview):
                value = bytes(value).hex()
            values.append((name, value))
        rows.append(tuple(values))
    return sorted(rows, key=repr)


def canonical_raw_log(engine: Engine) -> dict[str, list[Row]]:
    """Every raw-log table as a sorted list of rows without auto-increment ids."""
    with engine.connect() as conn:
        actions = {r.idaction: (r.type, r.name) for r in conn.execute(sa.select(log_action))}
        visits = {r.idvisit: (bytes(r.idvisitor).hex(), r.visit_first_action_time)
                  for r in conn.execute(sa.select(log_visit.c.idvisit, log_visit.c.idvisitor,
                                                  log_visit.c.visit_first_action_time))}
        link_ids = {"idlink_va", "last_idlink_va"}
        return {
            "log_action": sorted(actions.values(), key=repr),
            "log_visit": _canonical_rows(conn, log_visit, actions, visits,
                                         {"idvisit", "config_id", *link_ids}),
            "log_link_visit_action": _canonical_rows(conn, log_link_visit_action, actions, visits,
                                                     link_ids),
            "log_conversion": _canonical_rows(conn, log_conversion, actions, visits, link_ids),
            "log_conversion_item": _canonical_rows(conn, log_conversion_item, actions, visits,
                                                   set()),
        }
