"""The registry of report families and their API methods: the seam between archives and the API.

A report *family* (VisitsSummary, Actions, Referrers, ...) is one module under
``footfall/reports`` with the same anatomy: how it aggregates a day from the
raw log (`archive_day`), how longer periods combine (`archive_period`, by
default sums), and its `ReportDefinition`s (API method, name, category,
dimension, metrics, processed metrics, documentation, how to turn the
archive into the answer). Families register themselves with `register`
(core ones through the `footfall_report_families` plugin hook, as a default
plugin in ``footfall.reports.core``; outside plugins the same way).

For the API layer:

* `methods()` / `find_method("Module.action")` -> `ReportMethod` for every report
  method and scalar getter;
* `run_method(method, services=..., site=..., period=..., segment=None, params={})`
  -> a `DataTable` (or, for simple reports such as VisitsSummary.get, a
  one-row table whose row label is ``""`` and `table.metadata["simple"]` is
  True; for scalar getters an int/float/str), building the archive on demand
  when browser-triggered archiving is allowed;
* `report_definitions()` -> everything API.getReportMetadata needs;
* `apply_processed_metrics(table, report)` adds the processed metrics (raw
  values: percents as quotients rounded as Matomo rounds them; the renderer
  formats them by `ProcessedMetric.type`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from footfall.archive.datatable import DataTable, Row
from footfall.errors import BadRequest

if TYPE_CHECKING:
    from footfall.archive.archiver import ArchiveView, DayContext, Records
    from footfall.archive.parallel import Later
    from footfall.archive.periods import Period
    from footfall.services import Services
    from footfall.sites import Site


@dataclass(frozen=True)
class Metric:
    """A column of a report as stored in the archive."""

    name: str
    title: str
    type: str = "number"  # number, duration_s, percent, money, float
    documentation: str = ""


@dataclass(frozen=True)
class ProcessedMetric:
    """A column computed at request time from a row's stored metrics (reference §6.1)."""

    name: str
    title: str
    # (row columns, table totals) -> value; totals hold the sums of the table's rows.
    compute: Callable[[Mapping[str, Any], Mapping[str, Any]], float | int]
    type: str = "number"
    depends_on: tuple[str, ...] = ()
    documentation: str = ""


@dataclass(frozen=True)
class ReportRequest:
    """What a report method is asked: which site, period, segment and API parameters."""

    services: Services
    site: Site
    period: Period
    segment: Any = None
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportDefinition:
    """One report: its metadata and how it becomes a DataTable from an archive."""

    module: str
    action: str
    name: str
    category: str
    subcategory: str
    build: Callable[[ArchiveView, ReportRequest], Any]
    dimension: str | None = None
    metrics: tuple[Metric, ...] = ()
    processed_metrics: tuple[ProcessedMetric, ...] = ()
    documentation: str = ""
    simple: bool = False  # one row of metrics, no dimension (VisitsSummary.get)
    hierarchical: bool = False  # subtables are deeper levels of the same dimension
    subtable_action: str | None = None  # the method that loads a row's subtable
    is_subtable_report: bool = False
    default_sort: str | None = "nb_visits"
    constant_rows: bool = False  # fixed rows (VisitTime, VisitorInterest ...)
    flatten_separator: str = " - "
    parameters: tuple[str, ...] = ()  # extra API parameters (idSubtable, pageUrl ...)

    @property
    def method(self) -> str:
        return f"{self.module}.{self.action}"

    @property
    def unique_id(self) -> str:
        return f"{self.module}_{self.action}"

    @property
    def has_subtables(self) -> bool:
        return self.subtable_action is not None


@dataclass(frozen=True)
class ReportMethod:
    """An API method backed by a report: a table method, or a scalar getter of one column."""

    name: str
    report: ReportDefinition
    scalar_column: str | None = None
    scalar_format: Callable[[Any], Any] | None = None


