"""format=json: PHP json_encode output of the flattened result (slashes and non-ASCII escaped)."""

from __future__ import annotations

import json
import re
from typing import Any

from footfall.api.render.arrays import to_array
from footfall.api.render.model import RenderOptions

CONTENT_TYPE = "application/json; charset=utf-8"
JSONP_CONTENT_TYPE = "application/javascript; charset=utf-8"
_CALLBACK = re.compile(r"^[0-9a-zA-Z_.]*$")


def encode(value: Any) -> str:
    """json_encode with PHP's defaults: compact, \\uXXXX escapes, and '/' escaped as '\\/'.

    `value` comes from `to_array`, which already decoded entities and integral floats.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/")


def jsonp_callback(options: RenderOptions) -> str | None:
    """The JSONP function name, when one is given and safe (else Matomo ignores it)."""
    callback = options.callback
    if callback is not None and _CALLBACK.match(callback):
        return callback
    return None


def _wrap(text: str, options: RenderOptions) -> tuple[str, str]:
    callback = jsonp_callback(options)
    if callback is not None:
        return f"{callback}({text})", JSONP_CONTENT_TYPE
    return text, CONTENT_TYPE


def render(result: Any, options: RenderOptions) -> tuple[str, str]:
    """The body and content type for a result."""
    value = to_array(result, options)
    if not isinstance(value, (dict, list)):
        value = {"value": value}
    return _wrap(encode(value), options)


def render_error(message: str, options: RenderOptions) -> tuple[str, str]:
    flat = message.replace("\r\n", " ").replace("\n", " ")
    return _wrap(encode({"result": "error", "message": flat}), options)
