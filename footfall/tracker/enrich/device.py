"""Device, operating system, browser and bot detection from the user agent and
client hints, with the `device-detector` package (the Python port of Matomo's
DeviceDetector), stored the way Matomo stores it in log_visit:

* config_device_type: Matomo's numeric device type (0 desktop, 1 smartphone, ...);
* config_device_brand: the brand *short code* ('AP' for Apple) — Matomo's
  DeviceBrand dimension stores `DeviceDetector::getBrand()`, which is the code;
* config_os: 3-letter OS code ('WIN'; 'BOT' for bots, 'UNK' when unknown);
* config_browser_name: the browser's 2-letter code ('CH'), or for other clients
  (apps, feed readers, libraries) their name, else 'UNK' — Matomo 5 does the same,
  hence the column's 40 characters; config_browser_engine: engine name ('Blink');
* config_client_type: Matomo's client type id (1 browser, 2 library, ...).

Parsing is slow (up to a second and more for odd agents), so results are cached
in memory and, optionally, in the database (`SqlDeviceCache`). With
`parse_processes`, new agents are parsed in a process pool, and `prefetch` starts
their parse before their batch is processed (docs/tracking.md, "New user agents").
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from typing import Any

from device_detector import __version__ as _device_detector_version

from footfall.tracker.enrich.device_cache import DeviceCache, SqlDeviceCache
from footfall.tracker.enrich.device_names import CLIENT_TYPE_IDS, DEVICE_TYPE_IDS, brand_code
from footfall.tracker.enrich.device_parser import ParsedAgent, parse_agent, warm_up_parser
from footfall.tracker.enrich.lru import MemoryLru

log = logging.getLogger("footfall.enrich")

__all__ = ["DeviceCache", "DeviceDetector", "DeviceInfo", "SqlDeviceCache", "client_hints_key"]

# Version of the detection rules: device-detector's own, plus Footfall's adjustments
# (device_parser.py); bump the suffix when those adjustments change.
RULES_VERSION = f"device-detector {_device_detector_version}; footfall 2"

# config_os of bots recorded with bots=1 (Matomo's Settings::OS_BOT).
BOT_OS = "BOT"

# Longest values the log_visit columns hold.
_LIMITS = {
    "config_browser_engine": 10,
    "config_browser_name": 40,
    "config_browser_version": 20,
    "config_device_brand": 100,
    "config_device_model": 100,
    "config_os": 3,
    "config_os_version": 100,
}

# Client-hint fields that change a detection (HTTP header names or `uadata` keys).
_HINT_KEYS = {
    "sec-ch-ua": "sec-ch-ua",
    "sec-ch-ua-full-version-list": "sec-ch-ua-full-version-list",
    "sec-ch-ua-full-version": "sec-ch-ua-full-version",
    "sec-ch-ua-platform": "sec-ch-ua-platform",
    "sec-ch-ua-platform-version": "sec-ch-ua-platform-version",
    "sec-ch-ua-model": "sec-ch-ua-model",
    "sec-ch-ua-mobile": "sec-ch-ua-mobile",
    "sec-ch-ua-arch": "sec-ch-ua-arch",
    "sec-ch-ua-bitness": "sec-ch-ua-bitness",
    "sec-ch-ua-form-factors": "sec-ch-ua-form-factors",
    "x-requested-with": "x-requested-with",
    "brands": "brands",
    "fullversionlist": "fullVersionList",
    "uafullversion": "uaFullVersion",
    "platform": "platform",
    "platformversion": "platformVersion",
    "model": "model",
    "mobile": "mobile",
    "architecture": "architecture",
    "bitness": "bitness",
    "formfactors": "sec-ch-ua-form-factors",
}


@dataclass(frozen=True)
class DeviceInfo:
    """What Footfall stores about a visitor's device, software and bot status."""

    config_device_type: int | None = None
    config_device_brand: str = ""
    config_device_model: str = ""
    config_os: str = "UNK"
    config_os_version: str = ""
    config_browser_name: str = "UNK"
    config_browser_version: str = ""
    config_browser_engine: str = ""
    config_client_type: int | None = None
    is_bot: bool = False
    bot_name: str | None = None

    def columns(self) -> dict[str, object]:
        """The log_visit columns (not the bot flags); a new dict each time."""
        return dict(self._column_items)

    @cached_property
    def _column_items(self) -> tuple[tuple[str, object], ...]:
        # One DeviceInfo serves every hit of its agent: build the pairs once.
        return tuple((f.name, getattr(self, f.name)) for f in fields(self) if f.name.startswith("config_"))

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DeviceInfo:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def normalize_client_hints(client_hints: Mapping[str, Any] | None) -> dict[str, Any]:
    """The hints that matter, under the names the parser understands.

    Accepts HTTP headers (`Sec-CH-UA-Model`, any case) as well as the `uadata`
    JSON that matomo.js sends (`brands`, `fullVersionList`, `model`, ...).
    """
    if not client_hints:
        return {}
    normalized: dict[str, Any] = {}
    for raw_key, value in client_hints.items():
        key = str(raw_key).lower().replace("_", "-")
        key = key[5:] if key.startswith("http-") else key
        target = _HINT_KEYS.get(key) or _HINT_KEYS.get(key.replace("-", ""))
        if target is None or value is None or value == "" or value == []:
            continue
        if target == "mobile" and isinstance(value, bool):
            value = "?1" if value else "?0"
        if target in _BRAND_LISTS:
            value = _brand_list(value)
            if not value:
                continue
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value if isinstance(v, (str, int, float))]
        elif not isinstance(value, str):
            value = str(value)
        normalized[target] = value
    return normalized


