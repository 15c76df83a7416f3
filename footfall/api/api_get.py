"""API.get: every plugin's `get` metrics of a site and period in one simple table.

Dashboards call it for the headline numbers. Matomo merges the plugins' `get`
reports in a fixed way: the plugins in reverse alphabetical order, each with the
metrics its report declares (VisitFrequency without its bounce/length sums,
nb_visits_converted with Goals), then VisitsSummary's rates at the end. Footfall
builds the same order from the report registry; plugins Matomo does not know
keep all their columns after the known ones.
"""

from __future__ import annotations

from typing import Any

from footfall.api import report_api
from footfall.api.dispatch import ApiCall, api_method
from footfall.archive.datatable import DataTable, Row

_FREQUENCY = ("nb_visits", "nb_actions", "nb_uniq_visitors", "nb_users", "max_actions",
              "bounce_rate", "nb_actions_per_visit", "avg_time_on_site")
_REFERRER_TYPES = ("SearchEngines", "SocialNetworks", "DirectEntry", "Websites", "Campaigns")
_GOALS = ("nb_conversions", "nb_visits_converted", "revenue", "conversion_rate")
# Each plugin's block of API.get, in Matomo's order of columns.
BLOCKS: dict[str, tuple[str, ...]] = {
    "VisitsSummary": ("nb_uniq_visitors", "nb_visits", "nb_users", "nb_actions", "max_actions",
                      "bounce_count", "sum_visit_length"),
    "VisitFrequency": tuple(f"{name}_{kind}" for kind in ("new", "returning")
                            for name in _FREQUENCY),
    "Referrers": (*(f"Referrers_visitorsFrom{t}" for t in _REFERRER_TYPES),
                  "Referrers_distinctSearchEngines", "Referrers_distinctSocialNetworks",
                  "Referrers_distinctKeywords", "Referrers_distinctWebsites",
                  "Referrers_distinctWebsitesUrls", "Referrers_distinctCampaigns",
                  *(f"Referrers_visitorsFrom{t}_percent" for t in (
                      "DirectEntry", "SearchEngines", "Campaigns", "SocialNetworks",
                      "Websites"))),
    "Goals": (*_GOALS, *(f"{name}_new_visit" for name in _GOALS),
              *(f"{name}_returning_visit" for name in _GOALS)),
    "Bandwidth": ("nb_total_overall_bandwidth", "nb_total_pageview_bandwidth",
                  "nb_total_download_bandwidth"),
    "Actions": ("nb_pageviews", "nb_uniq_pageviews", "nb_downloads", "nb_uniq_downloads",
                "nb_outlinks", "nb_uniq_outlinks", "nb_searches", "nb_keywords"),
}
# VisitFrequency's columns that Matomo's API.get leaves out.
DROPPED = frozenset(f"{name}_{kind}" for kind in ("new", "returning")
                    for name in ("nb_visits_converted", "bounce_count", "sum_visit_length"))


def merged_parts() -> list[Any]:
    """The `get` reports API.get merges (simple, without parameters), as Matomo orders them."""
    registry = report_api._registry()
    reports = list(registry.report_definitions()) if registry is not None else []
    parts = [r for r in reports if r.simple and r.action == "get" and r.module != "API"
             and not r.parameters]
    return sorted(parts, key=lambda r: r.module, reverse=True)


def column_order(parts: list[Any]) -> list[str]:
    """Every column of the merged table, block by block; processed metrics Matomo computes
    on the merged table (VisitsSummary's rates) come last."""
    order: list[str] = []
    modules = [p.module for p in parts]
    for module in sorted({*modules, *BLOCKS}, reverse=True):
        if module in BLOCKS:
            order.extend(BLOCKS[module])
            continue
        part = next(p for p in parts if p.module == module)
        order.extend(m.name for m in (*part.metrics, *part.processed_metrics))
    return order


def merged_get_report() -> Any:
    """API.get as one simple report definition (listed in the metadata as Matomo does)."""
    from footfall.reports.registry import ReportDefinition

    parts = merged_parts()
    order = column_order(parts)
    processed = {m.name for p in parts for m in p.processed_metrics}

    def build(view: Any, request: Any) -> DataTable:
        found: dict[str, Any] = {}
        empty = True
        for part in parts:
            table = part.build(view, request)
            if table.rows:
                found.update(table.rows[0].columns)
            empty = empty and bool(table.metadata.get("empty", not table.rows))
        # Matomo's order; a processed metric's slot is kept (0) until it is computed.
        columns = {name: found.get(name, 0) for name in order
                   if name in found or name in processed}
        columns.update({k: v for k, v in found.items() if k not in columns and k not in DROPPED})
        return DataTable([Row("", columns)], metadata={"simple": True, "empty": empty})

    return ReportDefinition(
        module="API", action="get", name="Main metrics", category="API", subcategory="",
        build=build, simple=True, default_sort=None, documentation="",
        metrics=tuple(m for part in parts for m in part.metrics),
        processed_metrics=tuple(m for part in parts for m in part.processed_metrics))


@api_method("API.get", access="view")
def api_get(call: ApiCall) -> Any:
    """The merged `get` reports; `columns` (or showColumns) keeps only the named metrics."""
    from footfall.reports.registry import ReportMethod

    return report_api.call_report(call, ReportMethod("API.get", merged_get_report()))
