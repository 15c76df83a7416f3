"""Metrics shared by report families: the visit metrics and the common processed metrics.

The visit metrics (reference §5.4, §6) are the aggregates every visit-dimension
report computes per row; `group_visits` runs one GROUP BY for a dimension and
returns them per dimension value.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.archive.datatable import DataTable, Row, sum_columns
from footfall.archive.sources import MULTI_USER, MULTI_VISITOR
from footfall.reports.registry import Metric, ProcessedMetric

# Column order of dimension rows, as Matomo's outputs show them.
VISIT_METRICS = ("nb_uniq_visitors", "nb_visits", "nb_actions", "nb_users", "max_actions",
                 "sum_visit_length", "bounce_count", "nb_visits_converted")

METRIC_TITLES = {
    "nb_uniq_visitors": "Unique visitors",
    "nb_visits": "Visits",
    "nb_actions": "Actions",
    "nb_users": "Users",
    "max_actions": "Maximum actions in one visit",
    "sum_visit_length": "Total time spent by visitors (in seconds)",
    "bounce_count": "Bounces",
    "nb_visits_converted": "Visits with Conversions",
}
METRIC_TYPES = {"sum_visit_length": "duration_s"}


def metric(name: str, title: str | None = None, type_: str | None = None) -> Metric:
    return Metric(name, title or METRIC_TITLES.get(name, name),
                  type_ or METRIC_TYPES.get(name, "number"))


VISIT_METRIC_DEFINITIONS = tuple(metric(name) for name in VISIT_METRICS)


def unique_count(visits: sa.FromClause, column: str, marker: str) -> sa.ColumnElement[Any]:
    """COUNT(DISTINCT column), exact, over a day's visit copy or any log_visit-shaped selectable.

    On the copy (archive/sources.py) only repeat visitors (users) carry `marker`:
    each unmarked visit is one more visitor, the marked ones are counted distinct.
    """
    v = visits.c
    if marker not in v:
        return sa.func.count(sa.distinct(v[column]))
    once = sa.func.sum(sa.case((sa.and_(v[column].is_not(None), v[marker].is_(None)), 1),
                               else_=0))
    return sa.func.count(sa.distinct(v[marker])) + sa.func.coalesce(once, 0)


def visit_metric_columns(visits: sa.FromClause) -> list[sa.ColumnElement[Any]]:
    """The visit metrics as SQL aggregates over `visits` (a log_visit-shaped selectable)."""
    v = visits.c
    actions = sa.func.coalesce(v.visit_total_actions, 0)
    return [
        unique_count(visits, "idvisitor", MULTI_VISITOR).label("nb_uniq_visitors"),
        sa.func.count().label("nb_visits"),
        sa.func.sum(actions).label("nb_actions"),
        unique_count(visits, "user_id", MULTI_USER).label("nb_users"),
        sa.func.max(actions).label("max_actions"),
        sa.func.sum(v.visit_total_time).label("sum_visit_length"),
        sa.func.sum(sa.case((actions <= 1, 1), else_=0)).label("bounce_count"),
        sa.func.sum(sa.case((v.visit_goal_converted == 1, 1), else_=0)).label(
            "nb_visits_converted"),
    ]


def grouped_by_labels(query: sa.Select[Any], labelled: Sequence[sa.Label[Any]]) -> sa.Select[Any]:
    """`query` grouped by its own labelled keys, named (`GROUP BY k0, k1`), not written out
    again: SQLite takes a key repeated with its own bound parameters for another expression,
    works it out twice a row and sorts both (~12% of the visit families' GROUP BY time at
    150,000 visits). Output-column names are valid in GROUP BY on SQLite, PostgreSQL and
    MySQL/MariaDB; the labels must not be column names of the selected tables."""
    if not labelled:
        return query
    return query.group_by(*(sa.literal_column(label.name) for label in labelled))


def group_visits(conn: Connection, visits: sa.FromClause,
                 keys: Sequence[sa.ColumnElement[Any]],
                 where: Sequence[Any] = ()) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """One GROUP BY over the visits: [(key values, visit metrics)]."""
    labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
    query = sa.select(*labelled, *visit_metric_columns(visits)).select_from(visits)
    if where:
        query = query.where(*where)
    query = grouped_by_labels(query, labelled)
    width = len(keys)
    # Nearly every aggregate is an int already: as_number only for the others (a call per
    # value shows in profiles of the Referrers day, which has thousands of groups).
    return [(tuple(row[:width]), dict(zip(VISIT_METRICS, [
        value if value.__class__ is int else as_number(value) for value in row[width:]],
        strict=True))) for row in conn.execute(query).all()]


_ADDED = tuple(name for name in VISIT_METRICS if name != "max_actions")


def add_visit_metrics(target: dict[str, Any], source: dict[str, Any]) -> None:
    """`sum_columns` for two rows of exactly the visit metrics: the hot path of rolling
    a family's finest groups up into its coarser tables."""
    for name in _ADDED:
        target[name] += source[name]
    if source["max_actions"] > target["max_actions"]:
        target["max_actions"] = source["max_actions"]


