"""The day's action metrics per log_action id: a handful of GROUP BYs over the day's rows.

Per URL or name id: hits, visits and visitors (actions grouped by id), time spent
(the next action's `time_spent_ref_action`, grouped by the `_ref` id), entry and
exit metrics (visits grouped by their entry/exit ids). The names and types of
the ids come from log_action in one lookup. The passes over the actions are the
archive's largest sorts: they read the log on a connection of their own, one
after the other, while the day's visit families run (`PendingDay` starts them
first, then groups the visits by entry and exit page at once rather than last,
so that nothing but the wait for the passes and the tables' Python is left for
the end of the archive, when the other worker may have nothing left to do; the
family collects the passes after the other families).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.archive.archiver import DayContext
from footfall.archive.parallel import run_concurrently
from footfall.db.schema import log_action
from footfall.reports.metrics import as_number
from footfall.reports.rollup import VisitGroups

PAGE_URL, OUTLINK, DOWNLOAD, PAGE_TITLE, SITE_SEARCH = 1, 2, 3, 4, 8
Metrics = dict[str, Any]


@dataclass(frozen=True)
class ActionName:
    name: str
    type: int
    url_prefix: int | None


@dataclass
class DayActions:
    """Metrics keyed by action id; id 0 is 'not defined' (a pageview without URL or title)."""

    by_url: dict[int, Metrics] = field(default_factory=dict)
    by_name: dict[int, Metrics] = field(default_factory=dict)
    url_time: dict[int, Any] = field(default_factory=dict)
    name_time: dict[int, Any] = field(default_factory=dict)
    entry_url: dict[int, Metrics] = field(default_factory=dict)
    entry_name: dict[int, Metrics] = field(default_factory=dict)
    exit_url: dict[int, Metrics] = field(default_factory=dict)
    exit_name: dict[int, Metrics] = field(default_factory=dict)
    no_result: dict[int, Metrics] = field(default_factory=dict)
    categories: dict[str, Metrics] = field(default_factory=dict)
    names: dict[int, ActionName] = field(default_factory=dict)


class PendingDay:
    """The day's action metrics while their passes over the log run on other connections."""

    def __init__(self, ctx: DayContext) -> None:
        self.ctx = ctx
        actions, where, apart = ctx.sources.actions_for_passes()

        def passes(conn: Connection) -> tuple[Any, ...]:
            # One after the other on one connection: with the day's visit work beside
            # them, that already keeps two cores busy (parallel.py).
            return (_hits(conn, actions, where, actions.c.idaction_url),
                    _name_hits(conn, actions, where),
                    (_time_spent(conn, actions, where), _categories(conn, actions, where)))

        self.passes = run_concurrently(ctx.conn, [passes], apart=apart)
        # The visits by entry and exit page, on this connection while the passes run (on
        # MySQL after them: they read this connection's copy, `actions_for_passes`).
        self.day = day = DayActions()
        try:
            v = ctx.visits.c
            day.entry_url, day.entry_name = _ends(ctx, v.visit_entry_idaction_url,
                                                  v.visit_entry_idaction_name, ENTRY_METRICS_OF)
            day.exit_url, day.exit_name = _ends(ctx, v.visit_exit_idaction_url,
                                                v.visit_exit_idaction_name, EXIT_METRICS_OF)
        except BaseException:
            self.passes.close()
            raise

    def result(self) -> DayActions:
        """The day's action metrics, once the passes are done."""
        day = self.day
        try:
            [(day.by_url, (day.by_name, day.no_result),
              ((day.url_time, day.name_time), day.categories))] = self.passes.results()
        finally:
            self.passes.close()
        ids = set().union(day.by_url, day.by_name, day.entry_url, day.entry_name, day.exit_url,
                          day.exit_name) - {0}
        day.names = action_names(self.ctx.conn, ids)
        return day

    def close(self) -> None:
        self.passes.close()


def _hits(conn: Connection, actions: sa.FromClause, where: list[Any],
          key: Any) -> dict[int, Metrics]:
    a = actions.c
    query = (sa.select(key, sa.func.count(), sa.func.count(sa.distinct(a.idvisit)),
                       sa.func.count(sa.distinct(a.idvisitor)))
             .select_from(actions).where(*where, key.is_not(None)).group_by(key))
    return {int(k): {"nb_visits": visits, "nb_uniq_visitors": visitors, "nb_hits": hits}
            for k, hits, visits, visitors in conn.execute(query).all()}


