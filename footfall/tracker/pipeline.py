"""The ingest pipeline: queued requests in, raw-log rows out.

`Pipeline.process` decodes a batch of queue rows into hits, sorts them by hit
time (so out-of-order `cdt` hits are applied in time order), detects devices
for the whole batch at once, runs every hit through `steps.STEPS` (a `drop_*`
step may end it with a reason, counted in `drops`) and records the survivors
(recorder.py). All of it happens inside the caller's transaction.
"""

from __future__ import annotations

import gc
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy.engine import Connection, Engine

from footfall.config import Settings
from footfall.errors import BadRequest
from footfall.sites import Site
from footfall.tracker import fingerprint, form
from footfall.tracker.actions import ActionStore
from footfall.tracker.clock import to_datetime
from footfall.tracker.enrich import language
from footfall.tracker.enrich.device import DeviceDetector, SqlDeviceCache
from footfall.tracker.enrich.geo import GeoLocator
from footfall.tracker.enrich.referrer import ReferrerClassifier
from footfall.tracker.hit import Hit
from footfall.tracker.recorder import Recorder
from footfall.tracker.registry import SiteCache
from footfall.tracker.request import parse_hit
from footfall.tracker.site_config import SiteConfigs
from footfall.tracker.steps import STEPS, StepContext
from footfall.tracker.visits import VisitCache
from footfall.tracker.writer import BatchWriter

log = logging.getLogger("footfall.tracker")


