"""VisitorInterest: visits by length, by pages, by visit number and by days since last visit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable, Row
from footfall.reports.metrics import VISITS_PERCENTAGE, grouped_by_labels, metric
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


def _bucket_key(value: Any, buckets: tuple[Bucket, ...], scale: int = 1) -> Any:
    """The index of the bucket `value` falls in, as a SQL CASE (-1: none).

    Buckets are disjoint and in order, so the only one `value` can be in is the last
    starting at or below it: found by halving (a few comparisons a visit rather than one
    per bucket), then checked against that bucket's upper end. NULL is in none.
    """
    return _last_starting_below(value, buckets, scale, -1, len(buckets) - 1)


def _last_starting_below(value: Any, buckets: tuple[Bucket, ...], scale: int, low: int,
                         high: int) -> Any:
    """`_bucket_key` among bucket indexes [low, high] (-1: before the first bucket)."""
    if low == high:
        if low < 0:
            return sa.literal(-1)
        if buckets[low][2] is None:
            return sa.literal(low)
        return sa.case((_in_bucket(value, buckets[low], scale), low), else_=-1)
    middle = (low + high + 1) // 2
    return sa.case((value >= buckets[middle][1] * scale,
                    _last_starting_below(value, buckets, scale, middle, high)),
                   else_=_last_starting_below(value, buckets, scale, low, middle - 1))


def archive_day(ctx: DayContext) -> Records:
    """One GROUP BY over the four bucket numbers; each report sums its own buckets."""
    v = ctx.visits.c
    returning = sa.func.coalesce(v.visitor_returning, 0) > 0
    since_last = sa.case((returning, _bucket_key(
        sa.func.coalesce(v.visitor_seconds_since_last, 0), DAYS_SINCE_LAST, 86400)), else_=-2)
    keys = {"VisitorInterest_timeGap": _bucket_key(sa.func.coalesce(v.visit_total_time, 0),
                                                   DURATION),
            "VisitorInterest_pageGap": _bucket_key(sa.func.coalesce(v.visit_total_actions, 0),
                                                   PAGES),
            "VisitorInterest_visitsByVisitCount": _bucket_key(v.visitor_count_visits,
                                                              VISIT_COUNT),
            "VisitorInterest_daysSinceLastVisit": since_last}
    labelled = [key.label(f"k{i}") for i, key in enumerate(keys.values())]
    query = grouped_by_labels(sa.select(*labelled, sa.func.count()).select_from(ctx.visits),
                              labelled)
    counts = {record: [0] * len(RECORDS[record][0]) for record in RECORDS}
    new_visits = 0
    for *indexes, visits in ctx.conn.execute(query):
        for record, index in zip(keys, indexes, strict=True):
            if index is not None and index >= 0:
                counts[record][int(index)] += int(visits)
            elif index == -2 and record == "VisitorInterest_daysSinceLastVisit":
                new_visits += int(visits)
    tables = {record: DataTable([Row(bucket[0], {"nb_visits": count}) for bucket, count
                                 in zip(RECORDS[record][0], counts[record], strict=True)])
              for record in RECORDS}
    tables["VisitorInterest_daysSinceLastVisit"].rows.insert(
        0, Row(NEW_VISITS, {"nb_visits": new_visits}))
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


FAMILY = Family(
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
)
