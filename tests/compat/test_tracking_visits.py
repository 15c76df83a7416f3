"""Tracking compatibility: visit recognition (reference §3 and §12 vectors 1-10, 18, 19).

Each test is a sequence of real HTTP requests to a running server, then the
raw-log rows Matomo would have written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from footfall.config import Settings
from tests.tracker.support import (
    FIREFOX,
    VISITOR,
    Tracking,
    day_start,
    set_site,
    start_tracking,
)

T = day_start(2) + 10 * 3600  # 10:00 UTC two days ago; hits carry cdt and a token


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


def test_notice_without_parameters_and_400_without_idsite(tracking: Tracking) -> None:
    notice = tracking.server.client.get(tracking.server.url("/matomo.php"))
    assert notice.status_code == 200
    assert notice.text.startswith("This resource is part of Matomo.")
    missing = tracking.server.client.get(tracking.server.url("/matomo.php?rec=1"))
    assert missing.status_code == 400
    assert "idsite" in missing.headers["x-footfall-reason"]
    unknown = tracking.hit(idsite=999, url="https://example.com/")
    assert unknown.status_code == 400
    assert tracking.visits() == []


def test_first_pageview_starts_a_visit(tracking: Tracking) -> None:
    response = tracking.ok(at=T, action_name="Pricing",
                           url="https://www.example.com/pricing?ref=nav&PHPSESSID=abc#plans")
    assert response.headers["content-type"] == "image/gif" and len(response.content) == 43
    [visit] = tracking.visits()
    assert visit["idvisitor"] == bytes.fromhex(VISITOR)
    assert (visit["profilable"], visit["visitor_returning"], visit["visitor_count_visits"]) == (
        1, 0, 1)
    assert (visit["visit_total_actions"], visit["visit_total_interactions"]) == (1, 1)
    assert (visit["referer_type"], visit["referer_name"], visit["referer_keyword"],
            visit["referer_url"]) == (1, None, None, "")
    [action] = tracking.actions()
    assert tracking.action_name(action["idaction_url"]) == ("example.com/pricing?ref=nav", 1, 3)
    assert tracking.action_name(action["idaction_name"]) == ("Pricing", 4, None)
    url_row = tracking.rows("log_action", idaction=action["idaction_url"])[0]
    assert url_row["hash"] == 1967023229
    assert (action["idaction_url_ref"], action["time_spent_ref_action"],
            action["pageview_position"]) == (0, 0, 1)


def test_second_pageview_continues_the_visit(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://www.example.com/pricing", action_name="Pricing")
    tracking.ok(at=T + 600, url="https://www.example.com/docs/", action_name="Docs",
                urlref="https://www.example.com/pricing", send_image=0)
    [visit] = tracking.visits()
    first, second = tracking.actions()
    assert (visit["visit_total_actions"], visit["visit_total_time"]) == (2, 601)
    assert visit["visit_exit_idaction_url"] == second["idaction_url"]
    assert visit["visit_entry_idaction_url"] == first["idaction_url"]
    assert visit["referer_type"] == 1  # own site is a direct entry
    assert (second["time_spent_ref_action"], second["pageview_position"]) == (600, 2)
    assert (second["idaction_url_ref"], second["idaction_name_ref"]) == (
        first["idaction_url"], first["idaction_name"])


def test_thirty_minutes_idle_starts_a_returning_visit(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/a")
    tracking.ok(at=T + 600, url="https://example.com/b")
    tracking.ok(at=T + 2400, url="https://example.com/")  # exactly 1800 s after the last
    first, second = tracking.visits()
    assert second["idvisitor"] == first["idvisitor"]
    assert (second["visitor_returning"], second["visitor_count_visits"],
            second["visitor_seconds_since_last"]) == (1, 2, 2400)


def test_new_visit_parameter_forces_a_visit(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/a")
    tracking.ok(at=T + 60, url="https://example.com/b", new_visit=1)
    tracking.ok(at=T + 120, url="https://example.com/c", new_visit=1)
    visits = tracking.visits()
    assert [v["visitor_count_visits"] for v in visits] == [1, 2, 3]


def test_midnight_in_utc_starts_a_visit(tracking: Tracking) -> None:
    midnight = day_start(1)
    tracking.ok(at=midnight - 300, url="https://example.com/a")
    tracking.ok(at=midnight + 300, url="https://example.com/b")
    assert len(tracking.visits()) == 2


@pytest.fixture
def tokyo(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine, timezone="Asia/Tokyo")


def test_midnight_in_the_site_timezone_not_utc(tokyo: Tracking) -> None:
    boundary = day_start(2) + 15 * 3600  # 00:00 in Tokyo
    tokyo.ok(at=day_start(2) - 300, url="https://example.com/a")  # 08:55 Tokyo
    tokyo.ok(at=day_start(2) + 300, url="https://example.com/b")  # UTC midnight: same visit
    tokyo.ok(at=boundary - 600, url="https://example.com/c")
    tokyo.ok(at=boundary + 300, url="https://example.com/d")  # Tokyo midnight: new visit
    visits = tokyo.visits()
    assert [v["visit_total_actions"] for v in visits] == [2, 1, 1]


def test_campaign_then_other_campaign_starts_a_visit(tracking: Tracking) -> None:
    tracking.ok(at=T, visitor="1111111111111111",
                url="https://example.com/landing?mtm_campaign=Spring_Sale&mtm_kwd=Banner")
    tracking.ok(at=T + 300, visitor="1111111111111111",
                url="https://example.com/?utm_campaign=Summer&utm_source=news")
    first, second = tracking.visits()
    assert (first["referer_type"], first["referer_name"], first["referer_keyword"],
            first["referer_url"]) == (6, "spring_sale", "banner", "")
    assert (second["referer_type"], second["referer_name"], second["referer_keyword"]) == (
        6, "summer", "")
    landing = tracking.actions()[0]
    assert tracking.action_name(landing["idaction_url"]) == ("example.com/landing", 1, 2)


def test_direct_visit_adopts_a_later_campaign(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 300, url="https://example.com/?utm_campaign=Summer")
    [visit] = tracking.visits()
    assert (visit["referer_type"], visit["referer_name"]) == (6, "summer")


def test_search_engine_referrer(tracking: Tracking) -> None:
    tracking.ok(at=T, visitor="4444444444444444", url="https://example.com/",
                urlref="https://www.google.com/search?q=Matomo+Alternative")
    tracking.ok(at=T, visitor="5555555555555555", url="https://example.com/",
                urlref="https://www.google.com/", headers={"User-Agent": FIREFOX})
    first, second = tracking.visits()
    assert (first["referer_type"], first["referer_name"], first["referer_keyword"],
            first["referer_url"]) == (2, "Google", "matomo alternative",
                                      "https://www.google.com/search?q=Matomo+Alternative")
    assert (second["referer_type"], second["referer_name"], second["referer_keyword"]) == (
        2, "Google", None)


def test_website_social_and_own_site_referrers(tracking: Tracking) -> None:
    cases = [("https://blog.other.org/post/1", "https://example.com/", (3, "blog.other.org")),
             ("https://t.co/AbC123", "https://example.com/", (7, "Twitter")),
             ("https://www.example.com/x", "https://example.com/", (1, None)),
             ("https://blog.other.org/", "https://example.com/?ignore_referrer=1", (1, None))]
    for number, (referrer, url, _) in enumerate(cases):
        tracking.ok(at=T + number, url=url, urlref=referrer, new_visit=1)
    visits = tracking.visits()
    assert [(v["referer_type"], v["referer_name"]) for v in visits] == [c[2] for c in cases]
    last_action = tracking.actions()[-1]
    assert tracking.action_name(last_action["idaction_url"]) == ("example.com/", 1, 2)


def test_ping_extends_the_visit_without_an_action(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/a")
    tracking.ok(at=T + 600, ping=1, url="https://example.com/a")
    [visit] = tracking.visits()
    assert len(tracking.actions()) == 1
    assert visit["visit_total_time"] == 601
    assert visit["visit_last_action_time"] == visit["visit_first_action_time"]
    tracking.ok(at=T + 600 + 1860, ping=1)  # 31 min after the last action: nothing stored
    assert len(tracking.visits()) == 1 and len(tracking.actions()) == 1


def test_user_id_links_the_anonymous_visit_then_changes_visit(tracking: Tracking) -> None:
    tracking.ok(at=T, visitor="2222222222222222", url="https://example.com/a")
    tracking.ok(at=T + 60, visitor="2222222222222222", url="https://example.com/b",
                uid="alice@example.com")
    [visit] = tracking.visits()
    assert visit["user_id"] == "alice@example.com"
    assert visit["idvisitor"].hex() == "fc2398a73dd54d62"
    tracking.ok(at=T + 120, visitor="2222222222222222", url="https://example.com/c",
                uid="bob@example.com")
    first, second = tracking.visits()
    assert second["user_id"] == "bob@example.com" and second["idvisit"] != first["idvisit"]


def test_fingerprint_recognises_visitors_without_cookies(tracking: Tracking) -> None:
    tracking.ok(at=T, visitor=None, url="https://example.com/a")
    tracking.ok(at=T + 60, visitor=None, url="https://example.com/b")
    tracking.ok(at=T + 90, visitor=None, url="https://example.com/c",
                headers={"User-Agent": FIREFOX})
    first, second = tracking.visits()
    assert first["visit_total_actions"] == 2 and second["visit_total_actions"] == 1
    assert first["profilable"] == 0 and first["config_id"] != second["config_id"]
    assert first["config_browser_name"] == "CH" and second["config_browser_name"] == "FF"


def test_excluded_ip_is_acknowledged_but_not_stored(tracking: Tracking) -> None:
    set_site(tracking.engine, excluded_ips="10.0.0.0/8,127.0.0.1")
    response = tracking.hit(url="https://example.com/")
    assert response.status_code == 200
    tracking.ok(url="https://example.com/", cip="192.0.2.1", token_auth=tracking.token)
    [visit] = tracking.visits()
    assert visit["location_ip"] == bytes([192, 0, 0, 0])


def test_bots_missing_rec_and_do_not_track_are_excluded(tracking: Tracking) -> None:
    googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    assert tracking.hit(url="https://example.com/", headers={"User-Agent": googlebot}
                        ).status_code == 200
    assert tracking.hit(url="https://example.com/", rec=0).status_code == 200
    assert tracking.visits() == []
    tracking.ok(url="https://example.com/", bots=1, ua=googlebot)
    [visit] = tracking.visits()
    assert visit["config_os"] == "BOT" or visit["config_browser_name"] == "UNK"