class Pipeline:
    """Turns queued requests into raw-log rows; one instance per consuming process."""

    def __init__(self, settings: Settings, engine: Engine, sites: SiteCache, *,
                 parse_processes: int = 0) -> None:
        self.settings = settings
        self.sites = sites
        general, tracker = settings.values["General"], settings.values["Tracker"]
        self.devices = DeviceDetector(cache=SqlDeviceCache(engine),
                                      parse_processes=parse_processes)
        self.geo = GeoLocator(city_db=str(general["geoip_city_database"]) or None,
                              asn_db=str(general["geoip_asn_database"]) or None)
        extra = str(general["referrer_definitions_file"])
        self.referrers = ReferrerClassifier(extra_definition_files=[extra] if extra else [])
        self.configs = SiteConfigs(settings, ttl=float(tracker["tracker_cache_file_ttl"]))
        self.visits = VisitCache()
        self.actions = ActionStore()
        self.recorder = Recorder(self.visits, self.actions)
        self.salts = fingerprint.Salts()
        self.drops: Counter[str] = Counter()
        self.recorded = 0
        self._options = {
            "global_excluded_ips": tuple(tracker["excluded_ips"]),
            "global_excluded_agents": tuple(tracker["excluded_user_agents"]),
            "mask_bytes": int(tracker["ip_address_mask_length"]),
            "enrich_with_masked_ip": bool(tracker["use_anonymized_ip_for_visit_enrichment"]),
            "do_not_track": bool(tracker["do_not_track"]),
            "spam_filter": bool(tracker["enable_spam_filter"]),
        }
        self._page_max = int(tracker["page_maximum_length"])
        self._last_second = (-1, to_datetime(0))  # hits in a row often share their second
        self._visit_length = int(tracker["visit_standard_length"])

    def warm_up(self) -> None:
        """Load device rules, referrer lists and language tables before the first hit."""
        self.devices.warm_up()
        self.referrers.warm_up()
        self.geo.warm_up()
        language.warm_up()

    def forget_state(self) -> None:
        """After a failed batch or a lost lease: memory may disagree with the database."""
        self.visits.clear()
        self.actions.forget()
        self.salts.forget()
        self.configs.forget()

    def committed(self) -> None:
        self.actions.committed()

    def prepare(self, engine: Engine, rows: list[tuple[int, str]]) -> list[Hit]:
        """Decode a batch and detect its devices, before any transaction is open."""
        with engine.connect() as conn:
            if self.configs.check_version(conn):
                self.sites.clear()
        with collector_paused():
            hits = self._decode(rows)
        hits.sort(key=lambda hit: hit.time)  # stable: arrival order among equal times
        self._detect_devices(hits)
        return hits

    def process(self, conn: Connection, hits: list[Hit]) -> None:
        """Write the prepared hits, inside the caller's transaction.

        Every hit goes through the steps first (they do not depend on other hits), so
        the recorder can look up the batch's visits and action names in a few queries;
        then the survivors are recorded one by one, in hit-time order.
        """
        with collector_paused():
            self._process(conn, hits)

    def _process(self, conn: Connection, hits: list[Hit]) -> None:
        writer = BatchWriter(conn, remember=self.visits.remember)
        contexts: dict[int, StepContext] = {}
        survivors: list[tuple[StepContext, Hit]] = []
        drops = self.drops
        for hit in hits:
            ctx = contexts.get(id(hit.site))
            if ctx is None:
                ctx = contexts[id(hit.site)] = self.step_context(conn, hit.site)
            reason = _run_steps(ctx, hit)
            if reason is not None:
                drops[reason] += 1
            else:
                survivors.append((ctx, hit))
        recorder = self.recorder
        recorder.prepare(conn, survivors, writer)
        try:
            for ctx, hit in survivors:
                reason = recorder.record(ctx, hit, writer)
                if reason is not None:
                    drops[reason] += 1
                else:
                    self.recorded += 1
            writer.flush()
        finally:
            recorder.finish()
        if hits:
            self.visits.prune(hits[-1].time, 2 * self._visit_length)

    def step_context(self, conn: Connection, site: Site) -> StepContext:
        """What the steps share for one site's hits of a batch (build it once per batch)."""
        return StepContext(conn=conn, settings=self.settings, config=self.configs.get(conn, site),
                           referrers=self.referrers, geo=self.geo, salts=self.salts,
                           **self._options)

    def _decode(self, rows: list[tuple[int, str]]) -> list[Hit]:
        hits: list[Hit] = []
        sites: dict[int, Site | None] = {}  # one look-up per site and batch
        for _row_id, payload in rows:
            envelope = orjson.loads(payload)
            for _index, item in envelope.get("hits", []):
                hit = self._hit(envelope, _params(item), sites)
                if hit is not None:
                    hits.append(hit)
        return hits

    def _hit(self, envelope: dict[str, Any], params: dict[str, Any],
             sites: dict[int, Site | None]) -> Hit | None:
        header_referrer = envelope.get("ref", "")
        if header_referrer and not params.get("url") and not params.get("urlref"):
            params["url"] = header_referrer  # simple image tracker (reference §1.2)
        try:
            request = parse_hit(params, received_at=envelope["t"],
                                page_maximum_length=self._page_max,
                                custom_time_window=2**40)  # authorised when acknowledged
        except BadRequest:
            log.warning("ingest: a queued hit no longer parses; dropped")
            self.drops["invalid"] += 1
            return None
        idsite = request.idsite
        if idsite in sites:
            site = sites[idsite]
        else:
            site = sites[idsite] = self.sites.get(idsite)
        if site is None:
            self.drops["unknown_site"] += 1
            return None
        when = request.time
        second = int(when)
        if second != self._last_second[0]:
            self._last_second = (second, to_datetime(second))
        return Hit(request=request, site=site, ip=envelope.get("ip", "0.0.0.0"),
                   headers=envelope, time=when, server_time=self._last_second[1],
                   user_agent=request.get("ua") or envelope.get("ua", ""))

    def _detect_devices(self, hits: list[Hit]) -> None:
        agents = [(hit.user_agent, _client_hints(hit)) for hit in hits]
        for hit, device in zip(hits, self.devices.detect_many(agents), strict=True):
            hit.device = device


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is decoded or processed.

    A batch allocates a hundred-odd dicts and objects per hit, nearly all freed by
    reference counting; the collector would still run every 700 allocations and,
    every so often, walk every long-lived object (device rules, referrer lists,
    cached visits): a third of the batch's CPU time, measured. Collection resumes
    after the batch (the batch's own cycles, if any, are collected then).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run_steps(ctx: StepContext, hit: Hit) -> str | None:
    for step in STEPS:
        reason = step(ctx, hit)
        if reason is not None:
            return reason
    return None


def _params(item: Any) -> dict[str, Any]:
    """A queued hit's parameters: from a query string, [query, form body], or a map."""
    if isinstance(item, str):
        return form.parse_query(item)
    if isinstance(item, list):
        return form.merge(form.parse_query(item[0]), form.parse_query(item[1]))
    return dict(item)


def _client_hints(hit: Hit) -> dict[str, Any] | None:
    uadata = hit.request.get_json("uadata")
    if isinstance(uadata, dict):
        return uadata
    headers = hit.headers.get("ch")
    return headers if isinstance(headers, dict) else None
