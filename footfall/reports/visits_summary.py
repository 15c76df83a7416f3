"""VisitsSummary: the site-level visit metrics (reference §6.3, vectors V1, V3, V6, V8)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, PeriodContext, Records
from footfall.archive.datatable import DataTable, Row
from footfall.archive.periods import Period
from footfall.archive.sources import visit_filter
from footfall.db.schema import log_visit
from footfall.reports.metrics import (
    ACTIONS_PER_VISIT,
    AVG_TIME_ON_SITE,
    BOUNCE_RATE,
    duration_text,
    group_visits,
    metric,
)
from footfall.reports.registry import Family, ReportDefinition, ReportRequest

# VisitsSummary.get's column order (reference §6.3).
SUMMARY_COLUMNS = ("nb_uniq_visitors", "nb_users", "nb_visits", "nb_actions",
                   "nb_visits_converted", "bounce_count", "sum_visit_length", "max_actions")
UNIQUE_COLUMNS = ("nb_uniq_visitors", "nb_users")
# Matomo's enable_processing_unique_visitors_<period> defaults: uniques for these only.
PERIODS_WITH_UNIQUES = ("day", "week", "month")


def has_uniques(period: Period) -> bool:
    return period.kind in PERIODS_WITH_UNIQUES


def archive_day(ctx: DayContext) -> Records:
    groups = group_visits(ctx.conn, ctx.visits, [])
    numerics = dict(groups[0][1]) if groups else {}
    return Records(numerics=numerics)


def finish_period(ctx: PeriodContext, records: Records) -> None:
    """Unique visitors of a week or month are recounted over the whole period; never summed."""
    for name in UNIQUE_COLUMNS:
        records.numerics.pop(name, None)
    if not has_uniques(ctx.period) or not records.numerics.get("nb_visits"):
        return
    records.numerics.update(count_uniques(ctx, ctx.period))


def count_uniques(ctx: PeriodContext, period: Period) -> dict[str, int]:
    start, end = period.utc_bounds(ctx.site.timezone)
    query = sa.select(sa.func.count(sa.distinct(log_visit.c.idvisitor)),
                      sa.func.count(sa.distinct(log_visit.c.user_id)),
                      sa.func.count()).where(
        *visit_filter(ctx.site.idsite, start, end, ctx.segment))
    with ctx.archiver.db.writer.connect() as conn:
        visitors, users, visits = conn.execute(query).one()
    # Matomo caps the recount at the number of visits.
    return {"nb_uniq_visitors": min(int(visitors), int(visits)),
            "nb_users": min(int(users), int(visits))}


def build_get(view: ArchiveView, request: ReportRequest) -> DataTable:
    """One row of metrics; `metadata['empty']` says the period had no visits."""
    columns: dict[str, Any] = {}
    for name in SUMMARY_COLUMNS:
        if name in UNIQUE_COLUMNS and not has_uniques(view.period):
            continue  # absent, not zero (reference V3, V6)
        columns[name] = view.numeric(name)
    empty = not any(view.numerics.get(n) for n in SUMMARY_COLUMNS)
    return DataTable([Row("", columns)], metadata={"simple": True, "empty": empty})


def pretty_duration(seconds: Any) -> str:
    """Matomo's short duration text, e.g. '27 min 2s'."""
    return duration_text(int(seconds or 0))


GET = ReportDefinition(
    module="VisitsSummary", action="get", name="Visits Summary", category="Visitors",
    subcategory="Overview", build=build_get, simple=True, default_sort=None,
    metrics=tuple(metric(n) for n in SUMMARY_COLUMNS),
    processed_metrics=(BOUNCE_RATE, ACTIONS_PER_VISIT, AVG_TIME_ON_SITE),
    documentation="An overview of the visits: how many, how long, how many actions and "
                  "bounces.",
)

FAMILY = Family(
    name="VisitsSummary", archive_day=archive_day, reports=[GET], finish_period=finish_period,
    scalars={
        "getVisits": ("get", "nb_visits"),
        "getUniqueVisitors": ("get", "nb_uniq_visitors"),
        "getUsers": ("get", "nb_users"),
        "getActions": ("get", "nb_actions"),
        "getMaxActions": ("get", "max_actions"),
        "getBounceCount": ("get", "bounce_count"),
        "getVisitsConverted": ("get", "nb_visits_converted"),
        "getSumVisitsLength": ("get", "sum_visit_length"),
        "getSumVisitsLengthPretty": ("get", "sum_visit_length", pretty_duration),
    },
)
