"""The raw-log rows one day archive reads: that day's visits and actions of one site.

Visits belong to the day of their last action, actions to the day of their own
`server_time` (reference §3.4). The day aggregations run many GROUP BYs over
the same rows, so the rows are first copied into compact temporary tables
(only the columns reports use): each later scan then reads a small table
instead of walking the big log through its index again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.schema import log_link_visit_action, log_visit

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
# Columns of log_link_visit_action the core reports read.
ACTION_COLUMNS = (
    "idvisit", "idvisitor", "idaction_url", "idaction_name", "idaction_url_ref",
    "idaction_name_ref", "time_spent_ref_action", "search_cat", "search_count",
)
_names = itertools.count(1)


@dataclass
class DaySources:
    """Selectables for the day's visits and actions (temporary tables or subqueries)."""

    visits: sa.FromClause
    actions: sa.FromClause
    has_visits: bool
    has_actions: bool


def visit_filter(idsite: int, start: datetime, end: datetime, segment: Any = None) -> list[Any]:
    conditions: list[Any] = [log_visit.c.idsite == idsite,
                             log_visit.c.visit_last_action_time >= start,
                             log_visit.c.visit_last_action_time < end]
    if segment is not None:
        conditions.append(segment.visit_condition(log_visit))
    return conditions


def action_filter(idsite: int, start: datetime, end: datetime, segment: Any = None) -> list[Any]:
    conditions: list[Any] = [log_link_visit_action.c.idsite == idsite,
                             log_link_visit_action.c.server_time >= start,
                             log_link_visit_action.c.server_time < end]
    if segment is not None:
        # Positive action-level conditions filter the action rows themselves (Matomo).
        conditions.append(segment.action_condition(log_link_visit_action))
    return conditions


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


@contextmanager
def day_sources(conn: Connection, idsite: int, start: datetime, end: datetime,
                segment: Any = None) -> Iterator[DaySources]:
    """The day's rows as temporary tables, dropped when the block ends."""
    number = next(_names)
    visits = _temp_copy(conn, log_visit, VISIT_COLUMNS, f"ff_day_visits_{number}",
                        visit_filter(idsite, start, end, segment))
    actions = _temp_copy(conn, log_link_visit_action, ACTION_COLUMNS, f"ff_day_actions_{number}",
                         action_filter(idsite, start, end, segment))
    # Most sites never set user ids: then nb_users is 0 without a COUNT(DISTINCT) per query.
    visits.info["has_users"] = conn.execute(
        sa.select(sa.literal(1)).select_from(visits).where(visits.c.user_id.is_not(None))
        .limit(1)).first() is not None
    conn.commit()  # keeps the tables for this session even if a later statement fails
    try:
        yield DaySources(visits, actions, _not_empty(conn, visits), _not_empty(conn, actions))
    finally:
        conn.rollback()
        for table in (visits, actions):
            table.drop(conn)
        conn.commit()


def _temp_copy(conn: Connection, source: sa.Table, columns: tuple[str, ...], name: str,
               where: list[Any]) -> sa.Table:
    copied = [sa.Column(c, source.c[c].type) for c in columns]
    table = sa.Table(name, sa.MetaData(), *copied, prefixes=["TEMPORARY"])
    table.create(conn)
    select = sa.select(*(source.c[c] for c in columns)).where(*where)
    conn.execute(table.insert().from_select(list(columns), select))
    return table


def _not_empty(conn: Connection, table: sa.FromClause) -> bool:
    return conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None
