"""The pipeline as a process of its own, started by `footfall serve`.

Acknowledging a hit is cheap; turning it into raw-log rows is not. In one
process the two compete for the interpreter lock, so `footfall serve` runs the
pipeline in a separate, lower-priority process: the HTTP workers answer at full
speed and the queue is drained with the CPU they leave. The lease still makes
it the only consumer; the HTTP workers then leave the pipeline alone
(`FOOTFALL_PIPELINE_PROCESS=1` in their environment).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

from footfall.config import load_settings
from footfall.db import migrate
from footfall.db.engine import open_database
from footfall.tracker.deferral import Deferral
from footfall.tracker.queue import QueueStore, last_queued_id
from footfall.tracker.registry import SiteCache
from footfall.tracker.worker import IngestWorker

PROCESS_ENV = "FOOTFALL_PIPELINE_PROCESS"
NICENESS = 19
log = logging.getLogger("footfall.tracker")


def pipeline_in_separate_process(environ: Mapping[str, str] | None = None) -> bool:
    return (environ if environ is not None else os.environ).get(PROCESS_ENV) == "1"


def spawn(env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start the consumer process (same settings environment, lowest CPU priority)."""
    child_env = {**os.environ, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "footfall.tracker.consumer"], env=child_env,
                            preexec_fn=lower_priority)  # noqa: PLW1509


def lower_priority() -> None:
    """Run on CPU the HTTP workers leave idle: Linux's SCHED_IDLE policy, else nice 19.

    Acknowledging has priority; processing is batch work that catches up when requests
    slow down (`/_footfall/ingest/drain` and the benchmarks' "until processed" wait
    for it). The consumer seldom writes the queue file (lease, trimming), so the HTTP
    workers do not wait on it for long.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(NICENESS)


def stop(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    """Consume the ingest queue until SIGTERM/SIGINT."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings(config_file=os.environ.get("FOOTFALL_CONFIG") or None)
    database = open_database(settings)
    migrate.upgrade(database.writer)
    store = QueueStore(database.writer, settings.database_url,
                       sqlite_synchronous=settings.get_str("database", "sqlite_synchronous"))
    store.ensure_tables()
    sites = SiteCache(database.writer,
                      ttl=float(settings.get("Tracker", "tracker_cache_file_ttl")))
    # One process parses new user agents ahead of their batch (about 85 MB): a slow
    # agent then costs another core's time, not the pipeline's.
    deferral = Deferral(
        lambda: last_queued_id(store.engine),
        busy_rate=float(settings.get("Tracker", "pipeline_defer_above_requests_per_second")),
        max_delay=float(settings.get("Tracker", "pipeline_max_delay_seconds")))
    worker = IngestWorker(settings, store, sites, threading.Event(), parse_processes=1,
                          deferral=deferral)
    stopping = threading.Event()

    def request_stop(_signal: int, _frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    worker.start()
    stopping.wait()
    worker.stop()
    store.dispose()
    database.dispose()


if __name__ == "__main__":
    main()
