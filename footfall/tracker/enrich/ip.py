"""Visitor IP addresses: which one to trust, how to mask it, how to store and match it.

Masking follows Matomo's IP anonymiser (reference §9.1): for IPv4 (and IPv4-mapped
IPv6) the last N bytes are zeroed; for IPv6 N = 1/2/3 keep the first 64/48/24 bits
and N = 4 zeroes the whole address.
"""

from __future__ import annotations

import ipaddress
import socket
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

UNKNOWN_IP = "0.0.0.0"

# Bits of an IPv6 address kept for each mask length (Matomo's IPv6 masks).
_IPV6_KEPT_BITS = {0: 128, 1: 64, 2: 48, 3: 24, 4: 0}


# Hits of a visitor come from one address: parsed addresses are memoised (the
# ipaddress module costs microseconds per parse; a cache hit costs a dict look-up).
@lru_cache(maxsize=65_536)
def parse_ip(ip: str) -> IPAddress | None:
    """The address in `ip`, or None when it is not one (brackets and zone ids tolerated)."""
    text = ip.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_valid_ip(ip: str) -> bool:
    return parse_ip(ip) is not None


@lru_cache(maxsize=65_536)
def mask_ip(ip: str, mask_bytes: int) -> str:
    """`ip` with its last `mask_bytes` (0-4) bytes anonymised, Matomo style.

    An unparseable address is returned as ``0.0.0.0`` so that nothing identifying
    is ever stored by accident.
    """
    if not 0 <= mask_bytes <= 4:
        raise ValueError(f"mask_ip: mask length must be 0-4 bytes, got {mask_bytes}")
    fast = _mask_plain_ipv4(ip, mask_bytes)
    if fast is not None:
        return fast
    address = parse_ip(ip)
    if address is None:
        return UNKNOWN_IP
    if isinstance(address, ipaddress.IPv4Address):
        return str(_mask_ipv4(address, mask_bytes))
    mapped = address.ipv4_mapped
    if mapped is not None:
        return f"::ffff:{_mask_ipv4(mapped, mask_bytes)}"
    kept = _IPV6_KEPT_BITS[mask_bytes]
    network = ipaddress.IPv6Network((int(address), kept), strict=False)
    return str(network.network_address)


def _mask_plain_ipv4(ip: str, mask_bytes: int) -> str | None:
    """The common case (a dotted IPv4 address) without the ipaddress module's cost."""
    if ":" in ip or ip.count(".") != 3:
        return None
    try:
        packed = socket.inet_pton(socket.AF_INET, ip)
    except OSError:
        return None
    kept = packed[: 4 - mask_bytes] + b"\0" * mask_bytes
    return socket.inet_ntop(socket.AF_INET, kept)


def _mask_ipv4(address: ipaddress.IPv4Address, mask_bytes: int) -> ipaddress.IPv4Address:
    network = ipaddress.IPv4Network((int(address), 32 - 8 * mask_bytes), strict=False)
    return network.network_address


@lru_cache(maxsize=65_536)
def ip_to_bytes(ip: str) -> bytes:
    """Binary form for the VARBINARY(16) `location_ip` column: 4 bytes (IPv4) or 16."""
    if ":" not in ip:
        try:
            return socket.inet_pton(socket.AF_INET, ip)
        except OSError:
            pass
    address = parse_ip(ip)
    if address is None:
        raise ValueError(f"ip_to_bytes: not an IP address: {ip!r}")
    return address.packed


def bytes_to_ip(packed: bytes) -> str:
    """Inverse of `ip_to_bytes`."""
    if len(packed) not in (4, 16):
        raise ValueError(f"bytes_to_ip: expected 4 or 16 bytes, got {len(packed)}")
    return str(ipaddress.ip_address(packed))


def client_ip(
    peer: str,
    headers: Mapping[str, str],
    *,
    proxy_client_headers: Sequence[str],
    read_last_in_list: bool = True,
    trusted_proxies: Sequence[str] = (),
) -> str:
    """The visitor's IP: the connection peer, or a configured proxy header.

    Headers are read only when `proxy_client_headers` names them (Matomo's
    `[General] proxy_client_headers[]`), in the configured order; the first one
    present wins. Of a comma-separated list the last address is taken by default
    (`proxy_ip_read_last_in_list = 1`), skipping addresses in `trusted_proxies`
    (Matomo's `proxy_ips[]`). A header carrying no valid address is ignored.
    """
    lowered = {_header_key(name): value for name, value in headers.items()}
    for configured in proxy_client_headers:
        value = lowered.get(_header_key(configured))
        if not value:
            continue
        chosen = _pick_from_list(value, read_last_in_list, trusted_proxies)
        if chosen is not None:
            return chosen
    address = parse_ip(peer)
    return str(address) if address is not None else UNKNOWN_IP


