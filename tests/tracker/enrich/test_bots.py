from __future__ import annotations

import pytest

from footfall.tracker.enrich.bots import is_bot_hit, is_crawler_ip, uses_chrome_data_saver
from footfall.tracker.enrich.device import DeviceInfo

BROWSER = DeviceInfo(config_os="WIN", config_browser_name="CH", config_device_type=0)
BOT = DeviceInfo(is_bot=True, bot_name="Googlebot")


@pytest.mark.parametrize(
    ("ip", "crawler"),
    [
        ("66.249.85.1", True),  # Google
        ("157.55.39.10", True),  # Bing
        ("72.30.198.5", True),  # Yahoo
        ("1.202.218.8", True),
        ("1.202.218.9", False),
        ("81.2.69.160", False),
        ("2001:db8::1", False),
        ("garbage", False),
    ],
)
def test_crawler_networks(ip, crawler):
    assert is_crawler_ip(ip) is crawler


def test_chrome_data_saver_is_a_real_visitor():
    via = {"Via": "1.1 Chrome-Compression-Proxy"}
    assert uses_chrome_data_saver("66.249.80.5", via)
    assert not is_crawler_ip("66.249.80.5", via)
    # the proxy header does not whitelist other crawler networks
    assert is_crawler_ip("157.55.39.10", via)


def test_bot_hit_combines_agent_and_network():
    assert is_bot_hit(BOT, "81.2.69.160")
    assert is_bot_hit(BROWSER, "66.249.85.1")
    assert not is_bot_hit(BROWSER, "81.2.69.160")
    assert not is_bot_hit(None, "81.2.69.160", {})
    assert is_bot_hit(BROWSER, "10.9.8.7", extra_networks=["10.0.0.0/8"])
