"""Footfall's plugin hooks (pluggy): one function per extension point, one line each.

The core report families are registered through these same hooks
(footfall.reports.core), so a plugin adds a report exactly as the core does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from footfall.reports.registry import Family

PROJECT = "footfall"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def footfall_report_families() -> list[Family]:  # type: ignore[empty-body]
    """Report families (archiving + API methods) this plugin adds."""


@hookspec
def footfall_startup(services: Any) -> None:
    """Called once per process after the services are built (attach background work here)."""