def _name_hits(conn: Connection, actions: sa.FromClause,
               where: list[Any]) -> tuple[dict[int, Metrics], dict[int, Metrics]]:
    """Hits per name id, and in the same pass those of site searches with no result."""
    a = actions.c
    empty = a.search_count == 0
    query = (sa.select(a.idaction_name, sa.func.count(), sa.func.count(sa.distinct(a.idvisit)),
                       sa.func.count(sa.distinct(a.idvisitor)),
                       sa.func.sum(sa.case((empty, 1), else_=0)),
                       sa.func.count(sa.distinct(sa.case((empty, a.idvisit)))))
             .select_from(actions).where(*where, a.idaction_name.is_not(None))
             .group_by(a.idaction_name))
    by_name: dict[int, Metrics] = {}
    no_result: dict[int, Metrics] = {}
    for key, hits, visits, visitors, empty_hits, empty_visits in conn.execute(query).all():
        by_name[int(key)] = {"nb_visits": visits, "nb_uniq_visitors": visitors, "nb_hits": hits}
        if empty_hits:
            no_result[int(key)] = {"nb_visits": empty_visits, "nb_uniq_visitors": 0,
                                   "nb_hits": as_number(empty_hits)}
    return by_name, no_result


def _time_spent(conn: Connection, actions: sa.FromClause,
                where: list[Any]) -> tuple[dict[int, Any], dict[int, Any]]:
    """Seconds spent per page URL and per title: one GROUP BY on both `_ref` ids (sums add)."""
    a = actions.c
    query = (sa.select(a.idaction_url_ref, a.idaction_name_ref,
                       sa.func.sum(a.time_spent_ref_action))
             .select_from(actions)
             .where(*where, sa.or_(a.idaction_url_ref != 0, a.idaction_name_ref != 0))
             .group_by(a.idaction_url_ref, a.idaction_name_ref))
    by_url: dict[int, Any] = {}
    by_name: dict[int, Any] = {}
    for url_ref, name_ref, total in conn.execute(query).all():
        seconds = as_number(total)
        if url_ref:
            by_url[int(url_ref)] = by_url.get(int(url_ref), 0) + seconds
        if name_ref:
            by_name[int(name_ref)] = by_name.get(int(name_ref), 0) + seconds
    return by_url, by_name


# Entry (exit) columns -> the visit metric each is.
ENTRY_METRICS_OF = {"entry_nb_uniq_visitors": "nb_uniq_visitors", "entry_nb_visits": "nb_visits",
                 "entry_nb_actions": "nb_actions", "entry_sum_visit_length": "sum_visit_length",
                 "entry_bounce_count": "bounce_count"}
EXIT_METRICS_OF = {"exit_nb_uniq_visitors": "nb_uniq_visitors", "exit_nb_visits": "nb_visits"}


def _ends(ctx: DayContext, url: Any, name: Any,
          columns: dict[str, str]) -> tuple[dict[int, Metrics], dict[int, Metrics]]:
    """Visits by their entry (exit) URL and by its title: one GROUP BY of both, rolled up."""
    groups = VisitGroups(ctx.conn, ctx.visits, [url, name],
                         [sa.or_(url.is_not(None), name.is_not(None))])
    return tuple(  # type: ignore[return-value]
        {int(key): {column: metrics[metric] for column, metric in columns.items()}
         for (key,), metrics in groups.rolled_up([position]) if key is not None}
        for position in (0, 1))


def _categories(conn: Connection, actions: sa.FromClause, where: list[Any]) -> dict[str, Metrics]:
    a = actions.c
    query = (sa.select(a.search_cat, sa.func.count(), sa.func.count(sa.distinct(a.idvisit)))
             .select_from(actions)
             .where(*where, a.idaction_url.is_(None), a.search_cat.is_not(None),
                    a.search_cat != "")
             .group_by(a.search_cat))
    return {str(cat): {"nb_visits": visits, "nb_hits": hits}
            for cat, hits, visits in conn.execute(query).all()}


def action_names(conn: Connection, ids: set[int]) -> dict[int, ActionName]:
    found: dict[int, ActionName] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start:start + 900]
        query = sa.select(log_action.c.idaction, log_action.c.name, log_action.c.type,
                          log_action.c.url_prefix).where(log_action.c.idaction.in_(chunk))
        for idaction, name, type_, prefix in conn.execute(query).all():
            found[int(idaction)] = ActionName(name or "", int(type_ or 0), prefix)
    return found


def ids_of_type(day: DayActions, metrics: dict[int, Metrics], action_type: int) -> list[int]:
    """Ids in `metrics` of one log_action type; id 0 counts as a page URL / page title."""
    pages = action_type in (PAGE_URL, PAGE_TITLE)
    return [i for i in metrics
            if (i == 0 and pages) or (i in day.names and day.names[i].type == action_type)]
