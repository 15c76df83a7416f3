"""MultiSites.getAll / getOne: the All Websites dashboard's numbers, one row per site.

Agencies call these to compare their sites: visits, actions, pageviews and revenue
of a period, and with a single period (or a range) the change against the period
before it (`*_evolution` percentages, `*_evolution_trend` −1/0/1 and the previous
values as `previous_*` metadata). Values come from the sites' own `get` reports,
so they are the archived numbers every other report shows. Only sites the caller
can view are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from footfall.api import access, filters, metric_format, params, report_api
from footfall.api.dispatch import ApiCall, api_method
from footfall.api.render.model import Map, Simple
from footfall.archive import periods
from footfall.archive.datatable import DataTable, Row
from footfall.sites import Site


@dataclass(frozen=True)
class SiteMetric:
    """One dashboard column: where its value is read and how its evolution is named."""

    name: str
    evolution: str
    record: str  # Matomo's archive record name (it names the previous_* metadata)
    module: str  # the `get` report holding the value
    column: str
    params: tuple[tuple[str, str], ...] = ()
    ecommerce: bool = False  # only for ecommerce sites


BASE_METRICS = (
    SiteMetric("nb_visits", "visits_evolution", "nb_visits", "VisitsSummary", "nb_visits"),
    SiteMetric("nb_actions", "actions_evolution", "nb_actions", "VisitsSummary", "nb_actions"),
    SiteMetric("nb_pageviews", "pageviews_evolution", "Actions_nb_pageviews", "Actions",
               "nb_pageviews"),
    SiteMetric("revenue", "revenue_evolution", "Goal_revenue", "Goals", "revenue"),
)
ENHANCED_METRICS = (
    SiteMetric("nb_conversions", "nb_conversions_evolution", "Goal_nb_conversions", "Goals",
               "nb_conversions"),
    SiteMetric("orders", "orders_evolution", "Goal_0_nb_conversions", "Goals",
               "nb_conversions", (("idGoal", "ecommerceOrder"),), ecommerce=True),
    SiteMetric("ecommerce_revenue", "ecommerce_revenue_evolution", "Goal_0_revenue", "Goals",
               "revenue", (("idGoal", "ecommerceOrder"),), ecommerce=True),
)
# Matomo rounds the evolution quotient to 3 decimals (one decimal of the percentage).
EVOLUTION_DECIMALS = 3


def dashboard_metrics(enhanced: bool, show: list[str]) -> tuple[SiteMetric, ...]:
    chosen = BASE_METRICS + (ENHANCED_METRICS if enhanced else ())
    return tuple(m for m in chosen if not show or m.name in show)


# --- Reading one site's values -------------------------------------------------------


def site_values(call: ApiCall, site: Site, period: periods.Period,
                metrics: tuple[SiteMetric, ...]) -> dict[str, Any]:
    """The metrics' values for one site and period (0 where the site has no data)."""
    from footfall.reports import registry
    from footfall.segments import segment_for_site

    segment = segment_for_site(call.params.get("segment"), call.services.db.reader, site.idsite)
    found: dict[str, Any] = {}
    tables: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, Any]] = {}
    for metric in metrics:
        key = (metric.module, metric.params)
        if key not in tables:
            method = report_api.report_methods().get(f"{metric.module}.get")
            columns: dict[str, Any] = {}
            if method is not None:  # no Goals reports yet: revenue reads as 0
                table = registry.run_method(method, services=call.services, site=site,
                                            period=period, segment=segment,
                                            params={**call.params, **dict(metric.params)})
                if isinstance(table, DataTable) and table.rows:
                    columns = table.rows[0].columns
            tables[key] = columns
        value = tables[key].get(metric.column, 0)
        found[metric.name] = value if isinstance(value, (int, float)) else 0
    return found


# --- Evolution -------------------------------------------------------------------------


def previous_period(period: periods.Period) -> periods.Period:
    """The period just before `period`: one period back, or a range as long, ending the day
    before (Matomo compares a range with the same number of days before it)."""
    if period.kind == "range":
        length = (period.end - period.start).days + 1
        end = period.start - timedelta(days=1)
        return periods.range_period(end - timedelta(days=length - 1), end)
    return periods.make_period(period.kind, period.start - timedelta(days=1))


