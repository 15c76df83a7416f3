"""Matomo's system-test fixtures replayed over HTTP, for the Reporting API compat cases.

Each scenario tracks the fixture's hits through /matomo.php (custom timestamps,
so with a superuser token), drains the ingest queue and returns a handle for
calling the API. Sites get ts_created = first tracked day − 1, as in Matomo's
fixtures. Values expected from these scenarios are reference §9's vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings
from footfall.db.schema import site
from tests.conftest import _engine_params

FIREFOX = ("Mozilla/5.0 (Windows; U; Windows NT 5.1; en-GB; rv:1.9.2.6) Gecko/20100625 "
           "Firefox/3.6.6 (.NET CLR 3.5.30729)")
VISITOR = "a1b2c3d4e5f60718"


@dataclass
class Scenario:
    server: testing.RunningServer
    engine: Engine
    token: str

    def hit(self, idsite: int, at: str, url: str, **extra: Any) -> None:
        """One pageview (or other action given in `extra`) with the fixtures' defaults."""
        params = {"idsite": idsite, "rec": 1, "url": url, "cdt": at, "_id": VISITOR,
                  "cip": "156.5.3.2", "ua": FIREFOX, "lang": "fr", "h": 12, "m": 34, "s": 6,
                  "res": "1024x768", "cookie": 1, "fla": 1, "java": 1,
                  "token_auth": self.token, "send_image": 0, **extra}
        response = self.server.track(params)
        assert response.status_code in (200, 204), response.text

    def api(self, method: str, **params: Any) -> httpx.Response:
        query = {"module": "API", "method": method, "token_auth": self.token,
                 **{k: str(v) for k, v in params.items()}}
        return self.server.client.get(self.server.url("/index.php"), params=query, timeout=120)

    def json(self, method: str, **params: Any) -> Any:
        return self.api(method, format="json", **params).json()

    def created(self, idsite: int, when: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(site.update().where(site.c.idsite == idsite)
                         .values(ts_created=datetime.fromisoformat(when)))


def start(settings: Settings, engine: Engine) -> Iterator[Scenario]:
    with testing.serve_in_thread(settings) as server:
        yield Scenario(server, engine, testing.create_superuser_token(engine))


# VisitsOverSeveralDays (reference V1): two visits a day on five days, social referrers.
SEVERAL_DAYS = ("2010-12-14", "2010-12-15", "2010-12-25", "2011-01-15", "2011-01-16")
SEVERAL_DAYS_REFERRERS = (
    "http://facebook.com/whatever", "http://www.facebook.com/another/path",
    "http://fb.me/?q=sdlfjs&n=slfjsd", "http://twitter.com/whatever2",
    "http://www.twitter.com/index?a=2334", "http://t.co/id/?y=dsfs", "http://www.flickr.com",
    "http://xanga.com", "http://skyrock.com", "http://mixi.jp")


def visits_over_several_days(scenario: Scenario) -> Scenario:
    engine = scenario.engine
    testing.create_site(engine, name="Site AAAAAA", urls=["http://piwik.net"])
    testing.create_site(engine, name="Site BBBBBB", urls=["http://example.org"])
    scenario.created(1, "2010-12-13 00:00:00")
    scenario.created(2, "2010-12-13 00:00:00")
    for index, day in enumerate(SEVERAL_DAYS):
        first, second = SEVERAL_DAYS_REFERRERS[2 * index:2 * index + 2]
        scenario.hit(1, f"{day} 01:06:00", "http://example.org/homepage",
                     action_name="ou pas", urlref=first)
        scenario.hit(1, f"{day} 01:12:00", "http://example.org/sub1/sub2/sub3/news",
                     cip="200.1.15.22")
        scenario.hit(1, f"{day} 02:00:00", "http://example.org/news", urlref=second)
        if index < 3:
            scenario.hit(2, f"{day} 01:06:00", "http://example.org/homepage",
                         action_name="Second website", urlref=second, _id="f1e2d3c4b5a69788")
    scenario.server.drain()
    return scenario


def _module_scenario(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                     server_databases: dict[str, str],
                     replay: Callable[[Scenario], Scenario]) -> Iterator[Scenario]:
    """A scenario replayed once for a test module, on the engine of `request.param`."""
    folder = tmp_path_factory.mktemp("scenario")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'footfall.sqlite3'}"
        testing.migrated_engine(url).dispose()
    else:
        url = server_databases[f"{request.param}/module"]
    engine = testing.make_engine(url)
    testing.empty_all_tables(engine)
    try:
        for scenario in start(testing.make_settings(folder / "data", url), engine):
            yield replay(scenario)
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=_engine_params())
def several_days(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 _server_databases: dict[str, str]) -> Iterator[Scenario]:
    """VisitsOverSeveralDays tracked once per module and engine (replaying it takes a while)."""
    yield from _module_scenario(request, tmp_path_factory, _server_databases,
                                visits_over_several_days)

# TwoSitesTwoVisitorsDifferentDays (reference V6): a midnight split, daily 5-action visits.
OPERA = "Opera/9.63 (Windows NT 5.1; U; en) Presto/2.1.1"
VISITOR_B = "b0b1b2b3b4b5b6b7"


def _visitor_b_day(scenario: Scenario, day: str) -> None:
    common = {"_id": VISITOR_B, "cip": "100.52.156.83", "ua": OPERA, "res": "800x300"}
    referrer = "http://referrer.com/Other_Page.htm"
    scenario.hit(1, f"{day} 11:22:33", "http://example.org/index.htm", urlref=referrer, **common)
    scenario.hit(1, f"{day} 11:28:33", "http://example.org/thankyou", **common)
    scenario.hit(1, f"{day} 11:34:33", "http://example.org/thankyou",
                 link="mailto:test@example.org", **common)
    scenario.hit(1, f"{day} 11:37:33", "http://example.org/thankyou",
                 link="mailto:test@example.org/strangelink", **common)
    scenario.hit(1, f"{day} 11:37:33", "http://example.org/store/purchase",
                 action_name="Checkout / Purchasing...", **common)


def two_sites_two_visitors(scenario: Scenario) -> Scenario:
    engine = scenario.engine
    testing.create_site(engine, name="Site 1", urls=["http://example.org"])
    testing.create_site(engine, name="Site 2", urls=["http://example.com"])
    scenario.created(1, "2010-01-02 00:00:00")
    scenario.created(2, "2010-01-02 00:00:00")
    scenario.hit(1, "2010-01-03 23:55:00", "http://example.org/index.htm#ignoredFragment",
                 urlref="http://referrer.com/page.htm?param=valuewith some spaces")
    scenario.hit(1, "2010-01-04 00:01:00", "http://example.org/index.htm")
    scenario.hit(1, "2010-01-03 12:22:33", "http://example.org/products", _id=VISITOR_B,
                 cip="100.52.156.83", ua=OPERA, res="800x300")
    for day in range(5, 13):
        _visitor_b_day(scenario, f"2010-01-{day:02d}")
    for _ in range(3):
        scenario.hit(2, "2010-01-04 11:22:33", "http://example.com/page", _id="c0c1c2c3c4c5c6c7")
    scenario.server.drain()
    return scenario


@pytest.fixture(scope="module", params=_engine_params())
def two_visitors(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 _server_databases: dict[str, str]) -> Iterator[Scenario]:
    """TwoSitesTwoVisitorsDifferentDays tracked once per module and engine."""
    yield from _module_scenario(request, tmp_path_factory, _server_databases,
                                two_sites_two_visitors)
