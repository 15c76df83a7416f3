"""What a running Footfall holds: settings, the database, and background services.

One `Services` is made per process by `app.create_app` and reached by request
handlers as `request.app.state.services`. Background work (the ingest
worker, the archiving scheduler) registers here so that start-up and shutdown
happen in one place, in order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from footfall.config import Settings
from footfall.db.engine import Database

log = logging.getLogger("footfall")


class BackgroundService(Protocol):
    """Something that runs beside the HTTP server for the life of the process."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class Services:
    settings: Settings
    db: Database
    background: list[BackgroundService] = field(default_factory=list)
    # Components other areas attach by name (e.g. "ingest", "device_detector").
    components: dict[str, Any] = field(default_factory=dict)

    async def start(self) -> None:
        for service in self.background:
            log.info("starting %s", service.name)
            await service.start()

    async def stop(self) -> None:
        for service in reversed(self.background):
            log.info("stopping %s", service.name)
            await service.stop()
        self.db.dispose()
