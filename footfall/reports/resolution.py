"""Resolution: visits by screen resolution and by OS / browser / resolution configuration."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import DayContext, Records
from footfall.reports.common import (
    relabel_build,
    segment_value,
    split_key,
    visit_report,
)
from footfall.reports.registry import Family
from footfall.reports.rollup import VisitGroups
from footfall.tracker.enrich import device_names as names

UNKNOWN = "Unknown"


def archive_day(ctx: DayContext) -> Records:
    v = ctx.visits.c
    groups = VisitGroups(ctx.conn, ctx.visits, [
        sa.func.coalesce(v.config_os, ""), sa.func.coalesce(v.config_browser_name, ""),
        sa.func.coalesce(v.config_resolution, "")])
    return Records(tables={"Resolution_resolution": groups.table([2]),
                           "Resolution_configuration": groups.table([0, 1, 2])})


def _resolution_row(key: str) -> tuple[str, dict[str, Any]]:
    label = key if key and key != "unknown" else UNKNOWN
    return label, {"segment": f"resolution=={segment_value(key)}"} if key else {}


def _configuration_row(key: str) -> tuple[str, dict[str, Any]]:
    os_code, browser, resolution = split_key(key)
    label = (f"{names.os_name(os_code)} / {names.browser_name(browser)} / "
             f"{resolution if resolution and resolution != 'unknown' else UNKNOWN}")
    return label, {}


FAMILY = Family(
    name="Resolution", archive_day=archive_day,
    table_limits={"Resolution_resolution": ("datatable_archiving_maximum_rows_standard", None),
                  "Resolution_configuration": ("datatable_archiving_maximum_rows_standard", None)},
    reports=[
        visit_report("Resolution", "getResolution", "Screen Resolution", category="Visitors",
                     subcategory="Software", dimension="Resolution",
                     build=relabel_build("Resolution_resolution", _resolution_row),
                     documentation="Visits by the screen resolution of the visitor's device."),
        visit_report("Resolution", "getConfiguration", "Configurations", category="Visitors",
                     subcategory="Software", dimension="Configuration",
                     build=relabel_build("Resolution_configuration", _configuration_row),
                     documentation="Visits by operating system, browser and resolution."),
    ],
)
