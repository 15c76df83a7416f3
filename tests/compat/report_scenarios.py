"""More of Matomo's system-test fixtures, tracked over HTTP, for the report-value cases.

Built on tests/compat/api_support.py (Scenario: hits with custom timestamps and a
superuser token, then the ingest queue drained).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from footfall import testing
from tests.compat.api_support import Scenario, _module_scenario
from tests.conftest import _engine_params

OPERA = "Opera/9.63 (Windows NT 5.1; U; en) Presto/2.1.1"
VISITOR_A = "aaaaaaaaaaaaaaaa"
VISITOR_B = "bbbbbbbbbbbbbbbb"


def two_sites_two_visitors(scenario: Scenario) -> Scenario:
    """TwoSitesTwoVisitorsDifferentDays (reference V6)."""
    engine = scenario.engine
    testing.create_site(engine, name="Site 1", urls=["http://example.org"])
    testing.create_site(engine, name="Site 2", urls=["http://example.com"])
    scenario.created(1, "2010-01-02 00:00:00")
    scenario.created(2, "2010-01-02 00:00:00")
    a = {"_id": VISITOR_A}
    scenario.hit(1, "2010-01-03 23:55:00", "http://example.org/index.htm#ignoredFragment",
                 urlref="http://referrer.com/page.htm?param=valuewith some spaces", **a)
    scenario.hit(1, "2010-01-04 00:01:00", "", action_name="", **a)
    b = {"_id": VISITOR_B, "cip": "100.52.156.83", "ua": OPERA, "res": "800x300"}
    scenario.hit(1, "2010-01-03 12:22:33", "http://example.org/products", **b)
    for day in range(5, 13):
        start_at = datetime(2010, 1, day, 11, 22, 33)

        def at(minutes: int, start_at: datetime = start_at) -> str:
            return (start_at + timedelta(minutes=minutes)).isoformat(sep=" ")

        scheme = "https" if day % 2 else "http"
        scenario.hit(1, at(0), "http://example.org/", **b,
                     urlref=f"{scheme}://referrer.com/Other_Page.htm")
        scenario.hit(1, at(6), "http://example.org/thankyou", **b)
        scenario.hit(1, at(12), "http://example.org/thankyou", link="mailto:test@example.org",
                     **b)
        scenario.hit(1, at(15), "http://example.org/thankyou",
                     link="mailto:test@example.org/strangelink", **b)
        scenario.hit(1, at(15), "http://example.org/checkout",
                     action_name="Checkout / Purchasing...", **b)
    for _ in range(3):
        scenario.hit(2, "2010-01-04 11:22:33", "http://example.com/", _id="cccccccccccccccc")
    scenario.server.drain()
    return scenario


def module_scenario(build: Callable[[Scenario], Scenario]) -> Callable[..., Iterator[Scenario]]:
    """A module-scoped fixture: `build` tracked once per engine."""

    @pytest.fixture(scope="module", params=_engine_params())
    def fixture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                _server_databases: dict[str, str]) -> Iterator[Scenario]:
        yield from _module_scenario(request, tmp_path_factory, _server_databases, build)

    return fixture


def utc_today() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)


def one_visitor_two_visits(scenario: Scenario) -> Scenario:
    """OneVisitorTwoVisits (reference V8): outlinks, a download, goals, a search engine."""
    from footfall.admin.goals import GoalSpec, add_goal
    from footfall.db.schema import site

    engine = scenario.engine
    testing.create_site(engine, name="Site", urls=["http://site.com"])
    with engine.begin() as conn:
        conn.execute(site.update().values(
            sitesearch=0, excluded_parameters="excluded_parameter,anotherParameter"))
    scenario.created(1, "2010-03-05 00:00:00")
    add_goal(engine, 1, GoalSpec(name="triggered js", match_attribute="manually"))
    add_goal(engine, 1, GoalSpec(name="matching purchase.htm", match_attribute="url",
                                 pattern=r"(.*)store\/purchase\.(.*)", pattern_type="regex",
                                 revenue=1))
    start_at = datetime(2010, 3, 6, 11, 22, 33)

    def at(minutes: float) -> str:
        return (start_at + timedelta(minutes=minutes)).isoformat(sep=" ")

    first = {"urlref": "http://referrer.com/page.htm?param=valuewith some spaces"}
    scenario.hit(1, at(0), "http://example.org/index.htm?excluded_Parameter=SHOULD_NOT_DISPLAY"
                           "&parameter=Should display", **first)
    scenario.hit(1, at(3), "http://example.org/")
    scenario.hit(1, at(6), "http://example.org/",
                 link="https://outlinks.org/#!outlink-with-fragment-<script>")
    scenario.hit(1, at(12), "http://example.org/",
                 download="http://piwik.org/path/again/latest.zip")
    scenario.hit(1, at(13.2), "http://example.org/",
                 link="http://outlinks.org/other_outlink#fragment&pk_campaign=Open%20partnership")
    scenario.hit(1, at(15), "http://example.org/", link="http://dev.piwik.org/svn")
    scenario.hit(1, at(18), "http://example.org/", idgoal=1, revenue=42)
    scenario.hit(1, at(24), "http://example.org/", idgoal=1, revenue=42)
    scenario.hit(1, at(27), "http://example.org/index.htm#ignoredFragment#")
    scenario.hit(1, at(60), "http://example.org/store/purchase.htm",
                 urlref="http://search.yahoo.com/search?p=purchase")
    scenario.server.drain()
    return scenario
