"""Comparison: compareDates[]/comparePeriods[] and compareSegments[] on report methods.

Matomo's UI compares a report with other periods or segments by asking the API
for `comparisons`: every row (or the simple table) gains a list whose first entry
is the requested series and then one entry per other segment × period, each with
the row's metrics in that series and what the series is (compareSegment,
comparePeriod, compareDate, their pretty forms, idsubdatatable). When periods are
compared, entries of the other periods also get `<metric>_change` and
`<metric>_change_from` percentages against the first period.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from footfall.api import metric_format, params
from footfall.api.dispatch import Http400
from footfall.api.render.model import DataTable, Map, Simple
from footfall.archive import periods
from footfall.db import schema
from footfall.errors import BadRequest

if TYPE_CHECKING:
    from footfall.api.dispatch import ApiCall

# [General] data_comparison_segment_limit / data_comparison_period_limit defaults.
MAX_SEGMENTS = 5
MAX_PERIODS = 5
ALL_VISITS = "All visits"
_COMPARE_KEYS = ("compare", "compareDates", "comparePeriods", "compareSegments")


class ComparisonError(Http400):
    """Bad comparison parameters (Matomo: BadRequestException)."""


@dataclass(frozen=True)
class Series:
    segment: str
    period: str
    date: str


def requested(request: Mapping[str, Any]) -> bool:
    return any(params.text_list(request, key) for key in _COMPARE_KEYS[1:])


def series_of(request: Mapping[str, Any]) -> tuple[list[Series], int]:
    """Every series (dates outer, segments inner, the request's own first) and how many
    segments each period has."""
    segments = [str(request.get("segment") or ""), *_list(request, "compareSegments")]
    dates = [str(request.get("date") or ""), *_list(request, "compareDates")]
    period_names = [str(request.get("period") or ""), *_list(request, "comparePeriods")]
    if len(dates) != len(period_names):
        raise ComparisonError("The compareDates and comparePeriods parameters must have the "
                              "same number of entries.")
    if len(segments) > MAX_SEGMENTS + 1:
        raise ComparisonError(f"The maximum number of segments that can be compared is "
                              f"{MAX_SEGMENTS}.")
    if len(dates) > MAX_PERIODS + 1:
        raise ComparisonError(f"The maximum number of periods that can be compared is "
                              f"{MAX_PERIODS}.")
    multiple = [periods.select_periods(p, d).multiple for p, d in zip(period_names, dates,
                                                                        strict=True)]
    if any(m != multiple[0] for m in multiple):
        kind = "multiple" if multiple[0] else "single"
        other = "single periods" if multiple[0] else "multiple periods"
        raise BadRequest(f"Cannot compare: original request is {kind} period and "  # 200
                         f"cannot be compared with {other}.")
    found = [Series(s, p, d) for p, d in zip(period_names, dates, strict=True) for s in segments]
    return found, len(segments)


def _list(request: Mapping[str, Any], name: str) -> list[str]:
    value = request.get(name)
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


Answer = Callable[[Mapping[str, Any], periods.PeriodSelection], Any]


def segment_pretty(call: ApiCall, idsite: int, definition: str) -> str:
    """'All visits', a stored segment's name the caller can use on this site, or the
    definition itself (Matomo's stored segment name)."""
    if not definition:
        return ALL_VISITS
    table = schema.segment
    query = (sa.select(table.c.name)
             .where(table.c.definition == definition, table.c.deleted == 0,
                    table.c.enable_only_idsite.in_((0, idsite)),
                    sa.or_(table.c.enable_all_users == 1, table.c.login == call.login))
             .order_by(table.c.idsegment))
    with call.services.db.reader.connect() as conn:
        name = conn.execute(query).scalar()
    return str(name) if name else definition


def attach(call: ApiCall, report: Any, site: Any, result: Any, answer: Answer) -> Any:
    """`result` with each row's (or the simple table's) comparisons added; `answer` runs
    the report for other parameters (one site)."""
    request = call.params
    every, segment_count = series_of(request)
    names = {s.segment: segment_pretty(call, site.idsite, s.segment) for s in every}
    raw_answers = []
    for series in every:
        sub = {k: v for k, v in request.items() if k not in _COMPARE_KEYS}
        sub.update(segment=series.segment, period=series.period, date=series.date,
                   filter_limit="-1", filter_offset="0", filter_sort_column="",
                   filter_truncate="", format_metrics="0", label="")
        selection = periods.select_periods(series.period, series.date, tz=site.timezone)
        raw_answers.append((series, selection, answer(sub, selection)))
    targets = _pair_up(result, raw_answers)
    mode = metric_format.normalise_mode(request.get("format_metrics"))
    for holder, compared in targets:
        entries = [_entry(holder, found, series, period, report, names[series.segment])
                   for series, period, found in compared]
        if len(every) // segment_count > 1:  # periods compared: changes (not for segments)
            _add_changes(entries, segment_count)
        _format(entries, report, mode, site.currency)
        _store(holder, entries)
    return result


Matches = list[tuple[Series, periods.Period, Any]]


def _pair_up(result: Any, answers: list[tuple[Series, periods.PeriodSelection, Any]]
             ) -> list[tuple[Any, Matches]]:
    """Each row of the result with, per series, the matching row of that series' answer;
    several periods are paired in order (the n-th period with each series' n-th)."""
    if not isinstance(result, Map):
        holder = _ensure_holder(result)
        return _pair_one(holder, [(s, sel.single, found) for s, sel, found in answers])
    pairs: list[tuple[Any, Matches]] = []
    for index, key in enumerate(result.entries):
        result.entries[key] = holder = _ensure_holder(result.entries[key])
        matches = [(series, _nth(selection.periods, index), _nth(_tables(found), index))
                   for series, selection, found in answers]
        pairs.extend(_pair_one(holder, matches))
    return pairs


def _tables(found: Any) -> list[Any]:
    return list(found.entries.values()) if isinstance(found, Map) else []


def _nth(items: Any, index: int) -> Any:
    """The index-th item; the last one (periods) or None (tables) past the end."""
    if index < len(items):
        return items[index]
    return items[-1] if items and isinstance(items[0], periods.Period) else None


def _ensure_holder(value: Any) -> Any:
    """An empty simple table still carries its comparisons (Matomo adds an empty row)."""
    return Simple({}) if value is None or value == [] else value


def _pair_one(holder: Any, answers: Matches) -> list[tuple[Any, Matches]]:
    if isinstance(holder, Simple):
        return [(holder, [(s, p, _simple_columns(found)) for s, p, found in answers])]
    if not isinstance(holder, DataTable):
        return []
    pairs = []
    for row in holder.all_rows():
        pairs.append((row, [(s, p, _row_like(found, row.label)) for s, p, found in answers]))
    return pairs


def _simple_columns(found: Any) -> dict[str, Any] | None:
    return dict(found.columns) if isinstance(found, Simple) and found.columns else None


def _row_like(found: Any, label: Any) -> Any:
    if not isinstance(found, DataTable):
        return None
    return next((r for r in found.all_rows() if r.label == label), None)


def _entry(holder: Any, found: Any, series: Series, period: periods.Period,
           report: Any, pretty_segment: str) -> dict[str, Any]:
    """One comparison entry: the series' metrics for this row, then what the series is."""
    if found is None:
        names = _metric_names(report)
        current = holder.columns
        columns = {k: 0 for k, v in current.items()
                   if k != "comparisons" and (k in names or _is_number(v))}
        idsubtable: Any = -1
        row_segment = getattr(holder, "metadata", {}).get("segment")
    else:
        values = found if isinstance(found, dict) else found.columns
        columns = {k: v for k, v in values.items() if _is_number(v) and k != "label"}
        idsubtable = getattr(found, "idsubdatatable", None) or -1
        row_segment = getattr(holder, "metadata", {}).get("segment")
    pretty_period = _capitalise(period.pretty)
    entry: dict[str, Any] = {
        **columns, "compareSegment": series.segment, "compareSegmentPretty": pretty_segment,
        "comparePeriod": period.kind, "compareDate": period.start.isoformat(),
        "comparePeriodPretty": pretty_period,
        "compareSeriesPretty": f"({pretty_period}) ({pretty_segment})",
        "idsubdatatable": idsubtable}
    if row_segment:
        entry["segment"] = f"{series.segment};{row_segment}" if series.segment else row_segment
    return entry


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _metric_names(report: Any) -> set[str]:
    return {m.name for m in (*report.metrics, *report.processed_metrics)}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def change_percent(value: float, base: float) -> str:
    """Matomo's change between two values: one decimal, a plus sign when it grew."""
    if value - base == 0:
        change = 0.0
    elif base == 0:
        change = 100.0
    else:
        change = round((value - base) / base * 100, 1)
    text = f"{change:.1f}".rstrip("0").rstrip(".")
    return f"+{text}%" if change > 0 else f"{text}%"


def _add_changes(entries: list[dict[str, Any]], segment_count: int) -> None:
    """Entries of the later periods: each metric's change from the first period's entry of
    the same segment (`_change`), and back (`_change_from`)."""
    for index, entry in enumerate(entries):
        if index < segment_count:
            continue
        base = entries[index % segment_count]
        for name in [k for k, v in entry.items() if _is_number(v) and k != "idsubdatatable"]:
            value, other = entry[name], base.get(name, 0)
            other = other if _is_number(other) else 0
            entry[f"{name}_change"] = change_percent(value, other)
            entry[f"{name}_change_from"] = change_percent(other, value)


def _format(entries: list[dict[str, Any]], report: Any, mode: str, currency: str) -> None:
    types = {m.name: m.type for m in (*report.metrics, *report.processed_metrics)}
    processed = frozenset(m.name for m in report.processed_metrics)
    for entry in entries:
        entry.update(metric_format.format_columns(
            {k: v for k, v in entry.items() if k in types}, mode=mode, types=types,
            processed=processed, currency=currency))


def _store(holder: Any, entries: list[dict[str, Any]]) -> None:
    if isinstance(holder, Simple):
        holder.columns["comparisons"] = entries
    else:
        holder.metadata["comparisons"] = entries
