"""Ingest pipeline processing rate, in process: queued hits turned into raw-log rows.

    python bench/pipeline.py [--quick] [--only simple,demo] [--db sqlite] [--profile FILE]

No HTTP: the hits are written to the ingest queue as `footfall serve` queues
them (bulk requests of 100), then the real `IngestWorker` drains the queue batch
by batch (decode, steps, visits, actions, goals, ecommerce, one transaction per
batch), on one thread, and the time until the queue is empty is measured.

Two data sets: `simple` hits like bench/ingest.py's (2,000 visitors with a
user id, 100 pages) and `demo` hits from `footfall demo`'s generator (many user
agents, referrers, campaigns, events, content, site search, carts and orders).
User agents are detected once before the clock starts, so device parsing is not
what is measured (its cache is warm, as in a long-running server).

Baseline, same run and database engine: a plain executemany INSERT of as many
rows into log_link_visit_action, in transactions of 1,000 rows (the floor any
recorder pays). `ratio` = hits/s processed / baseline rows/s. Both are also given
per CPU second of this process (steadier than wall time on a busy machine).
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEMO_END, emit, scratch_database  # noqa: E402
from demo_data import demo_requests, demo_site  # noqa: E402
from ingest import hit_query  # noqa: E402

from footfall import testing  # noqa: E402
from footfall.db.schema import log_link_visit_action  # noqa: E402
from footfall.tracker import queue  # noqa: E402
from footfall.tracker.registry import SiteCache  # noqa: E402
from footfall.tracker.worker import IngestWorker  # noqa: E402

BULK_SIZE = 100
BASELINE_BATCH = 1000
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")


def envelopes(queries: list[str], received_at: float) -> list[str]:
    """Queue payloads as the endpoint writes them: one per bulk request of 100 hits."""
    headers = {"ua": CHROME, "lang": "en-us,en;q=0.8"}
    return [orjson.dumps({"t": received_at, "ip": "127.0.0.1", **headers,
                          "hits": [[n, query] for n, query in
                                   enumerate(queries[start:start + BULK_SIZE])]}).decode()
            for start in range(0, len(queries), BULK_SIZE)]


def simple_queries(count: int) -> list[str]:
    return [hit_query(number)[1:] for number in range(count)]


def prepare_site(dataset: str, url: str, hits: int) -> list[str]:
    """Create the data set's site; its hits as queue payloads."""
    engine = testing.make_engine(url)
    try:
        if dataset == "simple":
            testing.create_site(engine)
            queries = simple_queries(hits)
        else:
            ids = demo_site(engine)
            days = max(1, hits // 4200)
            queries = [q[1:] for q in demo_requests(ids, days=days, visits_per_day=800,
                                                   end=DEMO_END)]
    finally:
        engine.dispose()
    return envelopes(queries, time.time())


def make_worker(url: str, data_dir: Path) -> tuple[IngestWorker, queue.QueueStore, sa.Engine]:
    settings = testing.make_settings(data_dir, url)
    main = testing.make_engine(url)
    store = queue.QueueStore(main, url)
    store.ensure_tables()
    sites = SiteCache(main)
    worker = IngestWorker(settings, store, sites, threading.Event())
    worker.warm_up()
    return worker, store, main


def warm_devices(worker: IngestWorker, payloads: list[str]) -> None:
    """Detect every user agent of the data set once (memory cache), outside the clock."""
    pipeline = worker.pipeline
    rows = list(enumerate(payloads, start=1))
    for start in range(0, len(rows), 50):
        pipeline.prepare(worker.store.main, rows[start:start + 50])
    pipeline.drops.clear()


def drain(worker: IngestWorker) -> int:
    batches = 0
    while worker._process_one_batch():  # noqa: SLF001 - the worker's own batch step
        batches += 1
    return batches


def count_rows(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {name}")).scalar_one())
                for name in ("log_visit", "log_link_visit_action", "log_action",
                             "log_conversion", "ingest_failed")}


def baseline(engine: sa.Engine, rows: int) -> tuple[float, float]:
    """Seconds (wall, CPU) to insert `rows` typical action rows with executemany, 1,000
    per commit."""
    with engine.connect() as conn:
        sample = [dict(row) for row in conn.execute(
            sa.select(log_link_visit_action).limit(BASELINE_BATCH)).mappings()]
    for row in sample:
        row.pop("idlink_va")
    chunk = (sample * (BASELINE_BATCH // max(1, len(sample)) + 1))[:BASELINE_BATCH]
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, rows, BASELINE_BATCH):
        with engine.begin() as conn:
            conn.execute(log_link_visit_action.insert(), chunk[:rows - start])
    return time.perf_counter() - started, time.process_time() - cpu_started


def measure(dataset: str, db: str, hits: int, profile: str | None) -> dict[str, Any]:
    with scratch_database(db) as (url, data_dir):
        payloads = prepare_site(dataset, url, hits)
        worker, store, main = make_worker(url, data_dir)
        try:
            warm_devices(worker, payloads)
            queue.enqueue(store.engine, payloads)
            queued = sum(len(orjson.loads(payload)["hits"]) for payload in payloads)
            profiler = cProfile.Profile() if profile else None
            started, cpu_started = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.enable()
            batches = drain(worker)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(f"{profile}.{dataset}")
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
            counts = count_rows(main)
            base_seconds, base_cpu_seconds = baseline(worker.engine, queued)
        finally:
            worker.engine.dispose()
            store.dispose()
            main.dispose()
    pipeline = worker.pipeline
    return {
        "hits": queued, "batches": batches, "seconds": round(seconds, 3),
        "hits_per_s": round(queued / seconds),
        "baseline_rows_per_s": round(queued / base_seconds),
        "ratio": round(base_seconds / seconds, 3),
        "cpu_hits_per_s": round(queued / cpu_seconds),
        "baseline_cpu_rows_per_s": round(queued / base_cpu_seconds),
        "recorded": pipeline.recorded, "dropped": sum(pipeline.drops.values()),
        "rows": counts,
    }


def report(dataset: str, figures: dict[str, Any]) -> None:
    rows = figures["rows"]
    print(f"{dataset}: {figures['hits']:,} hits in {figures['batches']} batches, "
          f"{figures['recorded']:,} recorded, {figures['dropped']:,} dropped")
    print(f"  processed:            {figures['hits_per_s']:>9,} hits/s  "
          f"({figures['cpu_hits_per_s']:,} per CPU second)")
    print(f"  baseline (executemany): {figures['baseline_rows_per_s']:>7,} rows/s  "
          f"({figures['baseline_cpu_rows_per_s']:,} per CPU second)  "
          f"-> {figures['ratio']:.1%} of baseline")
    print(f"  rows: {rows['log_visit']:,} visits, {rows['log_link_visit_action']:,} actions, "
          f"{rows['log_action']:,} action names, {rows['log_conversion']:,} conversions, "
          f"{rows['ingest_failed']} failed")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 10,000 hits per data set")
    parser.add_argument("--only", default="simple,demo", help="comma list: simple,demo")
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql", "mysql"])
    parser.add_argument("--hits", type=int, default=0, help="hits per data set")
    parser.add_argument("--profile", metavar="FILE",
                        help="write cProfile stats of the timed part to FILE.<data set>")
    args = parser.parse_args(argv)
    hits = args.hits or (10_000 if args.quick else 50_000)
    results: dict[str, Any] = {"db": args.db}
    for dataset in ("simple", "demo"):
        if dataset in args.only.split(","):
            results[dataset] = measure(dataset, args.db, hits, args.profile)
            report(dataset, results[dataset])
    emit("pipeline", results)


if __name__ == "__main__":
    main()
