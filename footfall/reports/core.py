"""The core report families: importing this module registers them all."""

from __future__ import annotations

from footfall.reports import visits_summary  # noqa: F401
