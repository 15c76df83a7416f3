"""Where demo traffic goes: the bulk tracking endpoint, in this process or over HTTP.

Both targets speak the same bulk protocol (`{"requests": [...], "token_auth": ...}`)
to the same endpoint code: in-process, the application's ASGI callable is
called directly (no socket), so the demo exercises exactly what a client
exercises. Batches are sent one after the other, which keeps every visitor's
hits in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import orjson

from footfall.config import Settings
from footfall.db.engine import Database
from footfall.errors import FootfallError

TIMEOUT = httpx.Timeout(300.0, connect=10.0)
RETRIES = 5
log = logging.getLogger("footfall.demo")


@dataclass(frozen=True)
class BulkOutcome:
    tracked: int
    invalid: int


class BulkTarget:
    """Posts bulk requests to /matomo.php through an httpx client."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client, self.token = client, token

    async def send(self, requests: list[str]) -> BulkOutcome:
        """Post one bulk request; a server error is retried a few times, as Matomo's log
        importer does (a failed bulk stores nothing, so sending it again is safe)."""
        body = orjson.dumps({"requests": requests, "token_auth": self.token})
        for attempt in range(1, RETRIES + 1):
            try:
                response = await self.client.post("/matomo.php", content=body,
                                                  headers={"content-type": "application/json"})
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                if response.status_code == 200:
                    summary = response.json()
                    return BulkOutcome(tracked=int(summary.get("tracked", 0)),
                                       invalid=int(summary.get("invalid", 0)))
                problem = f"HTTP {response.status_code}: {response.text[:300]}"
                if response.status_code < 500:
                    break
            log.warning("demo: bulk request failed (%s), attempt %d of %d", problem, attempt,
                        RETRIES)
            await asyncio.sleep(0.5 * attempt)
        raise FootfallError(f"demo: the tracking endpoint refused a bulk request: {problem}")

    async def drain(self) -> bool:
        """Wait until the server has processed every acknowledged hit into the raw log.

        False when the server has no drain endpoint (e.g. Matomo itself).
        """
        while True:
            response = await self.client.get("/_footfall/ingest/drain",
                                             params={"token_auth": self.token, "timeout": 300})
            if response.status_code != 200:
                return False
            if not response.json().get("pending"):
                return True


@contextlib.asynccontextmanager
async def in_process(settings: Settings, db: Database, token: str) -> AsyncIterator[BulkTarget]:
    """The application in this process, started (tracker worker included) and stopped."""
    from footfall.app import create_app

    app = create_app(_without_scheduled_archiving(settings), db)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0),
                                        raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://footfall.demo",
                                     timeout=TIMEOUT) as client:
            yield BulkTarget(client, token)


def _without_scheduled_archiving(settings: Settings) -> Settings:
    """Archives built while the demo is still loading would only be invalidated again."""
    general = {**settings.values["General"], "scheduled_archiving_interval": 0}
    return dataclasses.replace(settings, values={**settings.values, "General": general})


@contextlib.asynccontextmanager
async def over_http(base_url: str, token: str) -> AsyncIterator[BulkTarget]:
    """A running Footfall (or Matomo) at `base_url`."""
    async with httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=TIMEOUT) as client:
        yield BulkTarget(client, token)
