"""One user agent through device-detector, made to answer as Matomo's PHP
DeviceDetector does.

The Python port adds client parsers of its own (antivirus, desktop apps,
generic name/version extraction ...) that the PHP library does not have; Matomo
would report those agents as unknown clients, so only the PHP library's client
parsers run here, in its order. A few device-type rules of the PHP library that
the port skips in some cases (desktop OS => desktop, Chrome on Android =>
smartphone or tablet) are applied afterwards. Bots are reported as bots only,
like the PHP library does when it stops at the bot match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from device_detector import DeviceDetector as _PortDetector
from device_detector.parser import PIM, Browser, FeedReader, Library, MediaPlayer, MobileApp
from device_detector.parser.settings import AVAILABLE_BROWSERS, DESKTOP_OS, MOBILE_ONLY_BROWSERS

from footfall.tracker.enrich.datafiles import load_lines, packaged
from footfall.tracker.enrich.device_names import browser_code, os_code


class _MatomoClients(_PortDetector):
    """The port's detector restricted to the PHP library's client parsers."""

    CLIENT_PARSERS = (FeedReader, MobileApp, MediaPlayer, PIM, Browser, Library)


@dataclass(frozen=True)
class ParsedAgent:
    """The parser's answer, in the PHP library's terms (names, not Matomo codes)."""

    device_type: str = ""
    brand: str = ""
    model: str = ""
    os_code: str = ""
    os_name: str = ""
    os_version: str = ""
    client_type: str = ""
    client_code: str = ""
    client_name: str = ""
    client_version: str = ""
    engine: str = ""
    bot_name: str | None = None


_ANDROID_CHROME = re.compile(r"Chrome/[.0-9]*", re.IGNORECASE)
_MOBILE_WORD = re.compile(r"(?:Mobile|eliboM)", re.IGNORECASE)
_DESKTOP_FAMILIES = set(DESKTOP_OS)


def parse_agent(user_agent: str, hints: dict[str, Any] | None = None) -> ParsedAgent:
    """Parse one agent (no caching here: the caller caches)."""
    detector = _MatomoClients(user_agent, headers=hints or None, check_cache=False).parse()
    details = detector.all_details
    if detector.is_bot():
        return ParsedAgent(bot_name=str(details["bot"].get("name") or "Generic Bot"))
    os_data = details.get("os") or {}
    client = details.get("client") or {}
    client_code = _browser_code(client)
    # The port files some browsers under its own types (CCleaner as antivirus).
    client_type = "browser" if client_code else str(client.get("type") or "")
    is_browser = client_type == "browser"
    parsed = ParsedAgent(
        device_type=str(detector.device_type() or ""),
        brand=detector.device_brand(),
        model=detector.device_model(),
        os_code=os_code(str(os_data.get("name") or "")) or str(os_data.get("short_name") or ""),
        os_name=str(os_data.get("name") or ""),
        os_version=str(os_data.get("version") or ""),
        client_type=client_type,
        client_code=client_code,
        client_name=str(client.get("name") or ""),
        client_version=str(client.get("version") or ""),
        engine=_engine(client.get("engine"), client.get("version")) if is_browser else "",
    )
    return _with_fallback_device_type(parsed, user_agent, str(os_data.get("family") or ""))


def _browser_code(client: dict[str, Any]) -> str:
    """The browser's 2-letter code, '' for other clients.

    The port omits the code for some matches, or files a browser under a type of
    its own, so the code is looked up by name when it is missing.
    """
    code = str(client.get("short_name") or "")
    if code in AVAILABLE_BROWSERS:
        return code
    if client.get("type") not in (None, "", "browser", "av", "generic"):
        return ""
    return browser_code(str(client.get("name") or ""))


def _engine(engine: Any, version: Any) -> str:
    """The port sometimes leaves the engine as its per-version table; resolve it."""
    if isinstance(engine, dict):
        chosen = str(engine.get("default") or "")
        major = _major(version)
        versions = (engine.get("versions") or {}).items()
        for since, name in sorted(versions, key=lambda item: _major(item[0]) or 0):
            if major is not None and major >= (_major(since) or 0):
                chosen = str(name)
        return chosen
    return str(engine or "")


def _major(version: Any) -> int | None:
    match = re.match(r"\d+", str(version or ""))
    return int(match.group(0)) if match else None


def _with_fallback_device_type(parsed: ParsedAgent, user_agent: str, os_family: str) -> ParsedAgent:
    """Device-type rules of the PHP library, applied when the port found no type."""
    if _guessed_app_phone(parsed, user_agent):
        # The port calls every iOS/Android app agent (CFNetwork, ExoPlayer ...) a
        # smartphone even when no device rule matched; the PHP library leaves the
        # type unknown, and so does Matomo.
        return ParsedAgent(**{**parsed.__dict__, "device_type": ""})
    if parsed.device_type:
        return parsed
    device_type = ""
    if os_family == "Android" and _ANDROID_CHROME.search(user_agent):
        device_type = "smartphone" if _MOBILE_WORD.search(user_agent) else "tablet"
    elif os_family in _DESKTOP_FAMILIES and parsed.client_code not in MOBILE_ONLY_BROWSERS:
        device_type = "desktop"
    if not device_type:
        return parsed
    return ParsedAgent(**{**parsed.__dict__, "device_type": device_type})


def _guessed_app_phone(parsed: ParsedAgent, user_agent: str) -> bool:
    return (
        parsed.device_type == "smartphone"
        and not parsed.model
        and parsed.client_type != "browser"
        and "mozilla" not in user_agent.lower()
    )


def warm_up_parser() -> None:
    """Parse a spread of agents so that every rule file is loaded and compiled."""
    for user_agent in load_lines(packaged("warm_up_user_agents.txt")):
        parse_agent(user_agent)
