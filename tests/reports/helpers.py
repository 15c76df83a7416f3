"""Call a report method the way the API does, for one site and period."""

from __future__ import annotations

from typing import Any

from footfall.archive import periods
from footfall.archive.datatable import DataTable
from footfall.reports import registry
from footfall.services import Services
from footfall.sites import Site


def report(services: Services, site: Site, method: str, period: str = "day",
           date: str = "2010-03-06", **params: str) -> Any:
    found = registry.find_method(method)
    assert found is not None, method
    selected = periods.select_periods(period, date, tz=site.timezone).single
    result = registry.run_method(found, services=services, site=site, period=selected,
                                 params=params)
    if isinstance(result, DataTable):
        registry.apply_processed_metrics(result, found.report)
    return result


def rows(table: DataTable) -> dict[str, dict[str, Any]]:
    return {row.label: row.columns for row in table.all_rows()}
