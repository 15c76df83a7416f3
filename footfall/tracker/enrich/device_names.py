"""Names behind the short codes stored in log_visit (config_os 'WIN', config_browser_name
'CH', config_device_brand 'AP', config_device_type 1 ...), for reports.

The tables are device-detector's own, so codes and names stay those of Matomo's
DeviceDetector.
"""

from __future__ import annotations

from functools import cache

from device_detector.parser.device.base import DEVICE_BRANDS
from device_detector.parser.settings import (
    AVAILABLE_BROWSERS,
    BROWSER_FAMILIES,
    OPERATING_SYSTEMS,
    OS_FAMILIES,
)

UNKNOWN = "Unknown"
BOT = "BOT"  # config_os of recorded bots

# config_device_type ids, as Matomo's DeviceDetector numbers them.
DEVICE_TYPE_IDS: dict[str, int] = {
    "desktop": 0,
    "smartphone": 1,
    "tablet": 2,
    "feature phone": 3,
    "console": 4,
    "tv": 5,
    "car browser": 6,
    "smart display": 7,
    "camera": 8,
    "portable media player": 9,
    "phablet": 10,
    "smart speaker": 11,
    "wearable": 12,
    "peripheral": 13,
}
DEVICE_TYPE_NAMES = {
    "desktop": "Desktop",
    "smartphone": "Smartphone",
    "tablet": "Tablet",
    "feature phone": "Feature phone",
    "console": "Console",
    "tv": "TV",
    "car browser": "Car browser",
    "smart display": "Smart display",
    "camera": "Camera",
    "portable media player": "Portable media player",
    "phablet": "Phablet",
    "smart speaker": "Smart speaker",
    "wearable": "Wearable",
    "peripheral": "Peripheral",
}

# config_client_type ids (Matomo's DevicesDetection client type mapping).
CLIENT_TYPE_IDS: dict[str, int] = {
    "browser": 1,
    "library": 2,
    "feed reader": 3,
    "mediaplayer": 4,
    "mobile app": 5,
    "pim": 6,
}
CLIENT_TYPE_NAMES = {
    1: "Browser",
    2: "Library",
    3: "Feed reader",
    4: "Media player",
    5: "Mobile app",
    6: "PIM",
}

# OS codes written by old Matomo versions, mapped to today's (Matomo does the same);
# only used for codes that the current tables no longer know.
LEGACY_OS_CODES = {
    "IPA": "IOS", "IPH": "IOS", "IPD": "IOS", "WIU": "WII", "3DS": "NDS", "DSI": "NDS",
    "PSV": "PSP", "MAE": "SMG", "W10": "WIN", "W2K": "WIN", "W31": "WIN", "WI7": "WIN",
    "WI8": "WIN", "W81": "WIN", "W95": "WIN", "W98": "WIN", "WME": "WIN", "WNT": "WIN",
    "WS3": "WIN", "WVI": "WIN", "WXP": "WIN",
}  # fmt: skip

# Display names of engines, as Matomo's browser-engine report shows them.
ENGINE_LABELS = {
    "Trident": "Trident (IE)",
    "Gecko": "Gecko (Firefox)",
    "KHTML": "KHTML (Konqueror)",
    "Presto": "Presto (Opera)",
    "WebKit": "WebKit (Safari, Chrome)",
    "Blink": "Blink (Chrome, Opera)",
}


@cache
def _os_family_by_code() -> dict[str, str]:
    return {code: family for family, codes in OS_FAMILIES.items() for code in codes}


@cache
def _browser_family_by_code() -> dict[str, str]:
    return {code: family for family, codes in BROWSER_FAMILIES.items() for code in codes}


@cache
def _os_code_by_name() -> dict[str, str]:
    return {name.lower(): code for code, name in OPERATING_SYSTEMS.items()}