def elapsed_ratio(current: periods.Period, past: periods.Period,
                  now: datetime | None = None) -> float:
    """For a period still in progress, the share of the previous period's length that has
    elapsed; the previous values are scaled by it so that a half-day compares with half a
    day (Matomo's ratio). 1 for a finished period."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    start = datetime.combine(current.start, datetime.min.time())
    end = datetime.combine(current.end, datetime.max.time().replace(microsecond=0))
    if not start <= now <= end:
        return 1
    past_seconds = (datetime.combine(past.end, datetime.max.time().replace(microsecond=0))
                    - datetime.combine(past.start, datetime.min.time())).total_seconds()
    return (now - start).total_seconds() / past_seconds


def evolution(current: float, past: float) -> float:
    """(current − past) / past, rounded; 0 when equal, 1 (100 %) when there was nothing."""
    if current - past == 0:
        return 0
    if past == 0:
        return 1
    return round((current - past) / past, EVOLUTION_DECIMALS)


def trend(value: float) -> int:
    return (value > 0) - (value < 0)


# --- Rows -------------------------------------------------------------------------------


def site_row(call: ApiCall, site: Site, period: periods.Period,
             metrics: tuple[SiteMetric, ...], *, compare: bool) -> Row:
    """One site's row: label, values, evolutions and Matomo's metadata."""
    values = site_values(call, site, period, metrics)
    shown = [m for m in metrics if not m.ecommerce or site.ecommerce]
    columns: dict[str, Any] = {"label": site.name}
    columns.update({m.name: values[m.name] for m in shown})
    metadata: dict[str, Any] = {"idsite": site.idsite}
    if compare:
        past_period = previous_period(period)
        past = site_values(call, site, past_period, metrics)
        ratio = elapsed_ratio(period, past_period)
        metadata.update(ratio=ratio, currencySymbol=_currency_symbol(site.currency))
        for metric in shown:
            change = evolution(values[metric.name], past[metric.name] * ratio)
            columns[metric.evolution] = change
            columns[f"{metric.evolution}_trend"] = trend(change)
            metadata[f"previous_{metric.record}"] = past[metric.name]
            metadata.setdefault("periodName", past_period.kind)
    metadata.update(group=str(site.extra.get("group") or ""), main_url=site.main_url)
    return Row(site.name, columns, metadata)


def _currency_symbol(currency: str) -> str:
    return metric_format.CURRENCY_SYMBOLS.get(currency.upper(), currency.upper())


def compares(period_name: str, date_text: str) -> bool:
    """Evolution is shown unless the dates are lastN/previousN (Matomo's rule)."""
    return not date_text.strip().lower().startswith(("last", "previous")) or \
        period_name == "range" and "," in date_text


def _format(table: DataTable, request: Mapping[str, Any], currencies: Mapping[int, str]) -> None:
    """format_metrics on every row, money in the row's site's currency."""
    types = {m.name: "money" for m in (*BASE_METRICS, *ENHANCED_METRICS) if "revenue" in m.name}
    evolutions = frozenset(m.evolution for m in (*BASE_METRICS, *ENHANCED_METRICS))
    mode = metric_format.normalise_mode(request.get("format_metrics"))
    for row in table.all_rows():
        row.columns = metric_format.format_columns(
            row.columns, mode=mode, types=types, processed=evolutions,
            currency=currencies.get(row.metadata.get("idsite", 0), "USD"))


# --- Methods ----------------------------------------------------------------------------


def _viewable_sites(call: ApiCall) -> list[Site]:
    """The caller's sites, narrowed by `pattern` (name, id or URL, case-insensitive)."""
    ids = access.sites_with_access(call.services, call.user)
    found = [access.get_site(call.services, i) for i in ids]
    pattern = params.text(call.params, "pattern").strip().lower()
    if pattern:
        found = [s for s in found if pattern in s.name.lower() or pattern == str(s.idsite)
                 or any(pattern in url.lower() for url in s.urls)]
    return found


def _table_for(call: ApiCall, sites: list[Site], period: periods.Period,
               metrics: tuple[SiteMetric, ...], *, compare: bool) -> DataTable:
    rows = [site_row(call, s, period, metrics, compare=compare) for s in sites]
    enhanced = params.flag(call.params, "enhanced")
    if not enhanced and any(m.name == "nb_visits" for m in metrics):
        rows = [r for r in rows if r.columns.get("nb_visits")]  # Matomo drops idle sites
    table = DataTable(rows)
    fparams = filters.parse_filter_params(
        call.params, default_limit=filters.DEFAULT_HTTP_LIMIT if call.http else None)
    filters.apply_generic_filters(table, fparams, default_sort="nb_visits")
    filters.show_hide_columns(table, call.params.get("showColumns"), call.params.get("hideColumns"))
    _format(table, call.params, {s.idsite: s.currency for s in sites})
    return table


@api_method("MultiSites.getAll", access="some_view")
def get_all(call: ApiCall) -> Any:
    """Every viewable site's visits, actions, pageviews and revenue, with evolutions."""
    period_name = str(params.required(call.params, "period"))
    date_text = str(params.required(call.params, "date"))
    selection = periods.select_periods(period_name, date_text, tz="UTC")
    metrics = dashboard_metrics(params.flag(call.params, "enhanced"),
                                params.text_list(call.params, "showColumns"))
    sites = _viewable_sites(call)
    compare = compares(period_name, date_text)
    if not selection.multiple:
        return _table_for(call, sites, selection.single, metrics, compare=compare)
    return Map("date", {p.label: _table_for(call, sites, p, metrics, compare=compare)
                        for p in selection.periods})


@api_method("MultiSites.getOne", access="view")
def get_one(call: ApiCall) -> Any:
    """One site's dashboard numbers, as one unlabelled table (Matomo drops the label)."""
    site = access.get_site(call.services, params.integer(call.params, "idSite"))
    period_name = str(params.required(call.params, "period"))
    date_text = str(params.required(call.params, "date"))
    selection = periods.select_periods(period_name, date_text, tz=site.timezone)
    metrics = dashboard_metrics(params.flag(call.params, "enhanced"), [])
    compare = compares(period_name, date_text)

    def one(period: periods.Period) -> Simple:
        table = DataTable([site_row(call, site, period, metrics, compare=compare)])
        _format(table, call.params, {site.idsite: site.currency})
        columns = dict(table.rows[0].columns)
        columns.pop("label", None)
        return Simple(columns)

    if not selection.multiple:
        return one(selection.single)
    return Map("date", {p.label: one(p) for p in selection.periods},
               {p.label: {"start": p.start, "site_name": site.name} for p in selection.periods})


# --- Report metadata ----------------------------------------------------------------------

_TITLES = {"nb_visits": "Visits", "nb_actions": "Actions", "nb_pageviews": "Pageviews",
           "revenue": "Revenue", "nb_conversions": "Conversions", "orders": "Orders",
           "ecommerce_revenue": "Product Revenue"}


def _dashboard_report(action: str, name: str, documentation: str, *, evolutions: bool) -> Any:
    """How API.getReportMetadata lists getAll / getOne (category All Websites)."""
    from footfall.reports.registry import Metric, ProcessedMetric, ReportDefinition

    every = (*BASE_METRICS, *ENHANCED_METRICS)
    processed = tuple(ProcessedMetric(m.evolution, f"{_TITLES[m.name]} Evolution",
                                      compute=lambda row, totals: 0, type="percent")
                      for m in every) if evolutions else ()

    def build(view: Any, request: Any) -> DataTable:
        raise NotImplementedError("answered by the MultiSites API methods")

    return ReportDefinition(
        module="MultiSites", action=action, name=name, category="All Websites",
        subcategory="", build=build, dimension="Website", documentation=documentation,
        metrics=tuple(Metric(m.name, _TITLES[m.name],
                             "money" if "revenue" in m.name else "number") for m in every),
        processed_metrics=processed)


def _register_metadata() -> None:
    from footfall.api.api_meta import EXTRA_REPORTS

    EXTRA_REPORTS.append(lambda: _dashboard_report(
        "getAll", "All Websites dashboard", "", evolutions=False))
    EXTRA_REPORTS.append(lambda: _dashboard_report(
        "getOne", "Single Website dashboard",
        "Key metrics of one website and their change since the previous period.",
        evolutions=True))


_register_metadata()
