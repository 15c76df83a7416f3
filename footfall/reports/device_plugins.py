"""DevicePlugins: how many visits had each browser plugin (cookies, Flash, Java, PDF ...)."""

from __future__ import annotations

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable, Row
from footfall.reports.metrics import VISITS_PERCENTAGE, as_number, metric
from footfall.reports.registry import Family, ReportDefinition, ReportRequest

# Row label -> log_visit column, in Matomo's row order.
PLUGINS = {
    "Cookie": "config_cookie", "Flash": "config_flash", "Java": "config_java",
    "Pdf": "config_pdf", "Quicktime": "config_quicktime", "Realplayer": "config_realplayer",
    "Silverlight": "config_silverlight", "Windowsmedia": "config_windowsmedia",
}
LOGO = "plugins/Morpheus/icons/dist/plugins/{}.png"


def archive_day(ctx: DayContext) -> Records:
    v = ctx.visits.c
    query = sa.select(*(sa.func.sum(sa.func.coalesce(v[column], 0)).label(label)
                        for label, column in PLUGINS.items()), sa.func.count().label("visits"))
    values = ctx.conn.execute(query.select_from(ctx.visits)).one()._mapping
    numerics = {f"DevicePlugins_{label}": as_number(values[label]) for label in PLUGINS}
    numerics["DevicePlugins_nb_visits"] = as_number(values["visits"])
    return Records(numerics=numerics)


def build_plugins(view: ArchiveView, request: ReportRequest) -> DataTable:
    total = view.numeric("DevicePlugins_nb_visits")
    rows = [Row(label, {"nb_visits": view.numeric(f"DevicePlugins_{label}")},
                {"logo": LOGO.format(label.lower())}) for label in PLUGINS]
    rows.sort(key=lambda r: -r.columns["nb_visits"])
    # The percentage is of all visits, not of the sum of the rows.
    return DataTable(rows, metadata={"totals": {"nb_visits": total}})


FAMILY = Family(
    name="DevicePlugins", archive_day=archive_day,
    reports=[ReportDefinition(
        module="DevicePlugins", action="getPlugin", name="Browser Plugins", category="Visitors",
        subcategory="Software", dimension="Plugin", build=build_plugins,
        metrics=(metric("nb_visits"),), processed_metrics=(VISITS_PERCENTAGE,),
        constant_rows=True,
        documentation="How many visits had each browser plugin enabled.")],
)
