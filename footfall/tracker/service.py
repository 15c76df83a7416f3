"""The tracker's part of a running Footfall: caches, the group committer and the
pipeline worker, registered in `Services` as the "tracker" component and as a
background service (start-up warm-up, orderly shutdown)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from footfall.auth.users import has_access
from footfall.services import Services
from footfall.tracker.actions import DEFAULT_SEARCH_PARAMS, has_custom_action
from footfall.tracker.commit_process import ProcessCommitter
from footfall.tracker.consumer import pipeline_in_separate_process
from footfall.tracker.enrich.ip import client_ip
from footfall.tracker.queue import GroupCommitter, QueueStore, last_queued_id, pending_up_to
from footfall.tracker.registry import GoalCache, SiteCache, TokenCache
from footfall.tracker.request import CheckedHit, check_hit
from footfall.tracker.responses import DEFAULT_IMAGES, ImageAnswers, custom_image, image_answers
from footfall.tracker.worker import LEASE_MS, IngestWorker

log = logging.getLogger("footfall.tracker")
COMPONENT = "tracker"


class TrackerService:
    """Everything the tracking endpoint needs, built once per process."""

    name = "tracker"

    def __init__(self, services: Services) -> None:
        settings = services.settings
        self.settings = settings
        self.engine = services.db.writer
        tracker = settings.values["Tracker"]
        self.max_body = int(tracker["max_request_body_bytes"])
        self.require_auth = bool(tracker["tracking_requests_require_authentication"])
        self.bulk_require_auth = bool(tracker["bulk_requests_require_authentication"])
        self.record_statistics = bool(tracker["record_statistics"])
        self.debug = bool(tracker.get("debug"))
        self.debug_on_demand = bool(tracker.get("debug_on_demand"))
        self.page_maximum_length = int(tracker["page_maximum_length"])
        self.custom_time_window = int(
            tracker["tracking_requests_require_authentication_when_custom_timestamp_newer_than"])
        # check(params, now): a hit's validation before it is acknowledged (a partial:
        # no Python frame of its own on the hot path).
        self.check: Callable[[Any, float], CheckedHit] = functools.partial(
            check_hit, custom_time_window=self.custom_time_window)
        self.ignore_cookie = (str(tracker["ignore_visits_cookie_name"]) + "=").encode()
        self.images = _images(str(tracker.get("custom_image") or ""), settings.data_dir)
        general = settings.values["General"]
        self.cors_domains = list(general["cors_domains"])
        self.proxy_headers = list(general["proxy_client_headers"])
        self.proxy_read_last = bool(general["proxy_ip_read_last_in_list"])
        self.sites = SiteCache(self.engine, ttl=float(tracker["tracker_cache_file_ttl"]))
        self.tokens = TokenCache(self.engine)
        self.goals = GoalCache(self.engine)
        sqlite_synchronous = settings.get_str("database", "sqlite_synchronous")
        self.store = QueueStore(self.engine, settings.database_url,
                                sqlite_synchronous=sqlite_synchronous)
        max_batch = int(tracker["group_commit_max_batch"])
        max_wait_ms = int(tracker["group_commit_max_wait_ms"])
        # Under `footfall serve` the commits run in a child process (commit_process.py).
        self.committer: GroupCommitter | ProcessCommitter = ProcessCommitter(
            settings.database_url, sqlite_synchronous, max_batch=max_batch,
            max_wait_ms=max_wait_ms,
        ) if pipeline_in_separate_process() else GroupCommitter(
            self.store, max_batch=max_batch, max_wait_ms=max_wait_ms)
        self.worker = IngestWorker(settings, self.store, self.sites, self.committer.committed)

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._warm_up)
        await self.committer.start()
        # With a dedicated consumer process (footfall serve), this process stands by:
        # it takes the pipeline over only if that process dies.
        standby = LEASE_MS / 1000 if pipeline_in_separate_process() else 0.0
        self.worker.start(standby_seconds=standby)

    def _warm_up(self) -> None:
        # The pipeline's own warm-up (device rules: seconds) runs in the worker thread
        # once it holds the lease, so acknowledging hits never waits for it.
        self.store.ensure_tables()
        self.sites.load_all()

    async def stop(self) -> None:
        await self.committer.stop()
        await asyncio.get_running_loop().run_in_executor(None, self.worker.stop)
        self.store.dispose()

    async def drain(self, timeout: float = 60.0) -> int:
        """Wait until every request queued before this call is processed; returns the
        number still pending (0 unless `timeout` passed first)."""
        loop = asyncio.get_running_loop()
        last = await loop.run_in_executor(None, last_queued_id, self.store.engine)
        deadline = time.monotonic() + timeout
        while True:
            pending = await loop.run_in_executor(None, pending_up_to, self.store, last)
            if pending == 0 or time.monotonic() > deadline:
                return pending
            self.worker.wake()
            await asyncio.sleep(0.01)  # server-side wait; clients block on the answer

    # -- per request -----------------------------------------------------------------

    def decided_in_memory(self, hit: CheckedHit) -> bool:
        """True when the hit is acceptable without awaiting anything: its site is fresh in
        memory and it carries no goal, custom action or privileged parameter to check."""
        if hit.ca or hit.idgoal > 0 or (hit.privileged and self.require_auth):
            return False
        fresh, site = self.sites.cached(hit.idsite)  # site_known, without a call per hit
        return fresh and site is not None

    def site_known(self, idsite: int) -> bool:
        """The site exists, as far as memory knows (False: ask `site_exists`)."""
        fresh, site = self.sites.cached(idsite)
        return fresh and site is not None

    async def site_exists(self, idsite: int) -> bool:
        fresh, site = self.sites.cached(idsite)
        if not fresh:
            loop = asyncio.get_running_loop()
            site = await loop.run_in_executor(None, self.sites.get, idsite)
        return site is not None

    def custom_action_claimed(self, hit: CheckedHit) -> bool:
        _, site = self.sites.cached(hit.idsite)
        if site is None:
            return True  # cannot tell here; the pipeline drops it if nothing claims it
        search_params = tuple(p.lower() for p in site.sitesearch_keyword_parameters)
        return has_custom_action(hit.params, sitesearch=site.sitesearch,
                                 search_params=search_params or DEFAULT_SEARCH_PARAMS)

    async def goal_exists(self, idsite: int, idgoal: int) -> bool:
        known = self.goals.cached(idsite, idgoal)
        if known is not None:
            return known
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.goals.exists, idsite, idgoal)

    async def can_write(self, token: str, idsite: int) -> bool:
        superuser, level = await self._token_access(token, idsite)
        return superuser or has_access(level, "write")

    async def is_superuser(self, token: str) -> bool:
        superuser, _ = await self._token_access(token, 0)
        return superuser

    async def _token_access(self, token: str, idsite: int) -> tuple[bool, str | None]:
        if not token:
            return False, None
        known = self.tokens.cached(token, idsite)
        if known is not None:
            return known
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.tokens.lookup, token, idsite)

    def client_ip(self, peer: str, headers: dict[bytes, bytes]) -> str:
        if not self.proxy_headers:
            return peer or "0.0.0.0"
        text_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()}
        return client_ip(peer, text_headers, proxy_client_headers=self.proxy_headers,
                         read_last_in_list=self.proxy_read_last)


def _images(custom: str, data_dir: Path) -> ImageAnswers:
    """The answers with an image: [Tracker] custom_image when set and valid, else the GIF."""
    if not custom.strip():
        return DEFAULT_IMAGES
    try:
        return image_answers(*custom_image(custom, data_dir))
    except ValueError as error:
        log.warning("%s; answering with the 1x1 GIF", error)
        return DEFAULT_IMAGES


def install(services: Services) -> TrackerService:
    """Attach the tracker to a process's services (called by app.create_app)."""
    tracker = TrackerService(services)
    services.components[COMPONENT] = tracker
    services.background.append(tracker)
    return tracker


def tracker_of(scope: dict[str, Any]) -> TrackerService:
    services: Services = scope["app"].state.services
    return services.components[COMPONENT]
