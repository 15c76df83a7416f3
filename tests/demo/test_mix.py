"""A demo run over real HTTP lands every feature of realistic traffic in the raw log,
and the Reporting API shows it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.admin import goals
from footfall.config import Settings
from footfall.db.engine import open_database
from footfall.demo.catalog import load_catalog
from footfall.demo.runner import DemoOptions, DemoResult, run_demo

END = date(2026, 11, 1)


@pytest.fixture
def demo(server: testing.RunningServer, settings: Settings) -> Iterator[DemoResult]:
    database = open_database(settings)
    options = DemoOptions(days=4, visits_per_day=150, seed=3, end_date=END,
                          url=server.base_url, progress=False)
    try:
        yield run_demo(settings, database, options)
    finally:
        database.dispose()


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def _column(engine: Engine, sql: str) -> set[object]:
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(sa.text(sql))}


@pytest.mark.slow
def test_demo_traffic_has_every_feature(demo: DemoResult, server: testing.RunningServer,
                                        engine: Engine) -> None:
    """One demo run (it takes a while), checked three ways."""
    check_raw_log(demo, engine)
    check_goals_orders_carts_and_no_bots(demo, engine)
    check_reporting_api(demo, server, engine)


def check_raw_log(demo: DemoResult, engine: Engine) -> None:
    assert demo.invalid == 0 and demo.drained and demo.tracked == demo.hits_sent
    visits = _scalar(engine, "SELECT COUNT(*) FROM log_visit")
    assert isinstance(visits, int) and visits > 400
    assert _scalar(engine, "SELECT COUNT(DISTINCT idvisitor) FROM log_visit") < visits
    assert _scalar(engine, "SELECT COUNT(*) FROM log_visit WHERE visitor_returning > 0") > 50
    assert _scalar(engine, "SELECT COUNT(DISTINCT user_id) FROM log_visit") > 5
    assert _scalar(engine, "SELECT MAX(visit_total_actions) FROM log_visit") >= 8
    assert {0, 1, 2} <= _column(engine, "SELECT config_device_type FROM log_visit")
    assert len(_column(engine, "SELECT location_country FROM log_visit")) >= 8
    assert len(_column(engine, "SELECT location_browser_lang FROM log_visit")) >= 8
    assert {1, 2, 3, 6, 7} <= _column(engine, "SELECT referer_type FROM log_visit")
    assert _column(engine, "SELECT referer_keyword FROM log_visit WHERE referer_type = 2") - {None}
    assert _column(engine, "SELECT referer_name FROM log_visit WHERE referer_type = 6") - {None}
    # Page URLs, titles, downloads, outlinks, site searches, events, content names.
    assert {1, 2, 3, 4, 8, 10, 11, 13} <= _column(engine, "SELECT type FROM log_action")
    assert _scalar(engine, "SELECT COUNT(DISTINCT idaction_url) FROM log_link_visit_action") > 150
    assert _scalar(engine, "SELECT COUNT(*) FROM log_link_visit_action "
                           "WHERE idaction_event_category IS NOT NULL "
                           "AND custom_float IS NOT NULL") > 0
    assert _scalar(engine, "SELECT COUNT(*) FROM log_link_visit_action "
                           "WHERE idaction_content_interaction IS NOT NULL") > 0
    assert _column(engine, "SELECT custom_dimension_1 FROM log_visit") >= {"guest", "member"}
    assert "blog" in _column(engine, "SELECT custom_dimension_1 FROM log_link_visit_action")


def check_goals_orders_carts_and_no_bots(demo: DemoResult, engine: Engine) -> None:
    configured = {g.idgoal for g in goals.list_goals(engine, demo.idsite)}
    converted = _column(engine, "SELECT idgoal FROM log_conversion")
    assert len(configured) == 7 and configured | {0, -1} == converted
    assert _scalar(engine, "SELECT COUNT(*) FROM log_conversion_item WHERE idorder <> '0'") > 0
    assert demo.stats["bot_visits"] > 0
    bot_prefixes = {bytes(n.network_address.packed[:2])
                    for n in load_catalog().bot_networks if n.version == 4}
    with engine.connect() as conn:
        addresses = [bytes(row[0])
                     for row in conn.execute(sa.text("SELECT location_ip FROM log_visit"))]
    assert addresses and not [a for a in addresses if len(a) == 4 and a[:2] in bot_prefixes]
    assert all(ipaddress.ip_address(a) for a in addresses)


def _api(server: testing.RunningServer, method: str, **params: Any) -> Any:
    """An API call that may build archives on a busy machine: no short client timeout."""
    query = {"module": "API", "method": method, "format": "json", **params}
    response = server.client.get(server.url("/index.php"), params=query, timeout=600)
    response.raise_for_status()
    return response.json()


def check_reporting_api(demo: DemoResult, server: testing.RunningServer, engine: Engine) -> None:
    token = testing.create_superuser_token(engine, "reader")
    period = {"idSite": demo.idsite, "period": "range", "date": f"{demo.first_date},{END}",
              "token_auth": token}
    summary = _api(server, "VisitsSummary.get", **period)
    assert summary["nb_visits"] == _scalar(engine, "SELECT COUNT(*) FROM log_visit")
    assert summary["nb_actions"] > 3 * summary["nb_visits"] and summary["nb_visits_converted"] > 0
    assert len(_api(server, "UserId.getUsers", **period)) > 5
    devices = {row["label"] for row in _api(server, "DevicesDetection.getType", **period)}
    assert {"Desktop", "Smartphone", "Tablet"} <= devices
    assert len(_api(server, "UserCountry.getCountry", **period)) >= 8
    visits = _api(server, "Live.getLastVisitsDetails", idSite=demo.idsite, filter_limit=-1,
                  token_auth=token)
    kinds = {action["type"] for visit in visits for action in visit["actionDetails"]}
    assert {"action", "download", "outlink", "search", "event", "goal", "ecommerceOrder"} <= kinds
