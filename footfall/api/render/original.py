"""format=original: PHP's serialize() of the result (Matomo sends it with serialize=1).

PHP callers in Matomo get the object itself; over HTTP the only useful form is
the serialized one, so Footfall always serializes, using the flattened arrays
that the JSON output is made of.
"""

from __future__ import annotations

from typing import Any

from footfall.api.render.arrays import to_array
from footfall.api.render.model import RenderOptions, Success
from footfall.api.render.values import normalise_number

CONTENT_TYPE = "text/plain; charset=utf-8"


def php_serialize(value: Any) -> str:
    """PHP's serialize() for scalars, lists and string-keyed dicts."""
    value = normalise_number(value)
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        return f"d:{value!r};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    items = value.items() if isinstance(value, dict) else enumerate(value)
    body = "".join(php_serialize(_array_key(k)) + php_serialize(v) for k, v in items)
    return f"a:{len(value)}:{{{body}}}"


def _array_key(key: Any) -> Any:
    """PHP turns numeric string keys into integers."""
    if isinstance(key, str) and key.isdecimal() and not (len(key) > 1 and key[0] == "0"):
        return int(key)
    return key


def render(result: Any, options: RenderOptions) -> tuple[str, str]:
    if isinstance(result, Success):
        return php_serialize(True), CONTENT_TYPE
    return php_serialize(to_array(result, options)), CONTENT_TYPE


def render_error(message: str, options: RenderOptions) -> tuple[str, str]:
    return php_serialize({"result": "error", "message": message}), CONTENT_TYPE
