"""Tracking compatibility, end to end: hits sent over HTTP to a running server,
then the enrichment columns of log_visit that Matomo would have written
(device, language, location, referrer, campaign, masked IP, bot exclusion)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.tracker.enrich.ip import bytes_to_ip
from tests.tracker.enrich.mmdb_builder import build_city_db
from tests.tracker.support import Tracking, start_tracking

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID_REDUCED = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HOME = "https://example.com/"


@pytest.fixture
def tracked(tmp_path: Path, db_url: str, engine: Engine) -> Iterator[Tracking]:
    """The §12 site on a server configured with a (test-built) GeoIP city database."""
    city = build_city_db(tmp_path / "city.mmdb")
    settings = testing.make_settings(tmp_path / "data", db_url, **{"General.geoip_city_database": str(city)})
    yield from start_tracking(settings, engine)


def only_visit(tracking: Tracking) -> dict:
    [visit] = tracking.visits()
    return visit


def test_desktop_chrome_device_and_language(tracked: Tracking) -> None:
    tracked.ok(url=HOME, headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    visit = only_visit(tracked)
    assert (visit["config_device_type"], visit["config_os"], visit["config_os_version"]) == (0, "WIN", "10")
    assert (visit["config_browser_name"], visit["config_browser_engine"], visit["config_client_type"]) == (
        "CH",
        "Blink",
        1,
    )
    assert visit["location_browser_lang"] == "de-de"


def test_ua_parameter_overrides_the_header(tracked: Tracking) -> None:
    tracked.ok(url=HOME, ua=IPHONE)
    visit = only_visit(tracked)
    assert (
        visit["config_device_type"],
        visit["config_device_brand"],
        visit["config_device_model"],
        visit["config_os"],
        visit["config_browser_name"],
    ) == (1, "AP", "iPhone", "IOS", "MF")


def test_client_hints_from_uadata(tracked: Tracking) -> None:
    uadata = {
        "fullVersionList": [
            {"brand": "Chromium", "version": "124.0.6367.82"},
            {"brand": "Google Chrome", "version": "124.0.6367.82"},
        ],
        "mobile": True,
        "model": "Pixel 8",
        "platform": "Android",
        "platformVersion": "14.0.0",
    }
    tracked.ok(url=HOME, ua=ANDROID_REDUCED, uadata=json.dumps(uadata))
    visit = only_visit(tracked)
    assert (visit["config_os"], visit["config_os_version"], visit["config_device_type"]) == (
        "AND",
        "14.0.0",
        1,
    )
    assert visit["config_browser_name"] == "CM"
    assert visit["config_browser_version"] == "124.0.6367.82"


def test_location_from_the_real_ip_and_masked_storage(tracked: Tracking) -> None:
    tracked.ok(url=HOME, cip="81.2.69.160", token_auth=tracked.token)
    visit = only_visit(tracked)
    assert bytes_to_ip(visit["location_ip"]) == "81.2.0.0"  # default mask: 2 bytes
    assert (visit["location_country"], visit["location_region"], visit["location_city"]) == (
        "gb",
        "ENG",
        "London",
    )
    assert float(visit["location_latitude"]) == pytest.approx(51.5142)


def test_ipv6_location_and_mask(tracked: Tracking) -> None:
    tracked.ok(url=HOME, cip="2001:db8:100:4a3c::7", token_auth=tracked.token)
    visit = only_visit(tracked)
    assert bytes_to_ip(visit["location_ip"]) == "2001:db8:100::"
    assert (visit["location_country"], visit["location_city"]) == ("jp", "Tokyo")


def test_country_from_language_when_the_ip_is_unknown(tracked: Tracking) -> None:
    tracked.ok(url=HOME, cip="192.0.2.10", token_auth=tracked.token, lang="fr-CA,fr")
    visit = only_visit(tracked)
    assert (visit["location_country"], visit["location_city"], visit["location_browser_lang"]) == (
        "ca",
        None,
        "fr-ca",
    )


def test_search_engine_referrer(tracked: Tracking) -> None:
    tracked.ok(url=HOME, urlref="https://www.google.com/search?q=Matomo+Alternative")
    visit = only_visit(tracked)
    assert (visit["referer_type"], visit["referer_name"], visit["referer_keyword"], visit["referer_url"]) == (
        2,
        "Google",
        "matomo alternative",
        "https://www.google.com/search?q=Matomo+Alternative",
    )


def test_social_referrer(tracked: Tracking) -> None:
    tracked.ok(url=HOME, urlref="https://t.co/AbC123")
    visit = only_visit(tracked)
    assert (visit["referer_type"], visit["referer_name"], visit["referer_keyword"]) == (7, "Twitter", "")


def test_campaign_columns(tracked: Tracking) -> None:
    tracked.ok(
        url="https://example.com/landing?mtm_campaign=Spring_Sale&mtm_kwd=Banner"
        "&mtm_source=Newsletter&mtm_medium=Email"
    )
    visit = only_visit(tracked)
    assert (visit["referer_type"], visit["referer_name"], visit["referer_keyword"], visit["referer_url"]) == (
        6,
        "spring_sale",
        "banner",
        "",
    )
    assert (visit["campaign_source"], visit["campaign_medium"]) == ("newsletter", "email")


def test_bots_are_excluded_unless_asked_for(tracked: Tracking) -> None:
    tracked.ok(url=HOME, ua=GOOGLEBOT)
    assert tracked.visits() == []
    tracked.ok(url=HOME, ua=GOOGLEBOT, bots=1)
    assert len(tracked.visits()) == 1


def test_referrer_spam_is_excluded(tracked: Tracking) -> None:
    tracked.ok(url=HOME, urlref="http://semalt.com/page")
    assert tracked.visits() == []


@pytest.fixture
def anonymised_enrichment(tmp_path: Path, db_url: str, engine: Engine) -> Iterator[Tracking]:
    city = build_city_db(tmp_path / "city.mmdb")
    settings = testing.make_settings(
        tmp_path / "data",
        db_url,
        **{
            "General.geoip_city_database": str(city),
            "Tracker.use_anonymized_ip_for_visit_enrichment": 1,
        },
    )
    yield from start_tracking(settings, engine)


def test_enrichment_on_the_masked_ip_when_configured(anonymised_enrichment: Tracking) -> None:
    anonymised_enrichment.ok(url=HOME, cip="81.2.69.160", token_auth=anonymised_enrichment.token, lang="fr")
    visit = only_visit(anonymised_enrichment)
    # 81.2.0.0 is not in the London network: the language decides, no city.
    assert (visit["location_country"], visit["location_city"]) == ("fr", None)


def test_crawler_network_with_a_browser_agent_is_a_bot(tracked: Tracking) -> None:
    tracked.ok(url=HOME, cip="66.249.85.1", token_auth=tracked.token)
    assert tracked.visits() == []


@pytest.fixture
def behind_proxy(tmp_path: Path, db_url: str, engine: Engine) -> Iterator[Tracking]:
    city = build_city_db(tmp_path / "city.mmdb")
    settings = testing.make_settings(
        tmp_path / "data",
        db_url,
        **{
            "General.geoip_city_database": str(city),
            "General.proxy_client_headers": ["HTTP_X_FORWARDED_FOR"],
        },
    )
    yield from start_tracking(settings, engine)


FORWARDED = {"X-Forwarded-For": "203.0.113.50, 81.2.69.160"}


def test_forwarded_ip_is_used_when_configured(behind_proxy: Tracking) -> None:
    behind_proxy.ok(url=HOME, headers=FORWARDED)
    visit = only_visit(behind_proxy)
    assert bytes_to_ip(visit["location_ip"]) == "81.2.0.0"  # the last address of the list
    assert visit["location_city"] == "London"


def test_forwarded_header_is_ignored_unless_configured(tracked: Tracking) -> None:
    tracked.ok(url=HOME, headers=FORWARDED)
    visit = only_visit(tracked)
    assert bytes_to_ip(visit["location_ip"]) == "127.0.0.0"  # the socket peer, masked
    assert visit["location_city"] is None