@cache
def _browser_code_by_name() -> dict[str, str]:
    """Browser names, lower-cased, also without spaces ('avastsecurebrowser')."""
    codes = {name.lower().replace(" ", ""): code for code, name in AVAILABLE_BROWSERS.items()}
    codes.update({name.lower(): code for code, name in AVAILABLE_BROWSERS.items()})
    return codes


@cache
def _brand_code_by_name() -> dict[str, str]:
    return {name.lower(): code for code, name in DEVICE_BRANDS.items()}


def _current_os_code(code: str) -> str:
    return code if code in OPERATING_SYSTEMS else LEGACY_OS_CODES.get(code, code)


def os_name(code: str | None) -> str:
    """'WIN' -> 'Windows', 'BOT' -> 'Bot'; unknown codes -> 'Unknown'."""
    if not code:
        return UNKNOWN
    if code == BOT:
        return "Bot"
    return OPERATING_SYSTEMS.get(_current_os_code(code), UNKNOWN)


def os_family(code: str | None) -> str:
    """'WIN' -> 'Windows', 'UBT' -> 'GNU/Linux', 'BOT' -> 'Bot'; 'Unknown' when none."""
    if not code:
        return UNKNOWN
    if code == BOT:
        return "Bot"
    return _os_family_by_code().get(_current_os_code(code), UNKNOWN)


def os_code(name: str) -> str:
    """'Windows' -> 'WIN'; '' when the name is unknown."""
    return _os_code_by_name().get(name.lower(), "")


def browser_name(code: str | None) -> str:
    """'CH' -> 'Chrome'; a stored client name ('Feedly') as it is; 'UNK' -> 'Unknown'."""
    if not code or code == "UNK":
        return UNKNOWN
    if code in AVAILABLE_BROWSERS:
        return AVAILABLE_BROWSERS[code]
    return code if len(code) > 2 else UNKNOWN


def browser_family(code: str | None) -> str:
    """'CM' (Chrome Mobile) -> 'Chrome'; browsers outside a family -> 'Unknown'."""
    if not code:
        return UNKNOWN
    return _browser_family_by_code().get(code, UNKNOWN)


def browser_code(name: str) -> str:
    """'Chrome' -> 'CH'; '' when unknown."""
    lowered = name.lower()
    codes = _browser_code_by_name()
    return codes.get(lowered) or codes.get(lowered.replace(" ", ""), "")


def browser_engine_label(engine: str | None) -> str:
    """'Blink' -> 'Blink (Chrome, Opera)'; '' -> 'Unknown'."""
    if not engine:
        return UNKNOWN
    return ENGINE_LABELS.get(engine, engine)


def device_type_name(type_id: int | None) -> str:
    """1 -> 'Smartphone'; None or unknown ids -> 'Unknown'."""
    for key, value in DEVICE_TYPE_IDS.items():
        if value == type_id:
            return DEVICE_TYPE_NAMES[key]
    return UNKNOWN


def device_type_id(name: str) -> int | None:
    """'smartphone' (any case) -> 1; None when unknown (the `deviceType` segment uses it)."""
    return DEVICE_TYPE_IDS.get(name.strip().lower())


def client_type_name(type_id: int | None) -> str:
    return CLIENT_TYPE_NAMES.get(type_id, UNKNOWN) if type_id is not None else UNKNOWN


def brand_name(code_or_name: str | None) -> str:
    """'AP' -> 'Apple'; a full brand name is returned as known; '' -> 'Unknown'."""
    if not code_or_name:
        return UNKNOWN
    if code_or_name in DEVICE_BRANDS:
        return DEVICE_BRANDS[code_or_name]
    code = _brand_code_by_name().get(code_or_name.lower())
    return DEVICE_BRANDS[code] if code else UNKNOWN


def brand_code(name: str) -> str:
    """'Apple' -> 'AP' (what Matomo stores in config_device_brand); '' when unknown."""
    if not name:
        return ""
    if name in DEVICE_BRANDS:
        return name
    return _brand_code_by_name().get(name.lower(), "")
