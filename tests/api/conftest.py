"""A test-only report family with hand-made DataTables, and an API with known users.

`FootfallTest.getBrowsers` (rows with metadata and subtables), `.getSummary`
(a simple table) and `.getNothing` (always empty) answer the same tables on
every engine, so the API layer's filters and renderers are tested byte for
byte, independent of archiving.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.archive.archiver import ArchiveView, Records
from footfall.archive.datatable import DataTable, Row
from footfall.auth import users
from footfall.reports import registry
from footfall.reports.metrics import BOUNCE_RATE, metric
from footfall.reports.registry import Family, ReportDefinition, ReportRequest

# The only day with data in the test reports (site 1 only).
DATA_DAY = date(2026, 11, 2)


def browsers_table() -> DataTable:
    """Three browsers; Firefox has a subtable of versions; Chrome has a goal."""
    versions = DataTable([
        Row("Firefox 3.6", {"nb_visits": 2, "nb_actions": 3, "bounce_count": 1},
            {"segment": "browserCode==FF;browserVersion==3.6"}),
        Row("Firefox 4.0", {"nb_visits": 1, "nb_actions": 4, "bounce_count": 0},
            {"segment": "browserCode==FF;browserVersion==4.0"}),
    ])
    return DataTable([
        Row("Firefox", {"nb_visits": 3, "nb_actions": 7, "bounce_count": 1},
            {"segment": "browserCode==FF", "logo": "plugins/Morpheus/icons/dist/browsers/FF.png"},
            subtable=versions, idsubdatatable=1),
        Row("Chrome", {"nb_visits": 3, "nb_actions": 3, "bounce_count": 3,
                       "goals": {"idgoal=2": {"nb_conversions": 1, "revenue": 1.5}}},
            {"segment": "browserCode==CH"}),
        Row("Safari, mobile", {"nb_visits": 1, "nb_actions": 1, "bounce_count": 1},
            {"segment": "browserCode==SF"}),
    ])


def _has_data(request: ReportRequest) -> bool:
    return request.site.idsite == 1 and request.period.contains(DATA_DAY)


def build_browsers(view: ArchiveView, request: ReportRequest) -> DataTable:
    return browsers_table() if _has_data(request) else DataTable()


def build_summary(view: ArchiveView, request: ReportRequest) -> DataTable:
    columns = {"nb_visits": 7, "nb_actions": 11, "bounce_count": 5} if _has_data(request) \
        else {"nb_visits": 0, "nb_actions": 0, "bounce_count": 0}
    return DataTable([Row("", columns)], metadata={"simple": True})


def build_nothing(view: ArchiveView, request: ReportRequest) -> DataTable:
    return DataTable()


METRICS = (metric("nb_visits"), metric("nb_actions"), metric("bounce_count"))
TEST_FAMILY = Family(
    name="FootfallTest",
    archive_day=lambda ctx: Records(),
    reports=[
        ReportDefinition(module="FootfallTest", action="getBrowsers", name="Test browsers",
                         category="Visitors", subcategory="Software", build=build_browsers,
                         dimension="Browser", metrics=METRICS, processed_metrics=(BOUNCE_RATE,),
                         subtable_action="getBrowserVersions"),
        ReportDefinition(module="FootfallTest", action="getSummary", name="Test summary",
                         category="Visitors", subcategory="Overview", build=build_summary,
                         simple=True, default_sort=None, metrics=METRICS,
                         processed_metrics=(BOUNCE_RATE,)),
        ReportDefinition(module="FootfallTest", action="getNothing", name="Test nothing",
                         category="Visitors", subcategory="Overview", build=build_nothing,
                         dimension="Nothing", metrics=METRICS),
    ],
    scalars={"getVisits": ("getSummary", "nb_visits")},
)


@pytest.fixture
def test_reports() -> Iterator[Family]:
    """Register the test family beside the core ones for one test."""
    registry.families()  # the core families load first, as in production
    registry.register(TEST_FAMILY)
    try:
        yield TEST_FAMILY
    finally:
        registry._FAMILIES.pop(TEST_FAMILY.name, None)


@dataclass
class ApiWorld:
    """Sites 1 (private), 2 (private) and 3 (anonymous view); a superuser and a viewer."""

    server: testing.RunningServer
    engine: Engine
    root_token: str
    viewer_token: str

    def get(self, method: str, **params: object) -> httpx.Response:
        query = {"module": "API", "method": method, **{k: str(v) for k, v in params.items()}}
        return self.server.client.get(self.server.url("/index.php"), params=query)

    def root(self, method: str, **params: object) -> httpx.Response:
        return self.get(method, token_auth=self.root_token, **params)


@pytest.fixture
def world(server: testing.RunningServer, engine: Engine, test_reports: Family) -> ApiWorld:
    for name in ("Site A", "Site B", "Public C"):
        testing.create_site(engine, name=name, urls=[f"https://{name.split()[1].lower()}.example"])
    root = testing.create_superuser_token(engine)
    users.add_user(engine, "viewer", email="viewer@example.com", password="secret-pass-1")
    users.set_access(engine, "viewer", 1, "view")
    users.set_access(engine, users.ANONYMOUS, 3, "view")
    viewer = users.create_token(engine, "viewer", description="tests")
    return ApiWorld(server, engine, root, viewer)
