"""VisitFrequency: the visit summary split into new and returning visits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, PeriodContext, Records
from footfall.archive.datatable import DataTable, Row
from footfall.archive.sources import visit_filter
from footfall.db.schema import log_visit
from footfall.reports.metrics import VISIT_PROCESSED_METRICS, group_visits, metric
from footfall.reports.registry import Family, ReportDefinition, ReportRequest
from footfall.reports.visits_summary import BOUNCE_RATE, SUMMARY_COLUMNS, UNIQUE_COLUMNS, has_uniques

SUFFIXES = ("new", "returning")
PROCESSED_ORDER = (BOUNCE_RATE, *(m for m in VISIT_PROCESSED_METRICS if m is not BOUNCE_RATE))


def _kind(visitor_returning: Any) -> Any:
    return sa.case((sa.func.coalesce(visitor_returning, 0) > 0, "returning"), else_="new")


def archive_day(ctx: DayContext) -> Records:
    numerics: dict[str, float] = {}
    for (kind,), metrics in group_visits(ctx.conn, ctx.visits,
                                         [_kind(ctx.visits.c.visitor_returning)]):
        numerics.update({f"VisitFrequency_{name}_{kind}": value for name, value in metrics.items()})
    return Records(numerics=numerics)


def finish_period(ctx: PeriodContext, records: Records) -> None:
    for suffix in SUFFIXES:
        for name in UNIQUE_COLUMNS:
            records.numerics.pop(f"VisitFrequency_{name}_{suffix}", None)
    if not has_uniques(ctx.period):
        return
    start, end = ctx.period.utc_bounds(ctx.site.timezone)
    kind = _kind(log_visit.c.visitor_returning)
    query = sa.select(kind, sa.func.count(sa.distinct(log_visit.c.idvisitor)),
                      sa.func.count(sa.distinct(log_visit.c.user_id))).where(
        *visit_filter(ctx.site.idsite, start, end, ctx.segment)).group_by(kind)
    with ctx.archiver.db.writer.connect() as conn:
        for suffix, visitors, users in conn.execute(query):
            records.numerics[f"VisitFrequency_nb_uniq_visitors_{suffix}"] = int(visitors)
            records.numerics[f"VisitFrequency_nb_users_{suffix}"] = int(users)


def build_get(view: ArchiveView, request: ReportRequest) -> DataTable:
    """VisitsSummary.get's columns (and processed metrics) suffixed _new, then _returning."""
    columns: dict[str, Any] = {}
    for suffix in SUFFIXES:
        part = {name: view.numeric(f"VisitFrequency_{name}_{suffix}")
                for name in SUMMARY_COLUMNS
                if name not in UNIQUE_COLUMNS or has_uniques(view.period)}
        for processed in PROCESSED_ORDER:
            part[processed.name] = processed.compute(part, {})
        columns.update({f"{name}_{suffix}": value for name, value in part.items()})
    empty = not any(view.numeric(f"VisitFrequency_nb_visits_{s}") for s in SUFFIXES)
    return DataTable([Row("", columns)], metadata={"simple": True, "empty": empty})


GET = ReportDefinition(
    module="VisitFrequency", action="get", name="Returning Visits", category="Visitors",
    subcategory="Engagement", build=build_get, simple=True, default_sort=None,
    metrics=tuple(metric(f"{name}_{suffix}") for suffix in SUFFIXES for name in SUMMARY_COLUMNS),
    documentation="The visit summary of new visits and of returning visits.")

FAMILY = Family(
    name="VisitFrequency", archive_day=archive_day, reports=[GET], finish_period=finish_period)
