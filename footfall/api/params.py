"""Request parameters of the Reporting API: merging, PHP array syntax and coercion.

Matomo reads parameters from the query string and the form body, the query
string winning; `name[]=a&name[1]=b` makes a list. Helpers here turn them into
Python values with Matomo's messages when one is missing or malformed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from footfall.errors import BadRequest

Params = dict[str, Any]
_BRACKETS = re.compile(r"^([^\[\]]+)\[([^\[\]]*)\](.*)$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off", "null"}
# Ids are 32-bit signed integers in every engine; larger numbers are junk, not ids.
MAX_ID = 2**31 - 1


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> Params:
    """Collect key/value pairs; `a[]=` and `a[0]=` build lists, `a[k]=` dicts."""
    params: Params = {}
    for key, value in pairs:
        match = _BRACKETS.match(key)
        if not match:
            params[key] = value
            continue
        name, index, rest = match.groups()
        if rest:  # deeper nesting such as visits[0][idsite]: keep as a dict of dicts
            container = params.setdefault(name, {})
            if isinstance(container, dict):
                inner = _BRACKETS.match(f"x{rest}")
                container.setdefault(index, {})[inner.group(2) if inner else rest] = value
            continue
        if index == "" or index.isdecimal():
            current = params.get(name)
            if not isinstance(current, list):
                current = []
                params[name] = current
            current.append(value)
        else:
            current = params.get(name)
            if not isinstance(current, dict):
                current = {}
                params[name] = current
            current[index] = value
    return params


def parse_query(query: str) -> Params:
    return parse_pairs(parse_qsl(query, keep_blank_values=True))


def merge(get: Params, post: Params) -> Params:
    """POST values overridden by GET values of the same name (Matomo's precedence)."""
    return {**post, **get}


def required(params: Mapping[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or value == "" or value == []:
        raise BadRequest(f"Please specify a value for '{name}'.")
    return value


def integer(params: Mapping[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name)
    if value is None or value == "":
        if default is not None:
            return default
        raise BadRequest(f"Please specify a value for '{name}'.")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise BadRequest(f"The parameter '{name}' must be an integer, not '{value}'.") from None
    if abs(number) > MAX_ID:  # no id, count or timestamp we store is this large
        raise BadRequest(f"The parameter '{name}' is out of range: '{value}'.")
    return number


def flag(params: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = params.get(name)
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadRequest(f"The parameter '{name}' must be 0 or 1, not '{value}'.")


def text(params: Mapping[str, Any], name: str, default: str = "") -> str:
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, (list, dict)):
        raise BadRequest(f"The parameter '{name}' must be a single value.")
    return str(value)


def text_list(params: Mapping[str, Any], name: str) -> list[str]:
    """A list given as `name[]=a&name[]=b` or as a comma-separated `name=a,b`."""
    value = params.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v) != ""]
    if isinstance(value, dict):
        return [str(v) for v in value.values()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def site_ids(value: Any) -> list[int]:
    """idSite=1,3,7: positive integers in order, duplicates and junk dropped (as Matomo)."""
    raw = value if isinstance(value, list) else str(value).split(",")
    found: list[int] = []
    for part in raw:
        part = str(part).strip()
        if part.isdecimal() and 0 < int(part) <= MAX_ID and int(part) not in found:
            found.append(int(part))
    return found