def _header_key(name: str) -> str:
    """Normalise 'HTTP_X_FORWARDED_FOR' (Matomo's ini spelling) and 'X-Forwarded-For'."""
    key = name.strip().lower()
    if key.startswith("http_"):
        key = key[5:]
    return key.replace("_", "-")


def _pick_from_list(value: str, read_last: bool, trusted_proxies: Sequence[str]) -> str | None:
    candidates = [_strip_port(part) for part in value.split(",")]
    addresses = [str(a) for a in map(parse_ip, candidates) if a is not None]
    if read_last:
        addresses.reverse()
    for address in addresses:
        if not (trusted_proxies and ip_matches(address, trusted_proxies)):
            return address
    return None


def _strip_port(part: str) -> str:
    """'1.2.3.4:8080' -> '1.2.3.4', '[::1]:80' -> '::1'; plain IPv6 is left alone."""
    text = part.strip().strip('"')
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def ip_matches(ip: str, patterns: Sequence[str]) -> bool:
    """True when `ip` matches one of `patterns`: exact, `1.2.3.*` wildcards or CIDR."""
    if not patterns:
        return False
    address = parse_ip(ip)
    if address is None:
        return False
    return network_set(tuple(patterns)).contains(address)


class NetworkSet:
    """Many excluded-IP entries (exact, wildcard or CIDR) as sorted integer ranges, so
    that a test costs one binary search instead of one comparison per entry.

    An IPv4-mapped IPv6 address matches the IPv4 entries, as Matomo's matcher does;
    an IPv4 address never matches an IPv6 entry.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        ranges: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
        for pattern in patterns:
            network = _pattern_network(pattern.strip())
            if network is not None:
                first = int(network.network_address)
                ranges[network.version].append((first, first + network.num_addresses - 1))
        self._v4 = _merged(ranges[4])
        self._v6 = _merged(ranges[6])

    def __bool__(self) -> bool:
        return bool(self._v4[0] or self._v6[0])

    def contains(self, address: IPAddress) -> bool:
        if address.version == 4:
            return _in_ranges(self._v4, int(address))
        if _in_ranges(self._v6, int(address)):
            return True
        mapped = address.ipv4_mapped  # type: ignore[union-attr]
        return mapped is not None and _in_ranges(self._v4, int(mapped))

    def matches(self, ip: str) -> bool:
        address = parse_ip(ip)
        return address is not None and self.contains(address)


def _merged(ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, non-overlapping ranges as (starts, ends)."""
    starts: list[int] = []
    ends: list[int] = []
    for first, last in sorted(ranges):
        if ends and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


def _in_ranges(ranges: tuple[list[int], list[int]], value: int) -> bool:
    starts, ends = ranges
    index = bisect_right(starts, value) - 1
    return index >= 0 and value <= ends[index]


@lru_cache(maxsize=1024)
def network_set(patterns: tuple[str, ...]) -> NetworkSet:
    """The NetworkSet of a list of entries (a site's, the global one), built once."""
    return NetworkSet(patterns)


@lru_cache(maxsize=4096)
def _pattern_network(pattern: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A network for one excluded-IP entry, or None if the entry is not understood."""
    if not pattern:
        return None
    if "*" in pattern:
        return _wildcard_network(pattern)
    try:
        return ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        return None


def _wildcard_network(pattern: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """'1.2.*.*' -> 1.2.0.0/16 ; '2001:db8:*' -> 2001:db8::/32 (trailing wildcards only)."""
    separator = ":" if ":" in pattern else "."
    parts = pattern.split(separator)
    fixed = []
    for part in parts:
        if part == "*":
            break
        fixed.append(part)
    if any(part != "*" for part in parts[len(fixed) :]):
        return None
    if separator == ".":
        text = ".".join(fixed + ["0"] * (4 - len(fixed)))
        prefix = 8 * len(fixed)
    else:
        text = ":".join(fixed) + "::"
        prefix = 16 * len(fixed)
    try:
        return ipaddress.ip_network(f"{text}/{prefix}", strict=False)
    except ValueError:
        return None


def stored_and_enrichment_ips(
    ip: str, *, mask_bytes: int, use_anonymized_for_enrichment: bool
) -> tuple[str, str]:
    """(IP to store in location_ip, IP to geolocate with).

    The stored address is always the masked one; geolocation uses the real address
    unless `[Tracker] use_anonymized_ip_for_visit_enrichment` is on (Matomo's
    default is off). Exclusions and config_id always use the real address.
    """
    masked = mask_ip(ip, mask_bytes)
    return masked, masked if use_anonymized_for_enrichment else ip
