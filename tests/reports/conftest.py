"""Report tests reuse the archive fixtures (services, raw log, sites)."""

from __future__ import annotations

from tests.archive.conftest import make_site, raw, services  # noqa: F401
