"""VisitorInterest: visits by length, by pages, by visit number and by days since last visit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable, Row
from footfall.reports import registry
from footfall.reports.metrics import VISITS_PERCENTAGE, as_number, metric
from footfall.reports.registry import Family, ReportDefinition, ReportRequest

Bucket = tuple[str, int, int | None]  # label, lowest, highest (None = no upper bound)

DURATION: tuple[Bucket, ...] = (
    ("0\u201310s", 0, 10), ("11\u201330s", 11, 30), ("31\u201360s", 31, 60),
    ("1-2 min", 61, 120), ("2-4 min", 121, 240), ("4-7 min", 241, 420),
    ("7-10 min", 421, 600), ("10-15 min", 601, 900), ("15-30 min", 901, 1800),
    ("30+ min", 1801, None))
PAGES: tuple[Bucket, ...] = (
    ("1 page", 1, 1), ("2 pages", 2, 2), ("3 pages", 3, 3), ("4 pages", 4, 4),
    ("5 pages", 5, 5), ("6-7 pages", 6, 7), ("8-10 pages", 8, 10), ("11-14 pages", 11, 14),
    ("15-20 pages", 15, 20), ("21+ pages", 21, None))
VISIT_COUNT: tuple[Bucket, ...] = (
    *((f"{n} visit{'s' if n > 1 else ''}", n, n) for n in range(1, 9)),
    ("9-14 visits", 9, 14), ("15-25 visits", 15, 25), ("26-50 visits", 26, 50),
    ("51-100 visits", 51, 100), ("101-200 visits", 101, 200), ("201+ visits", 201, None))
DAYS_SINCE_LAST: tuple[Bucket, ...] = (
    *((f"{n} days", n, n) for n in range(0, 8)),
    ("8-14 days", 8, 14), ("15-30 days", 15, 30), ("31-60 days", 31, 60),
    ("61-120 days", 61, 120), ("121-364 days", 121, 364), ("365+ days", 365, None))
NEW_VISITS = "New visits"

# record -> (buckets, segment name)
RECORDS = {
    "VisitorInterest_timeGap": (DURATION, "visitDuration"),
    "VisitorInterest_pageGap": (PAGES, "actions"),
    "VisitorInterest_visitsByVisitCount": (VISIT_COUNT, "visitCount"),
    "VisitorInterest_daysSinceLastVisit": (DAYS_SINCE_LAST, "daysSinceLastVisit"),
}


def _in_bucket(value: Any, bucket: Bucket, scale: int = 1) -> Any:
    """value in [low, high] units of `scale` (days as seconds: no FLOOR, which SQLite lacks)."""
    _, low, high = bucket
    if high is None:
        return value >= low * scale
    if scale == 1:
        return value.between(low, high)
    return sa.and_(value >= low * scale, value < (high + 1) * scale)


def archive_day(ctx: DayContext) -> Records:
    """All buckets of the four reports in one pass: a SUM(CASE ...) per bucket."""
    v = ctx.visits.c
    returning = sa.func.coalesce(v.visitor_returning, 0) > 0
    seconds_since_last = sa.func.coalesce(v.visitor_seconds_since_last, 0)
    values = {"VisitorInterest_timeGap": sa.func.coalesce(v.visit_total_time, 0),
              "VisitorInterest_pageGap": sa.func.coalesce(v.visit_total_actions, 0),
              "VisitorInterest_visitsByVisitCount": v.visitor_count_visits,
              "VisitorInterest_daysSinceLastVisit": seconds_since_last}
    columns, names = [], []
    for record, (buckets, _) in RECORDS.items():
        for index, bucket in enumerate(buckets):
            if record == "VisitorInterest_daysSinceLastVisit":
                condition = sa.and_(returning, _in_bucket(values[record], bucket, 86400))
            else:
                condition = _in_bucket(values[record], bucket)
            columns.append(sa.func.sum(sa.case((condition, 1), else_=0)))
            names.append((record, index))
    columns.append(sa.func.sum(sa.case((returning, 0), else_=1)))
    result = ctx.conn.execute(sa.select(*columns).select_from(ctx.visits)).one()
    tables = {record: DataTable() for record in RECORDS}
    for (record, index), value in zip(names, result, strict=False):
        label = RECORDS[record][0][index][0]
        tables[record].rows.append(Row(label, {"nb_visits": as_number(value)}))
    tables["VisitorInterest_daysSinceLastVisit"].rows.insert(
        0, Row(NEW_VISITS, {"nb_visits": as_number(result[-1])}))
    return Records(tables=tables)


def _segment(name: str, bucket: Bucket) -> str:
    _, low, high = bucket
    if high is None:
        return f"{name}>={low}"
    if low == high and name != "visitDuration":
        return f"{name}=={low}"
    return f"{name}>={low};{name}<={high}"


def _build(record: str) -> Any:
    buckets, segment_name = RECORDS[record]

    def build(view: ArchiveView, request: ReportRequest) -> DataTable:
        stored = {row.label: row.columns.get("nb_visits", 0) for row in view.table(record).rows}
        rows = []
        if record == "VisitorInterest_daysSinceLastVisit":
            rows.append(Row(NEW_VISITS, {"nb_visits": stored.get(NEW_VISITS, 0)},
                            {"segment": "visitorType==new"}))
        for bucket in buckets:
            rows.append(Row(bucket[0], {"nb_visits": stored.get(bucket[0], 0)},
                            {"segment": _segment(segment_name, bucket)}))
        table = DataTable(rows, metadata={"totals": {"nb_visits": sum(stored.values())}})
        if view.period.kind == "day":
            # Matomo's day archives keep these counts as SQL returned them: strings (V12).
            for row in rows:
                row.columns["nb_visits"] = str(int(row.columns["nb_visits"]))
        return table

    return build


def _report(action: str, name: str, record: str, dimension: str, percent: bool = False) -> Any:
    return ReportDefinition(
        module="VisitorInterest", action=action, name=name, category="Behaviour",
        subcategory="Engagement", dimension=dimension, build=_build(record),
        metrics=(metric("nb_visits"),),
        processed_metrics=(VISITS_PERCENTAGE,) if percent else (),
        default_sort=None, constant_rows=True,
        documentation=f"Visits grouped by {dimension.lower()}.")


FAMILY = registry.register(Family(
    name="VisitorInterest", archive_day=archive_day,
    reports=[
        _report("getNumberOfVisitsPerVisitDuration", "Visits per visit duration",
                "VisitorInterest_timeGap", "Visit duration"),
        _report("getNumberOfVisitsPerPage", "Visits per number of pages",
                "VisitorInterest_pageGap", "Number of pages"),
        _report("getNumberOfVisitsByVisitCount", "Visits by Visit Number",
                "VisitorInterest_visitsByVisitCount", "Visit number", percent=True),
        _report("getNumberOfVisitsByDaysSinceLast", "Visits by days since last visit",
                "VisitorInterest_daysSinceLastVisit", "Days since last visit"),
    ],
))
