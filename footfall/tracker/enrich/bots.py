"""Bot detection beyond the user agent: crawler networks (reference §9.6).

device-detector recognises bots by their user agent; search-engine crawlers that
present a browser's user agent are recognised by their network instead, as
Matomo's tracker does. `is_bot_hit` combines both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path

from footfall.tracker.enrich.datafiles import load_yaml, packaged
from footfall.tracker.enrich.device import DeviceInfo
from footfall.tracker.enrich.ip import NetworkSet, ip_matches

_DATA_SAVER_PROXY = "chrome-compression-proxy"


@cache
def _ranges(path: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Google crawler networks, other crawler networks)."""
    document = load_yaml(Path(path) if path else packaged("crawler_ip_ranges.yml")) or {}
    return tuple(document.get("google") or ()), tuple(document.get("others") or ())


@cache
def _networks() -> tuple[NetworkSet, NetworkSet]:
    google, others = _ranges()
    return NetworkSet(google), NetworkSet(others)


def warm_up() -> None:
    _networks()


@lru_cache(maxsize=65_536)
def _crawler_networks_of(ip: str) -> tuple[bool, bool]:
    """(in a Google network, in another crawler network), memoised per address."""
    google, others = _networks()
    return google.matches(ip), others.matches(ip)


def uses_chrome_data_saver(ip: str, headers: Mapping[str, str]) -> bool:
    """A real visitor behind Chrome's data-saver proxy, which runs on Google's networks."""
    via = _header(headers, "via")
    return _DATA_SAVER_PROXY in via.lower() and _crawler_networks_of(ip)[0]


def is_crawler_ip(ip: str, headers: Mapping[str, str] | None = None) -> bool:
    """True when `ip` belongs to a known search-engine crawler network."""
    google, other = _crawler_networks_of(ip)
    if google:  # the data-saver proxy runs there too: only then read the headers
        return headers is None or _DATA_SAVER_PROXY not in _header(headers, "via").lower()
    return other


def is_bot_hit(
    device: DeviceInfo | None,
    ip: str,
    headers: Mapping[str, str] | None = None,
    *,
    extra_networks: Sequence[str] = (),
) -> bool:
    """Matomo's bot exclusion test: a bot user agent, or a crawler's network.

    (The caller keeps the hit anyway when the request says `bots=1`.)
    """
    if device is not None and device.is_bot:
        return True
    return is_crawler_ip(ip, headers) or bool(extra_networks and ip_matches(ip, extra_networks))


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return ""
