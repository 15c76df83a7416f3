"""The report registry: every method answers on every engine, and its metadata holds together."""

from __future__ import annotations

from datetime import date

import pytest

from footfall.archive.datatable import DataTable
from footfall.archive.periods import day_period
from footfall.errors import BadRequest
from footfall.reports import registry
from footfall.services import Services
from footfall.sites import Site
from tests.archive.rawlog import Hit, RawLog, at
from tests.reports.helpers import report

CORE_FAMILIES = {"VisitsSummary", "Actions", "Referrers", "UserCountry", "DevicesDetection",
                 "Resolution", "DevicePlugins", "UserLanguage", "VisitTime", "VisitorInterest",
                 "VisitFrequency", "UserId"}


def test_core_families_are_registered() -> None:
    assert {family.name for family in registry.families()} >= CORE_FAMILIES


def test_definitions_are_consistent() -> None:
    methods = registry.methods()
    seen = set()
    for definition in registry.report_definitions():
        assert definition.method not in seen
        seen.add(definition.method)
        assert definition.name and definition.category and definition.documentation
        if definition.subtable_action:
            assert f"{definition.module}.{definition.subtable_action}" in methods
        for processed in definition.processed_metrics:
            assert processed.type in ("number", "percent", "duration_s", "money", "float")


def test_scalar_getters_name_a_column_of_their_report() -> None:
    for name, method in registry.methods().items():
        if method.scalar_column:
            assert method.scalar_column in {m.name for m in method.report.metrics}, name


@pytest.fixture
def site(make_site, raw: RawLog) -> Site:  # type: ignore[no-untyped-def]
    site = make_site()
    raw.visit(site.idsite, "aa", [
        Hit(at("2010-03-06 10:00:00"), url="http://example.org/a/b", title="B"),
        Hit(at("2010-03-06 10:01:00"), kind="download", url="http://example.org/f.zip"),
        Hit(at("2010-03-06 10:02:00"), kind="search", keyword="shoes"),
        Hit(at("2010-03-06 10:03:00"), kind="outlink", url="https://other.org/x")],
        referer_type=2, referer_name="Google", referer_keyword="shoes", user_id="u1")
    return site


@pytest.mark.parametrize("period", ["day", "week", "range"])
def test_every_method_answers(services: Services, site: Site, period: str) -> None:
    date = "2010-03-01,2010-03-07" if period == "range" else "2010-03-06"
    for name, method in registry.methods().items():
        params = {"idSubtable": "1", "pageUrl": "http://example.org/a/b", "pageName": "B",
                  "downloadUrl": "http://example.org/f.zip", "outlinkUrl": "https://other.org/x"}
        answer = report(services, site, name, period=period, date=date, **params)
        assert isinstance(answer, (DataTable, int, float, str)), name
        if isinstance(answer, DataTable) and method.report.simple:
            assert len(answer.rows) == 1, name


def test_segments_are_refused_until_supported(services: Services, site: Site) -> None:
    method = registry.find_method("VisitsSummary.get")
    assert method is not None
    with pytest.raises(BadRequest, match="Segments are not supported"):
        registry.run_method(method, services=services, site=site,
                            period=day_period(date(2010, 3, 6)), segment="browserCode==FF")


def test_core_families_come_through_the_plugin_hook() -> None:
    from footfall.plugins.manager import plugin_manager

    offered = {family.name for families in plugin_manager().hook.footfall_report_families()
               for family in families}
    assert offered >= CORE_FAMILIES


def test_a_plugin_adds_a_family_through_the_same_hook() -> None:
    from footfall.plugins.hookspecs import hookimpl
    from footfall.plugins.manager import plugin_manager
    from footfall.reports.registry import Family

    extra = Family(name="PluginExample", archive_day=lambda ctx: None)

    class Plugin:
        @hookimpl
        def footfall_report_families(self) -> list[Family]:
            return [extra]

    manager = plugin_manager()
    plugin = Plugin()
    manager.register(plugin, name="example")
    try:
        offered = [f for families in manager.hook.footfall_report_families() for f in families]
        assert extra in offered
    finally:
        manager.unregister(plugin)
