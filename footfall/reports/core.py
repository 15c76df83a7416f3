"""The core report families: importing this module registers them all."""

from __future__ import annotations

from footfall.reports import (  # noqa: F401 - imported for their registration
    actions,
    device_plugins,
    devices,
    referrers,
    resolution,
    user_country,
    user_id,
    user_language,
    visit_frequency,
    visit_time,
    visitor_interest,
    visits_summary,
)
