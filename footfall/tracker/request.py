"""One tracking hit's parameters, parsed and validated (reference §2), without the database.

`parse_hit` turns a PHP-decoded parameter map into a frozen `TrackingRequest`
or raises `BadRequest` with the reason Matomo would refuse it for. Checks that
need the database (does the site exist, is the token good, is the order id
new) are the HTTP layer's; `privileged_reason` names what needs a token.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from footfall.errors import BadRequest
from footfall.tracker.form import Params

HEX16 = re.compile(r"^[0-9a-fA-F]{16}")
_DIMENSION = re.compile(r"^dimension(\d+)$")
_TWENTY_YEARS = 20 * 365 * 86400
PERFORMANCE_PARAMS = {
    "pf_net": "time_network", "pf_srv": "time_server", "pf_tfr": "time_transfer",
    "pf_dm1": "time_dom_processing", "pf_dm2": "time_dom_completion", "pf_onl": "time_on_load",
}  # fmt: skip
_PF_MAX = 16_777_215
PLUGIN_FLAGS = {
    "fla": "config_flash", "java": "config_java", "qt": "config_quicktime",
    "realp": "config_realplayer", "pdf": "config_pdf", "wma": "config_windowsmedia",
    "ag": "config_silverlight", "cookie": "config_cookie",
}  # fmt: skip
LOCATION_PARAMS = ("country", "region", "city", "lat", "long")
_PRIVILEGED_ORDER = ("cip", *LOCATION_PARAMS)  # as error messages name them
_PRIVILEGED_NAMES = frozenset(_PRIVILEGED_ORDER)
_CONTROL = str.maketrans("", "", "\r\n\0")
_LEADING_INT = re.compile(r"^[ \t\n\r\v\f]*([+-]?[0-9]+)")  # PHP: ASCII digits only
_UNIX_TIME = re.compile(r"\d+(\.\d+)?")


def text(params: Params, name: str, default: str = "") -> str:
    """A scalar parameter; an array where a scalar is expected gives the default."""
    value = params.get(name, default)
    return value if isinstance(value, str) else default


def optional_text(params: Params, name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


def integer(params: Params, name: str, default: int = 0) -> int:
    """PHP (int) cast: leading digits count, anything else is 0."""
    value = params.get(name)
    if not isinstance(value, str):
        return default
    if value.isdigit() and value.isascii() and len(value) < 18:
        return int(value)
    match = _LEADING_INT.match(value)
    if not match:
        return 0
    return max(min(int(match.group(1)), 2**62), -(2**62))


def number(params: Params, name: str) -> float | None:
    """A float parameter (`1.5`, `.5`, `5.`, `1e3`, decimal comma); None if absent/invalid."""
    value = params.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        result = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def clean_url_text(value: str, limit: int) -> str:
    """Trim, drop CR/LF/NUL, cut to `limit` bytes (Matomo's page URL/title cleanup).

    Runs three times per hit: the common cases (absent, no control characters, short
    enough whatever its encoding) skip the translation and the encoding.
    """
    if not value:
        return value
    if "\r" in value or "\n" in value or "\0" in value:
        value = value.translate(_CONTROL)
    cleaned = value.strip()
    if len(cleaned) * 4 <= limit or (len(cleaned) <= limit and cleaned.isascii()):
        return cleaned  # a code point is at most 4 bytes of UTF-8
    encoded = cleaned.encode("utf-8", "replace")
    if len(encoded) > limit:
        cleaned = encoded[:limit].decode("utf-8", "ignore")
    return cleaned


@dataclass(frozen=True)
class TrackingRequest:
    """A validated hit. Free-form parameters stay in `params` for the pipeline."""

    idsite: int
    params: Params = field(repr=False, compare=False)
    received_at: float = 0.0
    time: float = 0.0  # hit time (cdt/cdo applied), UNIX seconds
    custom_time: bool = False
    rec: bool = True
    url: str = ""
    action_name: str = ""
    urlref: str = ""
    visitor_id: bytes | None = None  # _id
    cid: bytes | None = None
    uid: str | None = None
    new_visit: bool = False
    ping: bool = False
    ca: bool = False
    bots: bool = False
    send_image: bool = True
    idgoal: int = -1
    revenue: float | None = None
    ec_id: str | None = None
    cip: str | None = None
    token_auth: str = ""
    dimensions: dict[int, str] = field(default_factory=dict, compare=False)
    performance: dict[str, int] = field(default_factory=dict, compare=False)
    privileged: tuple[str, ...] = ()

    def get(self, name: str, default: str = "") -> str:
        return text(self.params, name, default)

    def get_optional(self, name: str) -> str | None:
        return optional_text(self.params, name)

    def get_int(self, name: str, default: int = 0) -> int:
        return integer(self.params, name, default)

    def get_number(self, name: str) -> float | None:
        return number(self.params, name)

    def get_json(self, name: str) -> Any:
        """A JSON parameter, decoded; None when absent or not valid JSON."""
        raw = self.get(name)
        if not raw:
            return None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None

    @property
    def is_order(self) -> bool:
        return self.idgoal == 0 and bool(self.ec_id)


class CheckedHit(NamedTuple):
    """What the endpoint needs to decide about a hit before acknowledging it (a named
    tuple: one is built per hit on the hot path)."""

    idsite: int
    params: Params
    privileged: tuple[str, ...]
    idgoal: int
    ec_id: str | None
    send_image: bool
    token_auth: str
    ca: bool

    @property
    def is_order(self) -> bool:
        return self.idgoal == 0 and bool(self.ec_id)


def check_hit(params: Params, received_at: float, *,
              custom_time_window: int = 86400) -> CheckedHit:
    """The validation of `parse_hit` alone (cheap): raise BadRequest naming the parameter.

    Runs on every hit before it is acknowledged: the usual hit (a site id of digits,
    no timestamp, event, content, visitor id, timing or privileged parameter) costs a
    few dictionary look-ups; the rest is checked only when present.
    """
    idsite = _idsite(params)
    cdt_old = "cdt" in params and _hit_time(params, received_at, custom_time_window)[2]
    keys = params.keys()
    if not keys.isdisjoint(_EVENT_AND_CONTENT):
        _check_event_and_content(params)
    if "cid" in params:
        _cid(params)
    if not keys.isdisjoint(_PERFORMANCE_NAMES):
        _check_performance(params)
    token = params.get("token_auth", "")
    # tuple.__new__ directly: the named tuple's own __new__ is one more Python call per hit.
    return _new_checked_hit(CheckedHit, (
        idsite, params,
        _privileged(params, cdt_old),
        integer(params, "idgoal", -1) if "idgoal" in params else -1,
        text(params, "ec_id").strip()[:100] or None if "ec_id" in params else None,
        params.get("send_image", "1") != "0",
        token if type(token) is str else "",
        "ca" in params and integer(params, "ca") == 1))


_new_checked_hit = tuple.__new__


def parse_hit(params: Params, *, received_at: float, page_maximum_length: int = 1024,
              custom_time_window: int = 86400) -> TrackingRequest:
    """Validate one hit's parameters; raise BadRequest naming the offending parameter.

    Runs on every queued hit: most parameters are absent, so each is looked up once
    (`in`) before any conversion, and the scans over all names (dimensions, timings)
    are skipped when one search of the joined names says none can match.
    """
    idsite = _idsite(params)
    if "cdt" in params or "cdo" in params:
        hit_time, custom, cdt_old = _hit_time(params, received_at, custom_time_window)
    else:
        hit_time, custom, cdt_old = received_at, False, False
    privileged = _privileged(params, cdt_old)
    _check_event_and_content(params)
    names = "".join(params)
    return _built(
        idsite=idsite,
        params=params,
        received_at=received_at,
        time=hit_time,
        custom_time=custom,
        rec="rec" in params and integer(params, "rec") != 0,
        url=clean_url_text(text(params, "url"), page_maximum_length),
        action_name=clean_url_text(text(params, "action_name"), page_maximum_length),
        urlref=clean_url_text(text(params, "urlref"), 4096),
        visitor_id=_hex_id(text(params, "_id")) if "_id" in params else None,
        cid=_cid(params) if "cid" in params else None,
        uid=_uid(params) if "uid" in params else None,
        new_visit=_flag(params, "new_visit"),
        ping=_flag(params, "ping"),
        ca=_flag(params, "ca"),
        bots=_flag(params, "bots"),
        send_image=text(params, "send_image", "1") != "0",
        idgoal=integer(params, "idgoal", -1) if "idgoal" in params else -1,
        revenue=number(params, "revenue"),
        ec_id=text(params, "ec_id").strip()[:100] or None if "ec_id" in params else None,
        cip=text(params, "cip").strip() or None if "cip" in params else None,
        token_auth=text(params, "token_auth"),
        dimensions=_dimensions(params) if "dimension" in names else {},
        performance=_performance(params) if "pf_" in names else {},
        privileged=privileged,
    )


def _built(**values: Any) -> TrackingRequest:
    """A TrackingRequest from every field, in field order, as its __init__ would leave it.

    A frozen dataclass's __init__ sets each field through object.__setattr__: for 25
    fields that was ~40% of parse_hit. Filling the instance dict at once is the same
    object (tests/tracker/test_request.py compares the two).
    """
    request = object.__new__(TrackingRequest)
    request.__dict__.update(values)
    return request


def _flag(params: Params, name: str) -> bool:
    """A switch sent as 1 (PHP's (int) cast); absent is off."""
    return name in params and integer(params, name) == 1


def _idsite(params: Params) -> int:
    raw = params.get("idsite")
    if type(raw) is str and raw.isdigit() and raw.isascii() and 0 < len(raw) < 11:
        idsite = int(raw)  # the usual id, read without the general (int) cast below
        if 0 < idsite <= 2**31:
            return idsite
    if not isinstance(raw, str) or not raw.strip():
        raise BadRequest("idsite is missing: every hit needs the id of a site")
    idsite = integer(params, "idsite")
    if idsite <= 0 or idsite > 2**31:
        raise BadRequest(f"invalid idsite {raw[:20]!r}: it must be a positive whole number")
    return idsite


def _hex_id(value: str) -> bytes | None:
    match = HEX16.match(value.strip())
    return bytes.fromhex(match.group(0)) if match else None


def _cid(params: Params) -> bytes | None:
    raw = text(params, "cid").strip()
    if not raw:
        return None
    if len(raw) != 16:
        raise BadRequest(f"cid must be exactly 16 characters, got {len(raw)}")
    return _hex_id(raw)  # 16 non-hex characters are silently ignored


def _uid(params: Params) -> str | None:
    value = text(params, "uid").strip()
    return value[:200] if value else None


def _hit_time(params: Params, now: float, window: int) -> tuple[float, bool, bool]:
    """(hit time, whether cdt was used, whether cdt is old enough to need a token)."""
    raw = text(params, "cdt").strip()
    offset = number(params, "cdo") or 0.0
    if not raw:
        return (now - offset if 0 < offset < _TWENTY_YEARS else now), False, False
    when = parse_timestamp(raw)
    if when is None or when > now or when <= now - _TWENTY_YEARS:
        return now, False, False  # invalid or future: silently ignored
    if 0 < offset < _TWENTY_YEARS:
        when -= offset
    return when, True, now - when > window


def parse_timestamp(raw: str) -> float | None:
    """UNIX seconds, or a date/time read as UTC ('2024-05-01 13:45:00', ISO 8601)."""
    try:
        if _UNIX_TIME.fullmatch(raw):
            value = float(raw)
            return value / 1000 if value > 1e11 else value  # milliseconds tolerated
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _privileged(params: Params, cdt_old: bool) -> tuple[str, ...]:
    """Parameters present that need a token with write access (reference §2.8, §2.9)."""
    if not cdt_old and params.keys().isdisjoint(_PRIVILEGED_NAMES):
        return ()  # the common case, in one C-level pass
    names = [name for name in _PRIVILEGED_ORDER
             if name in params and text(params, name).strip()]
    if cdt_old:
        names.append("cdt")
    return tuple(names)


_EVENT_AND_CONTENT_ORDER = ("e_c", "e_a", "c_n")  # the first wrong one is named
_EVENT_AND_CONTENT = frozenset(_EVENT_AND_CONTENT_ORDER)
_PERFORMANCE_NAMES = frozenset(PERFORMANCE_PARAMS)


def _check_event_and_content(params: Params) -> None:
    for name in _EVENT_AND_CONTENT_ORDER:
        if name not in params:
            continue
        value = optional_text(params, name)
        if value is not None and value != "" and not value.strip():
            raise BadRequest(f"{name} must not be only white space")


def _dimensions(params: Params) -> dict[int, str]:
    found: dict[int, str] = {}
    for name, value in params.items():
        match = name[:9] == "dimension" and _DIMENSION.match(name)
        if match and isinstance(value, str):
            found[int(match.group(1))] = value.strip()[:250]
    return found


def _check_performance(params: Params) -> None:
    """Refuse a negative page timing; only a value with a minus sign can be one."""
    for name in PERFORMANCE_PARAMS:
        raw = params.get(name)
        if isinstance(raw, str) and "-" in raw:
            _performance(params)
            return


def _performance(params: Params) -> dict[str, int]:
    timings: dict[str, int] = {}
    for name, column in PERFORMANCE_PARAMS.items():
        raw = params.get(name)
        if not raw or not isinstance(raw, str):
            continue
        value = integer(params, name, -1)
        if value < -1:
            raise BadRequest(f"{name} must not be negative, got {raw[:20]!r}")
        if 0 <= value <= _PF_MAX:
            timings[column] = value
    return timings
