"""The core report families, registered as a default plugin through the public hook."""

from __future__ import annotations

from footfall.plugins.hookspecs import hookimpl
from footfall.reports import (
    actions,
    device_plugins,
    devices,
    referrers,
    resolution,
    user_country,
    user_id,
    user_language,
    visit_frequency,
    visit_time,
    visitor_interest,
    visits_summary,
)
from footfall.reports.registry import Family

MODULES = (visits_summary, actions, referrers, user_country, devices, resolution,
           device_plugins, user_language, visit_time, visitor_interest, visit_frequency, user_id)


@hookimpl
def footfall_report_families() -> list[Family]:
    return [module.FAMILY for module in MODULES]
