"""One GROUP BY over the day's visits, many report tables: exact visit metrics rolled up.

SQLite has no hash aggregation, so every GROUP BY sorts the day's visits again;
a family whose tables are coarser views of one finer key (device type, brand,
brand + model) asks for the finest key once and rolls it up here. Sums, counts
and maxima roll up as they are. Unique visitors (users) do not, so the day's
visit copy marks repeat visitors (`sources.MULTI_VISITOR`, `MULTI_USER`): a
coarser row counts its unmarked visits (a sum like any other) plus the distinct
marked ids among its visits, which a second, small query counts over the marked
visits only — the same numbers as a COUNT(DISTINCT) per table, for one sort of
all the visits instead of one per table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.visitors import replacement_traverse

from footfall.archive.datatable import DataTable
from footfall.archive.sources import MULTI_USER, MULTI_VISITOR, marked_visits
from footfall.reports.common import join_key
from footfall.reports.metrics import VISIT_METRICS, as_number, grouped_by_labels, rows_from_groups

# Positions in a fine row after its keys.
(_VISITS, _ACTIONS, _MAX, _LENGTH, _BOUNCES, _CONVERTED, _MARKED_VISITORS, _WITH_USER,
 _MARKED_USERS) = range(9)


class VisitGroups:
    """The day's visits grouped by some keys, ready to be rolled up to any subset of them."""

    def __init__(self, conn: Connection, visits: sa.FromClause,
                 keys: Sequence[sa.ColumnElement[Any]], where: Sequence[Any] = ()) -> None:
        self.conn, self.visits, self.keys = conn, visits, list(keys)
        v = visits.c
        self.where = [*where]
        actions = sa.func.coalesce(v.visit_total_actions, 0)
        # Solo visitors (users) are counted as all visits (with a user id) minus the marked
        # ones: a marker is only ever set where its id is (sources._mark_repeats).
        labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
        query = sa.select(
            *labelled,
            sa.func.count(), sa.func.sum(actions), sa.func.max(actions),
            sa.func.sum(v.visit_total_time),
            sa.func.sum(sa.case((actions <= 1, 1), else_=0)),
            sa.func.sum(sa.case((v.visit_goal_converted == 1, 1), else_=0)),
            sa.func.count(v[MULTI_VISITOR]), sa.func.count(v.user_id),
            sa.func.count(v[MULTI_USER]),
        ).select_from(visits).where(*self.where)
        query = grouped_by_labels(query, labelled)
        self.width = len(keys)
        self.rows = [(tuple(row[:self.width]), row[self.width:]) for row in conn.execute(query).all()
                     if row[self.width]]  # an aggregate without keys over no visits: no group
        self.has_marked = any(values[_MARKED_VISITORS] or values[_MARKED_USERS]
                              for _, values in self.rows)

    def _marked_uniques(self, positions: Sequence[int]) -> dict[tuple[Any, ...], tuple[Any, Any]]:
        """Distinct repeat visitors and users per rolled-up key: a sort of the marked visits,
        read from their own copy (`sources.marked_visits`), not the day's."""
        if not self.has_marked:
            return {}
        v = self.visits.c
        labelled = [self.keys[i].label(f"k{n}") for n, i in enumerate(positions)]
        query = sa.select(*labelled,
                          sa.func.count(sa.distinct(v[MULTI_VISITOR])),
                          sa.func.count(sa.distinct(v[MULTI_USER]))).select_from(
            self.visits).where(*self.where)
        query = grouped_by_labels(query, labelled)
        query = _on(marked_visits(self.visits), self.visits, query)
        width = len(labelled)
        return {tuple(row[:width]): (row[width], row[width + 1])
                for row in self.conn.execute(query).all()}

    def rolled_up(self, positions: Sequence[int]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """[(key, visit metrics)] for the keys at `positions`, in SQL's GROUP BY order."""
        totals: dict[tuple[Any, ...], list[Any]] = {}
        for fine, values in self.rows:
            key = tuple(fine[i] for i in positions)
            total = totals.get(key)
            if total is None:
                total = totals[key] = [0, 0, 0, 0, 0, 0, 0, 0]
            # unmarked: each visit another visitor (user)
            total[0] += values[_VISITS] - values[_MARKED_VISITORS]
            total[1] += values[_VISITS]
            total[2] += values[_ACTIONS] or 0
            total[3] += values[_WITH_USER] - values[_MARKED_USERS]
            most = values[_MAX] or 0
            if most > total[4]:
                total[4] = most
            total[5] += values[_LENGTH] or 0
            total[6] += values[_BOUNCES] or 0
            total[7] += values[_CONVERTED] or 0
        for key, (visitors, users) in self._marked_uniques(positions).items():
            if key in totals:
                totals[key][0] += visitors
                totals[key][3] += users
        if not positions and not totals:
            totals[()] = [0, 0, 0, 0, 0, 0, 0, 0]  # an aggregate without GROUP BY: one row
        return [(key, dict(zip(VISIT_METRICS, map(as_number, totals[key]), strict=True)))
                for key in sorted(totals, key=sql_order)]

    def table(self, positions: Sequence[int], key_of: Callable[..., str] = join_key) -> DataTable:
        """A table of the keys at `positions`, labelled `key_of(*key)` (as `dimension_table`)."""
        return rows_from_groups(self.rolled_up(positions), key_of)


def _on(table: sa.Table, visits: sa.FromClause, statement: Any) -> Any:
    """`statement` over `visits` rewritten over `table`, which has the same columns.

    The whole statement is rewritten: expressions already compiled elsewhere keep
    memoized parts that a rewrite of the expression alone would leave pointing at `visits`.
    """
    def swap(element: Any) -> Any:
        if element is visits:
            return table
        if isinstance(element, sa.Column) and element.table is visits:
            return table.c[element.name]
        return None

    return replacement_traverse(statement, {}, swap)


def sql_order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite's GROUP BY order: NULL, then numbers, then text (by code point, as UTF-8 bytes)."""
    return tuple((0, 0) if part is None else (1, part) if isinstance(part, (int, float))
                 else (2, str(part)) for part in key)