_BRAND_LISTS = {"brands", "fullVersionList"}


def _brand_list(value: Any) -> list[dict[str, str]]:
    """uadata brand lists as [{"brand": str, "version": str}]; anything else is dropped
    (a malformed hint must not break detection)."""
    if not isinstance(value, (list, tuple)):
        return []
    brands = []
    for item in value:
        if isinstance(item, Mapping) and isinstance(item.get("brand"), str):
            brands.append({"brand": item["brand"], "version": str(item.get("version") or "")})
    return brands


def client_hints_key(user_agent: str, hints: Mapping[str, Any]) -> str:
    """Persistent cache key: SHA-1 of the rules' version, the agent and its relevant hints.

    The version is part of the key so that an upgrade of device-detector (or of the
    rules here) never serves results of the old rules.
    """
    payload = RULES_VERSION + "\n" + user_agent + "\n" + _hints_json(hints)
    return hashlib.sha1(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _info_from(parsed: ParsedAgent) -> DeviceInfo:
    values: dict[str, Any] = {
        "config_device_type": DEVICE_TYPE_IDS.get(parsed.device_type),
        "config_device_brand": brand_code(parsed.brand),
        "config_device_model": parsed.model,
        "config_os": BOT_OS if parsed.bot_name is not None else (parsed.os_code or "UNK"),
        "config_os_version": parsed.os_version,
        "config_browser_name": parsed.client_code or parsed.client_name or "UNK",
        "config_browser_version": parsed.client_version,
        "config_browser_engine": parsed.engine,
        "config_client_type": CLIENT_TYPE_IDS.get(parsed.client_type),
        "is_bot": parsed.bot_name is not None,
        "bot_name": parsed.bot_name,
    }
    for column, limit in _LIMITS.items():
        values[column] = (values[column] or "")[:limit]
    return DeviceInfo(**values)


class DeviceDetector:
    """Detects devices with a bounded in-memory LRU in front of an optional
    persistent cache. Thread-safe; one instance serves a whole process.

    `parse_processes` > 0 parses cache misses in that many worker processes
    (spawned and warmed up by `warm_up`): `prefetch` hands them the agents of hits
    still waiting in the queue, so that by the time those hits are processed their
    devices are known, and a slow agent occupies another core, not the pipeline.
    Otherwise `parse_threads` > 1 parses the misses of one `detect_many` batch in
    threads (the `regex` module releases the GIL while matching), else inline.
    """

    def __init__(
        self,
        *,
        cache: DeviceCache | None = None,
        memory_entries: int = 50_000,
        parse_threads: int = 1,
        parse_processes: int = 0,
    ) -> None:
        self.persistent = cache
        self.memory: MemoryLru[DeviceInfo] = MemoryLru(memory_entries)
        self.parses = 0  # agents actually parsed (cache misses), for metrics and tests
        self.parse_threads = max(1, parse_threads)
        self.parse_processes = max(0, parse_processes)
        self._pool: Executor | None = None
        self._count_lock = threading.Lock()
        self._ready = threading.Event()
        self._warming: threading.Thread | None = None
        # Parses under way, by memory key (agent, or agent + hints): future, agent, hints.
        self._pending: dict[str, tuple[Future[DeviceInfo], str, dict[str, Any]]] = {}
        self._pending_lock = threading.Lock()
        self._warm_ups: list[Future[bool]] = []
        self._pool_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load and compile the detection rules now (a few seconds), not on the first hit:
        in this process, or with `parse_processes` in the worker processes only."""
        if not self._ready.is_set():
            if self.parse_processes:
                self._executor()
                for future in list(self._warm_ups):
                    _result_or_none(future)
            else:
                warm_up_parser()
            self._ready.set()

    def start_warm_up(self) -> threading.Thread:
        """Warm up in a background thread, so a server can accept (and queue) hits
        meanwhile; detections made before it ends wait for it."""
        if self._warming is None:
            self._warming = threading.Thread(target=self.warm_up, name="device-warm-up", daemon=True)
            self._warming.start()
        return self._warming

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        with self._pending_lock:
            self._pending.clear()

    def detect(self, user_agent: str, client_hints: Mapping[str, Any] | None = None) -> DeviceInfo:
        """The device of one hit; cached by agent and relevant client hints."""
        if not client_hints and self._warming is None:
            cached = self.memory.get(user_agent or "")
            if cached is not None:
                return cached
        return self.detect_many([(user_agent, client_hints)])[0]

    def detect_many(self, agents: Iterable[tuple[str, Mapping[str, Any] | None] | str]) -> list[DeviceInfo]:
        """Devices of many hits at once: one persistent-cache read and one write per batch.

        An agent whose parse `prefetch` started is waited for (it has usually landed)."""
        if self._warming is not None:
            self._ready.wait()
        requests = [_request(item) for item in agents]
        results: dict[str, DeviceInfo] = {}
        missing: dict[str, tuple[str, dict[str, Any]]] = {}
        for key, user_agent, hints in requests:
            if key in results or key in missing:
                continue  # a batch repeats its visitors' agents: one look-up each
            cached = self.memory.get(key)
            if cached is not None:
                results[key] = cached
            else:
                missing[key] = (user_agent, hints)
        if missing:
            results.update(self._resolve_missing(missing))
        return [results[key] for key, _, _ in requests]

    def prefetch(self, agents: Iterable[tuple[str, Mapping[str, Any] | None] | str]) -> int:
        """Start parsing, in the process pool, the agents no cache knows; never waits for
        a parse. Returns how many parses were started (0 without `parse_processes`).

        Call it with the agents of hits that will be processed soon (see
        `device_agents.agents_of_rows`); `detect_many` then finds them parsed."""
        if not self.parse_processes:
            return 0
        unknown: dict[str, tuple[str, dict[str, Any]]] = {}
        for item in agents:
            key, user_agent, hints = _request(item)
            if key not in unknown and key not in self._pending and self.memory.get(key) is None:
                unknown[key] = (user_agent, hints)
        if not unknown:
            return 0
        stored = self._from_persistent(unknown)
        for key, info in stored.items():
            self.memory.put(key, info)
            del unknown[key]
        with self._pending_lock:
            for key, (user_agent, hints) in unknown.items():
                future = self._submit(user_agent, hints)
                if future is None:
                    return 0
                self._pending[key] = (future, user_agent, hints)
        return len(unknown)

    @property
    def parsing(self) -> int:
        """Parses started by `prefetch` whose results were not collected yet."""
        return len(self._pending)

    def _resolve_missing(self, missing: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, DeviceInfo]:
        """Misses by memory key: collect prefetched parses, read the persistent cache,
        parse the rest, store both."""
        with self._pending_lock:
            started = {key: self._pending[key] for key in missing if key in self._pending}
        rest = {key: value for key, value in missing.items() if key not in started}
        found = self._from_persistent(rest)
        to_parse = {key: value for key, value in rest.items() if key not in found}
        parsed = dict(zip(to_parse, self._parse_all(list(to_parse.values())), strict=True))
        parsed.update(self._collect(started))
        with self._count_lock:
            self.parses += len(parsed)
        if parsed and self.persistent is not None:
            self._write_persistent({client_hints_key(*missing[key]): info.to_json()
                                    for key, info in parsed.items()})
        found.update(parsed)
        for key, info in found.items():
            self.memory.put(key, info)
        return found

    def _collect(self, started: dict[str, tuple[Future[DeviceInfo], str, dict[str, Any]]]
                 ) -> dict[str, DeviceInfo]:
        """Results of prefetched parses (waiting for those still running)."""
        collected = {}
        for key, (future, user_agent, hints) in started.items():
            collected[key] = _result_or_parse(future, user_agent, hints)
            with self._pending_lock:
                self._pending.pop(key, None)
        return collected

    def _from_persistent(self, missing: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, DeviceInfo]:
        if self.persistent is None or not missing:
            return {}
        stored_keys = {key: client_hints_key(agent, hints) for key, (agent, hints) in missing.items()}
        texts = self._read_persistent(list(stored_keys.values()))
        return {key: DeviceInfo.from_json(texts[stored]) for key, stored in stored_keys.items()
                if stored in texts}

    # The persistent cache only saves time: when the database cannot serve it (locked,
    # gone), detection goes on without it rather than failing the hits of the batch.
    def _read_persistent(self, keys: list[str]) -> dict[str, str]:
        assert self.persistent is not None
        try:
            return self.persistent.get_many(keys)
        except Exception:  # noqa: BLE001 - any storage failure, see above
            log.warning("device cache: read failed; parsing instead", exc_info=True)
            return {}

    def _write_persistent(self, entries: dict[str, str]) -> None:
        assert self.persistent is not None
        try:
            self.persistent.put_many(entries)
        except Exception:  # noqa: BLE001 - any storage failure, see above
            log.warning("device cache: write of %d entries failed", len(entries), exc_info=True)

    def _executor(self) -> Executor:
        with self._pool_lock:  # warm_up may run in a thread while prefetch is called
            return self._pool or self._start_pool()

    def _start_pool(self) -> Executor:
        if self._pool is None:
            if self.parse_processes:
                # spawn, not fork: the parent runs threads (server, committer).
                self._pool = ProcessPoolExecutor(
                    self.parse_processes, mp_context=multiprocessing.get_context("spawn"),
                    initializer=warm_up_parser)
                # Start the processes now (each runs the initializer, then a no-op).
                self._warm_ups = [self._pool.submit(_ready) for _ in range(self.parse_processes)]
            else:
                self._pool = ThreadPoolExecutor(self.parse_threads, thread_name_prefix="device-parse")
        return self._pool

    def _submit(self, user_agent: str, hints: dict[str, Any]) -> Future[DeviceInfo] | None:
        """A parse in the process pool; None (and parsing in-process from now on) when
        the pool cannot take work any more (a worker process was killed)."""
        try:
            return self._executor().submit(_safe_parse, user_agent, hints)
        except (BrokenExecutor, RuntimeError):
            log.warning("device detection: parse processes unavailable; parsing in-process",
                        exc_info=True)
            self.parse_processes = 0
            self._pool = None
            return None

    def _parse_all(self, agents: list[tuple[str, dict[str, Any]]]) -> list[DeviceInfo]:
        if not agents:
            return []
        if self.parse_processes:
            futures = [self._submit(agent, hints) for agent, hints in agents]
            return [_result_or_parse(future, agent, hints)
                    for future, (agent, hints) in zip(futures, agents, strict=True)]
        if self.parse_threads == 1 or len(agents) < 2:
            return [_safe_parse(agent, hints) for agent, hints in agents]
        return list(self._executor().map(lambda item: _safe_parse(*item), agents))


def _ready() -> bool:
    return True


def _result_or_none(future: Future[bool]) -> bool | None:
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - reported when the pool is used
        return None


def _result_or_parse(future: Future[DeviceInfo] | None, user_agent: str,
                     hints: dict[str, Any]) -> DeviceInfo:
    if future is None:
        return _safe_parse(user_agent, hints)
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - a dead worker process: parse here instead
        log.warning("device detection: background parse failed; parsing here", exc_info=True)
        return _safe_parse(user_agent, hints)


def _safe_parse(user_agent: str, hints: dict[str, Any]) -> DeviceInfo:
    """Parse; a parser failure on odd input falls back to the agent alone, then to
    'unknown', so that a hit is never lost to device detection."""
    try:
        return _info_from(parse_agent(user_agent, hints))
    except Exception:  # noqa: BLE001 - third-party parser, any failure
        log.warning("device detection failed for %r with hints %r", user_agent[:200], hints, exc_info=True)
    if hints:
        try:
            return _info_from(parse_agent(user_agent, None))
        except Exception:  # noqa: BLE001
            log.warning("device detection failed for %r", user_agent[:200], exc_info=True)
    return DeviceInfo()


def _request(item: tuple[str, Mapping[str, Any] | None] | str) -> tuple[str, str, dict[str, Any]]:
    """(memory key, agent, hints): the agent itself when there are no hints, so that the
    common case costs no hashing; the persistent key is derived only on a miss."""
    user_agent, hints = (item, None) if isinstance(item, str) else item
    user_agent = user_agent or ""
    normalized = normalize_client_hints(hints) if hints else {}
    if not normalized:
        return user_agent, user_agent, normalized
    return user_agent + "\n" + _hints_json(normalized), user_agent, normalized


def _hints_json(hints: Mapping[str, Any]) -> str:
    return json.dumps(hints, sort_keys=True, separators=(",", ":"))