@dataclass
class Family:
    """A report family: its day aggregation, its period aggregation and its reports."""

    name: str
    # The day's records, or a `Later` that makes them after the day's other families.
    archive_day: Callable[[DayContext], Records | Later]
    reports: list[ReportDefinition] = field(default_factory=list)
    # blob record name -> ([General] row-limit key, subtable row-limit key or None)
    table_limits: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # Adjusts the summed records of a longer period (e.g. recompute unique visitors).
    finish_period: Callable[[Any, Records], None] | None = None
    # scalar getter action -> (report action, column[, formatter])
    scalars: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # Run first in a day archive: its day aggregation starts work on other connections.
    starts_early: bool = False


_FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    """Add a family (replacing one of the same name, so plugins may override)."""
    _FAMILIES[family.name] = family
    return family


def families() -> list[Family]:
    _load_core()
    return list(_FAMILIES.values())


def report_definitions() -> list[ReportDefinition]:
    return [report for family in families() for report in family.reports]


def find_report(module: str, action: str) -> ReportDefinition | None:
    for report in report_definitions():
        if report.module == module and report.action == action:
            return report
    return None


def methods() -> dict[str, ReportMethod]:
    found: dict[str, ReportMethod] = {}
    for family in families():
        for report in family.reports:
            found[report.method] = ReportMethod(report.method, report)
        for action, (report_action, column, *formatter) in family.scalars.items():
            base = next(r for r in family.reports if r.action == report_action)
            name = f"{base.module}.{action}"
            found[name] = ReportMethod(name, base, scalar_column=column,
                                       scalar_format=formatter[0] if formatter else None)
    return found


def find_method(name: str) -> ReportMethod | None:
    return methods().get(name)


def run_method(method: ReportMethod, *, services: Services, site: Site, period: Period,
               segment: Any = None, params: Mapping[str, str] | None = None) -> Any:
    """Answer one report method for one site and one period."""
    from footfall.archive.archiver import archive_view

    segment = resolve_segment(segment)
    request = ReportRequest(services, site, period, segment, params or {})
    view = archive_view(services, site, period, segment)
    result = method.report.build(view, request)
    if method.scalar_column is None:
        return result
    row = result.rows[0] if result.rows else Row("")
    value = row.columns.get(method.scalar_column, 0)
    return method.scalar_format(value) if method.scalar_format else value


def resolve_segment(segment: Any) -> Any:
    """None for no segment. Callers pass a parsed segment (the API parses `segment=` per
    site with footfall.segments); a bare definition string here is a caller's mistake."""
    if segment is None or (isinstance(segment, str) and not segment.strip()):
        return None
    if isinstance(segment, str):
        raise BadRequest(f"Segments are not supported yet by this server: '{segment}'")
    return segment


def get_table(services: Services, site: Site, period: Period, segment: Any = None, *,
              module: str, action: str, params: Mapping[str, str] | None = None) -> Any:
    """Shortcut: the answer of `module.action` for one site and period."""
    method = find_method(f"{module}.{action}")
    if method is None:
        raise BadRequest(f"The method '{action}' does not exist or is not available in the "
                         f"module '\\Piwik\\Plugins\\{module}\\API'.")
    return run_method(method, services=services, site=site, period=period, segment=segment,
                      params=params)


def apply_processed_metrics(table: DataTable, report: ReportDefinition) -> None:
    """Add the report's processed metrics to every row (and loaded subtable)."""
    totals = table.metadata.get("totals") or table_totals(table)
    for row in table.all_rows():
        if row.columns == {"nb_visits": 0}:
            continue  # placeholder rows of fixed-row reports stay bare, as in Matomo
        for metric in report.processed_metrics:
            if all(dep in row.columns for dep in metric.depends_on):
                row.columns[metric.name] = metric.compute(row.columns, totals)
        if row.subtable is not None:
            apply_processed_metrics(row.subtable, report)


def table_totals(table: DataTable) -> dict[str, float]:
    totals: dict[str, float] = {}
    for row in table.all_rows():
        for name, value in row.columns.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                totals[name] = totals.get(name, 0) + value
    return totals


_plugins_loaded = False


def _load_core() -> None:
    """Register the families every plugin (the core ones first) offers, once."""
    global _plugins_loaded
    if not _plugins_loaded:
        _plugins_loaded = True
        from footfall.plugins.manager import plugin_manager

        for offered in plugin_manager().hook.footfall_report_families():
            for family in offered:
                _FAMILIES.setdefault(family.name, family)
