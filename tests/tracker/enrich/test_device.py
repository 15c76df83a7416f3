from __future__ import annotations

import pytest

from footfall.tracker.enrich import device_names as names
from footfall.tracker.enrich.device import (
    DeviceDetector,
    DeviceInfo,
    SqlDeviceCache,
    normalize_client_hints,
)
from footfall.tracker.enrich.device_cache import MemoryLru

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(scope="module")
def detector() -> DeviceDetector:
    built = DeviceDetector()
    built.warm_up()
    return built


def test_desktop_chrome_columns(detector):
    info = detector.detect(CHROME_WINDOWS)
    assert info.columns() == {
        "config_device_type": 0,
        "config_device_brand": "",
        "config_device_model": "",
        "config_os": "WIN",
        "config_os_version": "10",
        "config_browser_name": "CH",
        "config_browser_version": "124.0.0.0",
        "config_browser_engine": "Blink",
        "config_client_type": 1,
    }
    assert not info.is_bot


def test_iphone_brand_is_stored_as_matomo_short_code(detector):
    info = detector.detect(SAFARI_IPHONE)
    assert (info.config_device_type, info.config_device_brand, info.config_device_model) == (
        1,
        "AP",
        "iPhone",
    )
    assert (info.config_os, info.config_browser_name, info.config_browser_engine) == ("IOS", "MF", "WebKit")


def test_bot_is_flagged_and_nothing_else_detected(detector):
    info = detector.detect(GOOGLEBOT)
    assert info.is_bot and info.bot_name == "Googlebot"
    assert (info.config_os, info.config_browser_name, info.config_device_type) == ("BOT", "UNK", None)


def test_empty_agent_is_unknown(detector):
    info = detector.detect("")
    assert (info.config_os, info.config_browser_name, info.config_device_type) == ("UNK", "UNK", None)


def test_memory_cache_parses_each_agent_once():
    fresh = DeviceDetector()
    first = fresh.detect(CHROME_WINDOWS)
    again = fresh.detect(CHROME_WINDOWS)
    assert first == again and fresh.parses == 1


def test_detect_many_deduplicates_and_keeps_order():
    fresh = DeviceDetector()
    results = fresh.detect_many([CHROME_WINDOWS, SAFARI_IPHONE, CHROME_WINDOWS, (GOOGLEBOT, None)])
    assert [r.config_os for r in results] == ["WIN", "IOS", "WIN", "BOT"]
    assert fresh.parses == 3


def test_client_hints_are_part_of_the_cache_key():
    fresh = DeviceDetector()
    agent = (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36"
    )
    plain = fresh.detect(agent)
    hinted = fresh.detect(agent, {"Sec-CH-UA-Model": '"Pixel 8"', "Sec-CH-UA-Platform-Version": '"14.0.0"'})
    assert fresh.parses == 2
    assert plain.config_os_version == "10"
    assert hinted.config_os_version == "14.0.0"


def test_normalize_client_hints_accepts_headers_and_uadata():
    assert normalize_client_hints({"HTTP_SEC_CH_UA_MODEL": '"Pixel"', "Accept": "x"}) == {
        "sec-ch-ua-model": '"Pixel"'
    }
    uadata = {
        "brands": [{"brand": "Chromium", "version": "124"}],
        "mobile": True,
        "platform": "Android",
        "formFactors": ["Mobile"],
        "model": "",
    }
    assert normalize_client_hints(uadata) == {
        "brands": [{"brand": "Chromium", "version": "124"}],
        "mobile": "?1",
        "platform": "Android",
        "sec-ch-ua-form-factors": ["Mobile"],
    }


def test_memory_lru_evicts_least_recently_used():
    lru: MemoryLru[int] = MemoryLru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    assert len(lru) == 2


def test_device_info_json_round_trip():
    info = DeviceInfo(config_device_type=2, config_device_brand="AP", config_os="IPA", is_bot=False)
    assert DeviceInfo.from_json(info.to_json()) == info


def test_persistent_cache_survives_a_restart(engine):
    first = DeviceDetector(cache=SqlDeviceCache(engine))
    expected = first.detect_many([CHROME_WINDOWS, SAFARI_IPHONE])
    assert first.parses == 2
    restarted = DeviceDetector(cache=SqlDeviceCache(engine))
    assert restarted.detect_many([SAFARI_IPHONE, CHROME_WINDOWS]) == expected[::-1]
    assert restarted.parses == 0


