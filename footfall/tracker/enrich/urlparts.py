"""Small URL helpers with PHP's parse_url/urldecode semantics, which Matomo's
referrer rules are written against."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, unquote_plus, unquote_to_bytes, urlsplit

# Matomo's "looks like a URL": an optional scheme, then '//' and something.
_LOOKS_LIKE_URL = re.compile(r"^(?:([a-z][a-z0-9+.-]*)?:)?//(.+)$", re.IGNORECASE | re.DOTALL)
_UNSAFE_SCHEMES = {"javascript", "vbscript", "data"}
PHP_TRIM = " \t\n\r\0\x0b"


def looks_like_url(url: str) -> bool:
    match = _LOOKS_LIKE_URL.match(url)
    return match is not None and (match.group(1) or "").lower() not in _UNSAFE_SCHEMES


def split_url(url: str) -> SplitResult | None:
    """urlsplit that returns None instead of raising on malformed input (bad IPv6 host)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


@lru_cache(maxsize=65_536)
def host_of(url: str) -> str:
    """The host of `url` as written (not lower-cased), '' when there is none."""
    parts = split_url(url)
    if parts is None:
        return ""
    try:
        return parts.hostname or ""
    except ValueError:
        return ""


def query_param(query: str, name: str) -> str | None:
    """Raw (still encoded) value of `name` in `query`; the last occurrence wins, like PHP.

    Returns '' for a present-but-empty parameter and None when it is absent.
    """
    found: str | None = None
    for pair in query.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        if key == name:  # names are compared as written, as Matomo does
            found = value
    return found


def query_params(query: str) -> dict[str, str]:
    """All raw (still encoded) values of a query string by name, as written; the last
    occurrence wins, like PHP."""
    params: dict[str, str] = {}
    for pair in query.split("&"):
        if pair:
            key, _, value = pair.partition("=")
            params[key] = value
    return params


def urldecode(value: str) -> str:
    """PHP urldecode: '+' is a space, invalid UTF-8 is replaced rather than fatal."""
    return unquote_plus(value, errors="replace")


def urldecode_bytes(value: str) -> bytes:
    return unquote_to_bytes(value.replace("+", " "))


def php_trim(value: str) -> str:
    return value.strip(PHP_TRIM)


def remove_query_params(url: str, names: set[str] | frozenset[str]) -> str:
    """`url` without the query parameters in `names` (case-insensitive); the rest untouched."""
    if not names or "?" not in url:
        return url
    head, _, rest = url.partition("?")
    query, hash_mark, fragment = rest.partition("#")
    kept = [pair for pair in query.split("&") if pair and pair.partition("=")[0].lower() not in names]
    rebuilt = head + ("?" + "&".join(kept) if kept else "")
    return rebuilt + (hash_mark + fragment if hash_mark else "")
