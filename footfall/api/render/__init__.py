"""Renderers, one module per format; `render_result` and `render_error` pick one.

Every renderer takes the result model (render/model.py) and returns the body
and its content type, byte-compatible in shape with Matomo's output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from footfall.api.render import csv, html, json, original, rss, xml
from footfall.api.render.model import RenderOptions
from footfall.errors import BadRequest

Body = str | bytes
FORMATS = ("console", "csv", "html", "json", "original", "rss", "tsv", "xml")

_RENDERERS: dict[str, Callable[[Any, RenderOptions], tuple[Body, str]]] = {
    "json": json.render,
    "xml": xml.render,
    "csv": lambda result, options: csv.render(result, options, ","),
    "tsv": lambda result, options: csv.render(result, options, "\t"),
    "html": html.render,
    "rss": rss.render,
    "original": original.render,
    "console": lambda result, options: (str(json.render(result, options)[0]),
                                        "text/plain; charset=utf-8"),
}
_ERROR_RENDERERS: dict[str, Callable[[str, RenderOptions], tuple[str, str]]] = {
    "json": json.render_error,
    "xml": xml.render_error,
    "csv": csv.render_error,
    "tsv": csv.render_error,
    "html": html.render_error,
    "rss": rss.render_error,
    "original": original.render_error,
    "console": lambda message, options: (message, "text/plain; charset=utf-8"),
}


class InvalidFormat(BadRequest):
    """format= names no renderer; Matomo answers in plain text."""

    status_code = 200


def check_format(name: str) -> str:
    fmt = name.strip().lower()
    if fmt not in _RENDERERS:
        raise InvalidFormat(f"Renderer format '{name}' not valid. Try any of the following "
                            f"instead: {', '.join(FORMATS)}.")
    return fmt


def render_result(result: Any, fmt: str, options: RenderOptions) -> tuple[Body, str]:
    return _RENDERERS[fmt](result, options)


def render_error(message: str, fmt: str, options: RenderOptions) -> tuple[str, str]:
    return _ERROR_RENDERERS[fmt](message, options)
