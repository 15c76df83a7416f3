"""Tracking compatibility: action types and their log_action rows (reference §4, §8;
§12 vectors 11-14), custom dimensions and page performance."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from footfall.config import Settings
from footfall.tracker.clock import to_datetime
from tests.tracker.support import Tracking, add_dimension, day_start, set_site, start_tracking

T = day_start(2) + 10 * 3600


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


def _visit_and_last_action(tracking: Tracking) -> tuple[dict, dict]:
    [visit] = tracking.visits()
    return visit, tracking.actions()[-1]


def test_site_search_from_the_url_and_from_parameters(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 10, url="https://example.com/search?q=Red%20Shoes&page=2",
                action_name="Search")
    visit, search = _visit_and_last_action(tracking)
    assert search["idaction_url"] is None and search["search_count"] is None
    assert tracking.action_name(search["idaction_name"]) == ("Red Shoes", 8, None)
    assert (visit["visit_total_searches"], visit["visit_total_interactions"],
            visit["visit_total_actions"]) == (1, 2, 2)
    assert visit["visit_exit_idaction_url"] is None
    assert visit["visit_exit_idaction_name"] == search["idaction_name"]
    tracking.ok(at=T + 20, search="Red Shoes", search_cat="Shoes", search_count=0,
                url="https://example.com/search")
    again = tracking.actions()[-1]
    assert again["idaction_name"] == search["idaction_name"]
    assert (again["search_cat"], again["search_count"]) == ("Shoes", 0)


def test_site_search_disabled_makes_a_pageview(tracking: Tracking) -> None:
    set_site(tracking.engine, sitesearch=0)
    tracking.ok(at=T, url="https://example.com/search?q=Red%20Shoes&page=2")
    _, action = _visit_and_last_action(tracking)
    assert tracking.action_name(action["idaction_url"]) == (
        "example.com/search?q=Red%20Shoes&page=2", 1, 2)


def test_event(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 5, e_c="Video", e_a="Play", e_n="Intro", e_v="12.5", ca=1,
                url="https://example.com/watch")
    visit, event = _visit_and_last_action(tracking)
    assert tracking.action_name(event["idaction_url"]) == ("example.com/watch", 10, 2)
    assert tracking.action_name(event["idaction_event_category"]) == ("Video", 10, None)
    assert tracking.action_name(event["idaction_event_action"]) == ("Play", 11, None)
    assert tracking.action_name(event["idaction_name"]) == ("Intro", 12, None)
    assert event["custom_float"] == 12.5
    assert (visit["visit_total_actions"], visit["visit_total_events"],
            visit["visit_total_interactions"]) == (2, 1, 1)
    assert visit["visit_exit_idaction_url"] == tracking.actions()[0]["idaction_url"]
    bad = tracking.hit(at=T + 6, e_c="Video", e_a=" ", ca=1, url="https://example.com/watch")
    assert bad.status_code == 400 and "e_a" in bad.headers["x-footfall-reason"]


def test_outlink_and_download(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 5, link="https://other.org/page?x=1&sid=9", url="https://example.com/")
    tracking.ok(at=T + 6, download="https://example.com/files/a.pdf", url="https://example.com/")
    tracking.ok(at=T + 7, download="https://example.com/files/b.zip", e_c="Files", e_a="Get",
                url="https://example.com/")
    visit = tracking.visits()[0]
    _, outlink, download, both = tracking.actions()
    assert tracking.action_name(outlink["idaction_url"]) == (
        "https://other.org/page?x=1&amp;sid=9", 2, None)
    assert tracking.action_name(download["idaction_url"]) == (
        "https://example.com/files/a.pdf", 3, None)
    assert tracking.action_name(both["idaction_url"])[1] == 3
    assert outlink["idaction_name"] is None
    assert visit["visit_total_actions"] == 4
    assert visit["visit_exit_idaction_url"] == tracking.actions()[0]["idaction_url"]


def test_content_impression_and_interaction(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    common = {"c_n": "Banner", "c_p": "/img/ad.png", "c_t": "https://example.com/offer",
              "ca": 1, "url": "https://www.example.com/"}
    tracking.ok(at=T + 5, **common)
    tracking.ok(at=T + 6, c_i="click", **common)
    visit = tracking.visits()[0]
    _, impression, interaction = tracking.actions()
    assert tracking.action_name(impression["idaction_url"]) == (
        "https://www.example.com/", 13, None)
    assert [tracking.action_name(impression[c])[1] for c in (
        "idaction_content_name", "idaction_content_piece", "idaction_content_target")] == [
        13, 14, 15]
    assert impression["idaction_content_interaction"] is None
    assert tracking.action_name(interaction["idaction_content_interaction"]) == (
        "click", 16, None)
    assert visit["visit_total_actions"] == 1
    alone = tracking.hit(at=T + 7, ca=1, url="https://example.com/")
    assert alone.status_code == 400


def test_custom_dimensions_visit_and_action_scope(tracking: Tracking) -> None:
    add_dimension(tracking.engine, 1, index=1, scope="visit")
    add_dimension(tracking.engine, 2, index=1, scope="action")
    add_dimension(tracking.engine, 3, index=2, scope="action",
                  extractions='[{"dimension": "url", "pattern": "/shop/(.+)"}]')
    tracking.ok(at=T, url="https://example.com/", dimension1="Premium", dimension2="<b>")
    tracking.ok(at=T + 30, url="https://example.com/shop/shoes")
    visit = tracking.visits()[0]
    first, second = tracking.actions()
    assert visit["custom_dimension_1"] == "Premium"
    assert first["custom_dimension_1"] == "&lt;b&gt;"
    assert second["custom_dimension_2"] == "shoes"
    assert visit["last_idlink_va"] == second["idlink_va"]


def test_page_performance_and_page_view_id(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/", pv_id="AbC123xyz", pf_net=10, pf_srv=120,
                pf_onl=-1)
    action = tracking.actions()[0]
    assert (action["time_network"], action["time_server"], action["time_on_load"]) == (
        10, 120, None)
    assert action["idpageview"] == "AbC123"
    bad = tracking.hit(at=T, url="https://example.com/", pf_srv=-5)
    assert bad.status_code == 400


def test_excluded_query_parameters_and_fragments(tracking: Tracking) -> None:
    set_site(tracking.engine, excluded_parameters="secret,/^utm_/")
    tracking.ok(at=T, url="https://EXAMPLE.com/p;jsessionid=1;a=2;secret=x;utm_x=1;keep=it's#f")
    action = tracking.actions()[0]
    assert tracking.action_name(action["idaction_url"]) == (
        "example.com/p?a=2&keep=it&#039;s", 1, 2)


def test_product_view_and_custom_variables(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/shirt", _pks="SKU1", _pkn="Shirt",
                _pkc='["Apparel","Shirts"]', _pkp="19.9",
                _cvar='{"1":["plan","gold"],"9":["ignored","x"]}', cvar='{"2":["tab","specs"]}')
    visit, action = _visit_and_last_action(tracking)
    assert tracking.action_name(action["idaction_product_sku"]) == ("SKU1", 5, None)
    assert tracking.action_name(action["idaction_product_name"]) == ("Shirt", 6, None)
    assert tracking.action_name(action["idaction_product_cat2"]) == ("Shirts", 7, None)
    assert action["product_price"] == 19.9
    assert (visit["custom_var_k1"], visit["custom_var_v1"]) == ("plan", "gold")
    assert (action["custom_var_k2"], action["custom_var_v2"]) == ("tab", "specs")


def test_older_hits_invalidate_their_days_archives(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 60, url="https://example.com/b")
    [invalidation] = tracking.rows("archive_invalidation")
    assert invalidation["idsite"] == 1
    assert str(invalidation["date1"]) == str(invalidation["date2"])
    assert invalidation["date1"].isoformat() == to_datetime(T).date().isoformat()
