"""DevicesDetection: device types, brands, models, operating systems, browsers, engines."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable, Row
from footfall.reports.common import (
    relabel,
    relabel_build,
    segment_value,
    split_key,
    visit_report,
)
from footfall.reports.registry import Family, ReportRequest
from footfall.reports.rollup import VisitGroups
from footfall.tracker.enrich import device_names as names

ICONS = "plugins/Morpheus/icons/dist"
LIMIT = ("datatable_archiving_maximum_rows_standard", None)


def text(column: Any) -> Any:
    return sa.func.coalesce(column, "")


def archive_day(ctx: DayContext) -> Records:
    """Two GROUP BYs, each rolled up into its tables: device and system together (a model
    runs few systems, so the pairs stay few), and the browser."""
    v = ctx.visits.c
    device = VisitGroups(ctx.conn, ctx.visits, [
        v.config_device_type, text(v.config_device_brand), text(v.config_device_model),
        text(v.config_os), text(v.config_os_version)])
    browser = VisitGroups(ctx.conn, ctx.visits, [text(v.config_browser_name),
                                                 text(v.config_browser_version),
                                                 text(v.config_browser_engine)])
    tables = {
        "DevicesDetection_types": device.table([0]),
        "DevicesDetection_brands": device.table([1]),
        "DevicesDetection_models": device.table([1, 2]),
        "DevicesDetection_os": device.table([3]),
        "DevicesDetection_osVersions": device.table([3, 4]),
        "DevicesDetection_browsers": browser.table([0]),
        "DevicesDetection_browserVersions": browser.table([0, 1]),
        "DevicesDetection_browserEngines": browser.table([2]),
    }
    return Records(tables=tables)


def _type_row(key: str) -> tuple[str, dict[str, Any]]:
    type_id = int(key) if key.lstrip("-").isdecimal() else None
    label = names.device_type_name(type_id)
    slug = label.lower()
    return label, {"segment": f"deviceType=={segment_value(slug)}",
                   "logo": f"{ICONS}/devices/{slug.replace(' ', '_')}.png"}


def build_types(view: ArchiveView, request: ReportRequest) -> DataTable:
    """Every device type is listed, with 0 visits when none (as Matomo does)."""
    table = relabel(view.table("DevicesDetection_types"), _type_row)
    present = {row.label for row in table.rows}
    for type_id in names.DEVICE_TYPE_IDS.values():
        label, metadata = _type_row(str(type_id))
        if label not in present:
            table.rows.append(Row(label, {"nb_visits": 0}, metadata))
    return table


def _brand_row(key: str) -> tuple[str, dict[str, Any]]:
    label = names.brand_name(key)
    return label, {"segment": f"deviceBrand=={segment_value(label)}",
                   "logo": f"{ICONS}/brand/{label.replace(' ', '_')}.png"}


def _model_row(key: str) -> tuple[str, dict[str, Any]]:
    brand, model = split_key(key)
    brand_label = names.brand_name(brand)
    model_label = model or "Generic"
    label = model_label if brand_label == names.UNKNOWN else f"{brand_label} - {model_label}"
    return label, {"segment": f"deviceBrand=={segment_value(brand_label)};"
                              f"deviceModel=={segment_value(model)}"}


def _os_family_row(key: str) -> tuple[str, dict[str, Any]]:
    family = names.os_family(key)
    return family, {"logo": f"{ICONS}/os/{key or 'UNK'}.png"}


def _os_version_row(key: str) -> tuple[str, dict[str, Any]]:
    code, version = split_key(key)
    label = f"{names.os_name(code)} {version}".strip()
    return label, {"segment": f"operatingSystemCode=={segment_value(code or 'UNK')};"
                              f"operatingSystemVersion=={segment_value(version)}",
                   "logo": f"{ICONS}/os/{code or 'UNK'}.png"}


def _browser_row(key: str) -> tuple[str, dict[str, Any]]:
    return names.browser_name(key), {"segment": f"browserCode=={segment_value(key or 'UNK')}",
                                     "logo": f"{ICONS}/browsers/{key or 'UNK'}.png"}


def _browser_version_row(key: str) -> tuple[str, dict[str, Any]]:
    code, version = split_key(key)
    label = f"{names.browser_name(code)} {version}".strip()
    return label, {"segment": f"browserCode=={segment_value(code or 'UNK')};"
                              f"browserVersion=={segment_value(version)}",
                   "logo": f"{ICONS}/browsers/{code or 'UNK'}.png"}


def _engine_row(key: str) -> tuple[str, dict[str, Any]]:
    return names.browser_engine_label(key), {"segment": f"browserEngine=={segment_value(key)}"}


def _report(action: str, name: str, dimension: str, build: Any) -> Any:
    return visit_report("DevicesDetection", action, name, category="Visitors",
                        subcategory="Devices" if "Brand" in action or "Model" in action
                        or action == "getType" else "Software",
                        dimension=dimension, build=build,
                        documentation=f"Visits by {dimension.lower()}, as the device detector "
                                      "recognised it from the user agent.")


FAMILY = Family(
    name="DevicesDetection", archive_day=archive_day,
    table_limits={name: LIMIT for name in (
        "DevicesDetection_types", "DevicesDetection_brands", "DevicesDetection_models",
        "DevicesDetection_os", "DevicesDetection_osVersions", "DevicesDetection_browsers",
        "DevicesDetection_browserVersions", "DevicesDetection_browserEngines")},
    reports=[
        _report("getType", "Device type", "Device type", build_types),
        _report("getBrand", "Device brand", "Device brand",
                relabel_build("DevicesDetection_brands", _brand_row)),
        _report("getModel", "Device model", "Device model",
                relabel_build("DevicesDetection_models", _model_row)),
        _report("getOsFamilies", "Operating System families", "Operating System family",
                relabel_build("DevicesDetection_os", _os_family_row)),
        _report("getOsVersions", "Operating System versions", "Operating System version",
                relabel_build("DevicesDetection_osVersions", _os_version_row)),
        _report("getBrowsers", "Browsers", "Browser",
                relabel_build("DevicesDetection_browsers", _browser_row)),
        _report("getBrowserVersions", "Browser version", "Browser version",
                relabel_build("DevicesDetection_browserVersions", _browser_version_row)),
        _report("getBrowserEngines", "Browser engines", "Browser engine",
                relabel_build("DevicesDetection_browserEngines", _engine_row)),
    ],
)
