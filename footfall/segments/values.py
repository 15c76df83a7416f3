"""Segment values as people write them, turned into what the raw log stores.

Matomo maps some values before comparing (reference §4.3): `visitorType==new`
compares visitor_returning with 0, `deviceType==smartphone` with 1,
`browserName==Chrome` with 'CH', `continentCode==eur` with every European
country code. A name that maps to nothing compares with a value no row holds,
so the SQL keeps its shape whatever the value.
"""

from __future__ import annotations

import ipaddress
import json
from functools import cache
from importlib import resources

from footfall.segments.parser import SegmentError
from footfall.tracker.enrich import device_names
from footfall.tracker.urls import _QUERY_ESCAPES  # how the tracker stores a page URL's query

NO_MATCH = -1  # no stored enum takes this value
VISITOR_TYPES = {"new": 0, "returning": 1, "returningCustomer": 2}
REFERRER_TYPES = {"direct": 1, "search": 2, "website": 3, "campaign": 6, "social": 7}
ECOMMERCE_STATUSES = {"none": 0, "ordered": 1, "abandonedCart": 2, "orderedThenAbandonedCart": 3}
_URL_SCHEMES = ("http://", "https://")


def _enum(names: dict[str, int], value: str) -> int | str:
    """A known name, or a number as it is (Matomo accepts the stored ids too)."""
    if value in names:
        return names[value]
    return value if _is_int(value) else NO_MATCH


def _is_int(value: str) -> bool:
    return value.strip().lstrip("-").isdecimal()


def visitor_type(value: str) -> int | str:
    return _enum(VISITOR_TYPES, value)


def referrer_type(value: str) -> int | str:
    return _enum(REFERRER_TYPES, value)


def ecommerce_status(value: str) -> int | str:
    return _enum(ECOMMERCE_STATUSES, value)


def device_type(value: str) -> int | str:
    found = device_names.device_type_id(value)
    if found is not None:
        return found
    return value if _is_int(value) else NO_MATCH


def client_type(value: str) -> int | str:
    return _enum(device_names.CLIENT_TYPE_IDS, value.strip().lower())


def lower(value: str) -> str:
    return value.lower()


def browser_code(value: str) -> str:
    """A browser name to its stored code; an unknown name is Matomo's 'UNK'."""
    return device_names.browser_code(value) or "UNK"


def os_code(value: str) -> str:
    return device_names.os_code(value) or "UNK"


def brand_code(value: str) -> str:
    """Reports label brands by name ('Apple'); the log stores the code ('AP')."""
    if value == device_names.UNKNOWN:
        return ""
    return device_names.brand_code(value) or value


@cache
def _countries_by_continent() -> dict[str, tuple[str, ...]]:
    text = resources.files("footfall").joinpath("data/countries.json").read_text("utf-8")
    found: dict[str, list[str]] = {}
    for country, continent in json.loads(text)["countries"].items():
        found.setdefault(continent, []).append(country)
    return {continent: tuple(sorted(codes)) for continent, codes in found.items()}


def continent_countries(value: str) -> tuple[str, ...]:
    """`continentCode==eur` is every European country code (none for an unknown code)."""
    return _countries_by_continent().get(value.lower(), ("",))


def hex_id(value: str) -> bytes:
    """visitorId / fingerprint: 16 hexadecimal characters to the stored 8 bytes."""
    try:
        found = bytes.fromhex(value)
    except ValueError:
        found = b""
    if len(found) != 8:
        raise SegmentError(f"The segment value '{value}' is not a valid id: "
                           "16 hexadecimal characters are expected.")
    return found


def ip_bytes(value: str) -> bytes:
    """visitIp: dotted or colon form to the stored 4 or 16 bytes."""
    try:
        return ipaddress.ip_address(value.strip()).packed
    except ValueError:
        raise SegmentError(f"The segment value '{value}' is not a valid IP address.") from None


def strip_url_prefix(value: str) -> str:
    """Page URLs are stored without `http(s)://` and `www.`: compare the same way."""
    lowered = value[:12].lower()
    for scheme in _URL_SCHEMES:
        if lowered.startswith(scheme):
            value = value[len(scheme):]
            break
    return value[4:] if value[:4].lower() == "www." else value


def escape_query(url: str) -> str:
    """A page URL as stored: quotes and angle brackets of its query as entities."""
    path, mark, query = url.partition("?")
    return path + mark + query.translate(_QUERY_ESCAPES)
