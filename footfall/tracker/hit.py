"""The hit as it travels through the pipeline: the parsed request plus what each
step adds (device, location, referrer, visitor ids, action, the visit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from footfall.sites import Site
from footfall.tracker.request import TrackingRequest

if TYPE_CHECKING:
    from footfall.tracker.actions import Action
    from footfall.tracker.enrich.referrer import ReferrerInfo
    from footfall.tracker.visits import Visit


@dataclass(slots=True)
class Hit:
    """One hit in the pipeline. `request` never changes; the other fields are filled by steps."""

    request: TrackingRequest
    site: Site
    ip: str
    headers: dict[str, Any]
    time: float
    server_time: datetime
    user_agent: str = ""
    accept_language: str = ""
    device: Any = None  # enrich.device.DeviceInfo
    visit_columns: dict[str, Any] = field(default_factory=dict)  # device, flags, location...
    browser_lang: str = ""
    location_ip: bytes = b""
    config_id: bytes = b""
    visitor_id: bytes | None = None  # uid hash, cid or _id (reference §3.1)
    uid: str | None = None
    action: Action | None = None
    referrer_of: Callable[[Any], ReferrerInfo] | None = None  # classify against a visit
    visit_dimensions: dict[str, str] = field(default_factory=dict)
    action_dimensions: dict[str, str] = field(default_factory=dict)
    visit: Visit | None = None
    is_new_visit: bool = False
    pending_action: Any = None  # writer.PendingAction of the hit's action row
    action_row: dict[str, Any] | None = None
    matched_goals: list[Any] | None = None  # site_config.Goal, when the action was written

    idsite: int = 0  # the request's, set by __post_init__

    def __post_init__(self) -> None:
        self.idsite = self.request.idsite