def test_persistent_cache_put_is_idempotent(engine):
    cache = SqlDeviceCache(engine)
    cache.put_many({"k1": "{}", "k2": "{}"})
    cache.put_many({"k1": "{}", "k3": "{}"})
    assert set(cache.get_many(["k1", "k2", "k3", "k4"])) == {"k1", "k2", "k3"}


@pytest.mark.parametrize(
    ("function", "code", "name"),
    [
        (names.os_name, "WIN", "Windows"),
        (names.os_name, "W10", "Windows"),  # legacy Matomo code
        (names.os_name, "ZZZ", "Unknown"),
        (names.os_name, "BOT", "Bot"),
        (names.browser_name, "Feedly", "Feedly"),  # a client that is not a browser
        (names.os_family, "UBT", "GNU/Linux"),
        (names.os_family, "AND", "Android"),
        (names.browser_name, "CH", "Chrome"),
        (names.browser_name, "UNK", "Unknown"),
        (names.browser_family, "CM", "Chrome"),
        (names.brand_name, "AP", "Apple"),
        (names.brand_name, "Samsung", "Samsung"),
        (names.brand_name, "", "Unknown"),
        (names.device_type_name, 1, "Smartphone"),
        (names.device_type_name, 5, "TV"),
        (names.device_type_name, None, "Unknown"),
        (names.client_type_name, 1, "Browser"),
        (names.browser_engine_label, "Blink", "Blink (Chrome, Opera)"),
    ],
)
def test_code_to_name_lookups(function, code, name):
    assert function(code) == name


def test_name_to_code_lookups():
    assert names.os_code("Windows") == "WIN"
    assert names.browser_code("Firefox") == "FF"
    assert names.brand_code("Apple") == "AP"
    assert names.device_type_id("Tablet") == 2
    assert names.device_type_id("toaster") is None


def test_parallel_parsing_gives_the_same_answers(detector):
    threaded = DeviceDetector(parse_threads=2)
    try:
        agents = [CHROME_WINDOWS, SAFARI_IPHONE, GOOGLEBOT, CHROME_WINDOWS + " extra"]
        assert threaded.detect_many(agents) == [detector.detect(a) for a in agents]
        assert threaded.parses == 4
    finally:
        threaded.close()


def test_background_warm_up_then_detect():
    fresh = DeviceDetector()
    thread = fresh.start_warm_up()
    assert fresh.start_warm_up() is thread  # one warm-up only
    assert fresh.detect(SAFARI_IPHONE).config_os == "IOS"
    thread.join()
    assert not thread.is_alive()


def test_new_rules_do_not_reuse_old_persistent_results(engine, monkeypatch):
    from footfall.tracker.enrich import device as device_module

    DeviceDetector(cache=SqlDeviceCache(engine)).detect(CHROME_WINDOWS)
    monkeypatch.setattr(device_module, "RULES_VERSION", "device-detector 99; footfall 99")
    upgraded = DeviceDetector(cache=SqlDeviceCache(engine))
    upgraded.detect(CHROME_WINDOWS)
    assert upgraded.parses == 1


class _BrokenCache:
    """A persistent cache whose database is unavailable."""

    def get_many(self, keys):
        raise RuntimeError("database is locked")

    def put_many(self, entries):
        raise RuntimeError("database is locked")


def test_a_failing_persistent_cache_never_fails_detection(caplog):
    flaky = DeviceDetector(cache=_BrokenCache())
    assert flaky.detect(SAFARI_IPHONE).config_os == "IOS"
    assert flaky.parses == 1
    assert "device cache" in caplog.text


@pytest.mark.parametrize(
    "hints",
    [
        {"brands": ["x", 3]},
        {"fullVersionList": [{"brand": None}]},
        {"fullVersionList": [{"version": "1"}]},
        {"platform": {"a": 1}},
        {"brands": "not a list", "mobile": "maybe"},
    ],
)
def test_malformed_client_hints_never_break_detection(detector, hints):
    agent = (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36"
    )
    assert detector.detect(agent, hints).config_os == "AND"


def test_a_parser_failure_falls_back_to_unknown(monkeypatch, caplog):
    from footfall.tracker.enrich import device as device_module

    def broken(user_agent, hints=None):
        raise ValueError("parser bug")

    monkeypatch.setattr(device_module, "parse_agent", broken)
    info = DeviceDetector().detect("Some/1.0", {"Sec-CH-UA-Model": '"X"'})
    assert info == DeviceInfo() and "device detection failed" in caplog.text