def as_number(value: Any) -> int | float:
    """SQL aggregates come back as int, float or Decimal; keep ints as ints."""
    if value.__class__ is int:
        return value  # nearly always: the fast path first
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


def rows_from_groups(groups: list[tuple[tuple[Any, ...], dict[str, Any]]],
                     label_of: Any = None) -> DataTable:
    """A table with one row per group; labels are the (first) key as text unless mapped."""
    table = DataTable()
    index: dict[str, Row] = {}
    for key, metrics in groups:
        label = label_of(*key) if label_of else str(key[0])
        row = index.get(label)
        if row is None:
            row = Row(label, dict(metrics))
            index[label] = row
            table.rows.append(row)
        else:
            sum_columns(row.columns, metrics)
    return table


# --- Processed metrics ------------------------------------------------------------


def php_round(value: float, digits: int = 0) -> int | float:
    """PHP's round(): half away from zero (Python's round() is half to even)."""
    quantum = Decimal(1).scaleb(-digits)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    number = float(rounded)
    return int(number) if number.is_integer() else number


def ratio(numerator: Any, denominator: Any, digits: int) -> int | float:
    """numerator / denominator rounded PHP-style; 0 when dividing by zero (Matomo)."""
    top, bottom = float(numerator or 0), float(denominator or 0)
    return php_round(top / bottom, digits) if bottom else 0


BOUNCE_RATE = ProcessedMetric(
    "bounce_rate", "Bounce Rate", lambda r, t: ratio(r.get("bounce_count"), r.get("nb_visits"), 2),
    type="percent", depends_on=("nb_visits",),
    documentation="The percentage of visits that only had a single pageview.")
ACTIONS_PER_VISIT = ProcessedMetric(
    "nb_actions_per_visit", "Actions per Visit",
    lambda r, t: ratio(r.get("nb_actions"), r.get("nb_visits"), 1), type="number",
    depends_on=("nb_visits",),
    documentation="The average number of actions performed during a visit.")
AVG_TIME_ON_SITE = ProcessedMetric(
    "avg_time_on_site", "Avg. Visit Duration (in seconds)",
    lambda r, t: ratio(r.get("sum_visit_length"), r.get("nb_visits"), 0), type="duration_s",
    depends_on=("nb_visits",), documentation="The average duration of a visit.")
CONVERSION_RATE = ProcessedMetric(
    "conversion_rate", "Conversion Rate",
    lambda r, t: ratio(r.get("nb_visits_converted"), r.get("nb_visits"), 4), type="percent",
    depends_on=("nb_visits",),
    documentation="The percentage of visits that triggered a goal conversion.")
VISITS_PERCENTAGE = ProcessedMetric(
    "nb_visits_percentage", "% Visits",
    lambda r, t: ratio(r.get("nb_visits"), t.get("nb_visits"), 2), type="percent",
    depends_on=("nb_visits",), documentation="Percentage of visits.")

VISIT_PROCESSED_METRICS = (ACTIONS_PER_VISIT, AVG_TIME_ON_SITE, BOUNCE_RATE)


def duration_text(total: int) -> str:
    """Matomo's pretty time for whole seconds: '45s', '13 min 31s', '2 hours 5 min',
    '3 days 4 hours' (shared by the Pretty getters and format_metrics)."""
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} days {hours} hours"
    if hours:
        return f"{hours} hours {minutes} min"
    if minutes:
        return f"{minutes} min {secs}s"
    return f"{secs}s"
