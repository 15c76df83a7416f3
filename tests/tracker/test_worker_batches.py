"""The ingest worker's batches: bounded by hits whatever shape the queued hits take, and
the agents of the rows after a batch handed to the device parser's pool beforehand."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import orjson
import pytest
from sqlalchemy.engine import Engine

from footfall.config import Settings
from footfall.tracker import queue, worker
from footfall.tracker.queue import QueueStore
from footfall.tracker.registry import SiteCache
from footfall.tracker.worker import IngestWorker

QUERY = "?idsite=1&rec=1&url=https%3A%2F%2Fexample.com%2F&ec_items=[[%22A%22,%22B%22]]"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


def _envelope(items: list[object], **extra: object) -> str:
    return orjson.dumps({"t": 1.0, "ip": "1.2.3.4", **extra,
                         "hits": [[n, item] for n, item in enumerate(items)]}).decode()


@pytest.mark.parametrize("item", [QUERY, [QUERY, "action_name=x"], {"idsite": "1", "rec": "1"}],
                         ids=["query", "query-and-body", "map"])
def test_a_rows_hit_count_is_never_underestimated(item: object) -> None:
    for size in (1, 2, 100):
        assert worker._hits_in(_envelope([item] * size)) >= size


@pytest.fixture
def ingest_worker(settings: Settings, engine: Engine, db_url: str) -> Iterator[IngestWorker]:
    store = QueueStore(engine, db_url)
    store.ensure_tables()
    built = IngestWorker(settings, store, SiteCache(engine), threading.Event())
    yield built
    built.stop()
    store.dispose()


def test_a_batch_of_query_string_bulks_holds_about_a_thousand_hits(
        ingest_worker: IngestWorker) -> None:
    queue.enqueue(ingest_worker.store.engine, [_envelope([QUERY] * 100) for _ in range(15)])
    rows = ingest_worker._next_rows()
    assert len(rows) == worker.BATCH_HITS // 100


@pytest.fixture
def pooled_worker(settings: Settings, engine: Engine, db_url: str) -> Iterator[IngestWorker]:
    store = QueueStore(engine, db_url)
    store.ensure_tables()
    built = IngestWorker(settings, store, SiteCache(engine), threading.Event(), parse_processes=1)
    built.pipeline.devices.warm_up()  # spawns the parsing process
    yield built
    built.stop()
    store.dispose()


def test_the_next_rows_agents_are_parsed_in_the_pool_before_their_batch(
        pooled_worker: IngestWorker) -> None:
    agents = [f"{FIREFOX} n{n}" for n in range(3)]
    queue.enqueue(pooled_worker.store.engine, [_envelope([QUERY], ua=agent) for agent in agents])
    with pooled_worker.store.engine.connect() as conn:
        first, *later = [row_id for row_id, _ in queue.take_batch(conn, 10)]
    devices = pooled_worker.pipeline.devices

    pooled_worker._prefetch_agents(after=first)  # the batch is row `first`: look past it
    pooled_worker._prefetch_agents(after=first)  # already handed over: nothing twice

    assert pooled_worker._prefetched == later[-1]
    upcoming = [(agent, None) for agent in agents[1:]]
    assert devices.prefetch(upcoming) == 0  # under way or done, not started again
    assert [d.config_browser_name for d in devices.detect_many(upcoming)] == ["FF", "FF"]
    assert devices.parses == 2
