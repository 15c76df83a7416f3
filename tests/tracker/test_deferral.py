"""The pipeline process waits while requests pour in, for a bounded time, and catches up."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import orjson
import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings
from footfall.tracker import queue
from footfall.tracker.deferral import CHECK_SECONDS, Deferral
from footfall.tracker.queue import QueueStore
from footfall.tracker.registry import SiteCache
from footfall.tracker.worker import IngestWorker


class Arrivals:
    """A queue whose last id grows at a chosen rate on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.last_id = 0
        self.rate = 0.0

    def clock(self) -> float:
        return self.now

    def queued(self) -> int:
        return self.last_id

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.last_id += round(self.rate * seconds)


def _waits(deferral: Deferral, arrivals: Arrivals, seconds: float,
           processed: int = 0) -> list[bool]:
    """should_wait at every check over `seconds` of the arrivals' clock."""
    answers = []
    for _ in range(round(seconds / CHECK_SECONDS)):
        arrivals.advance(CHECK_SECONDS)
        answers.append(deferral.should_wait(processed))
    return answers


@pytest.fixture
def arrivals() -> Arrivals:
    return Arrivals()


def _deferral(arrivals: Arrivals, busy_rate: float = 500, max_delay: float = 5) -> Deferral:
    return Deferral(arrivals.queued, busy_rate=busy_rate, max_delay=max_delay,
                    clock=arrivals.clock)


def test_a_quiet_queue_is_processed_at_once(arrivals: Arrivals) -> None:
    deferral = _deferral(arrivals)
    arrivals.rate = 100
    assert not any(_waits(deferral, arrivals, 3))


def test_a_busy_queue_waits_at_most_max_delay_then_keeps_up_while_the_load_lasts(
        arrivals: Arrivals) -> None:
    deferral = _deferral(arrivals, max_delay=2)
    arrivals.rate = 20_000
    answers = _waits(deferral, arrivals, 6)
    waited = sum(answers) * CHECK_SECONDS
    assert 1.8 <= waited <= 2.2
    first_processing = answers.index(True) + answers[answers.index(True):].index(False)
    assert not any(answers[first_processing:]), "deferred again before the load eased"


def test_a_new_busy_spell_after_a_lull_may_wait_again(arrivals: Arrivals) -> None:
    deferral = _deferral(arrivals, max_delay=1)
    arrivals.rate = 20_000
    _waits(deferral, arrivals, 3)
    arrivals.rate = 0
    assert not any(_waits(deferral, arrivals, 1))
    arrivals.rate = 20_000
    assert any(_waits(deferral, arrivals, 0.5))


def test_nothing_is_deferred_when_nothing_is_pending(arrivals: Arrivals) -> None:
    deferral = _deferral(arrivals)
    arrivals.rate = 20_000
    assert not any(_waits(deferral, arrivals, 1, processed=10**9))


def test_hits_after_the_queue_was_emptied_are_not_taken_for_a_burst(
        arrivals: Arrivals) -> None:
    deferral = _deferral(arrivals)
    arrivals.last_id = 90_000
    _waits(deferral, arrivals, 0.3)
    arrivals.last_id = 0  # processed rows deleted: MAX(id) of an empty table
    _waits(deferral, arrivals, 0.3)
    arrivals.last_id = 90_001  # one new hit; ids never restart
    assert not any(_waits(deferral, arrivals, 0.5))


@pytest.mark.parametrize(("busy_rate", "max_delay"), [(0, 30), (500, 0)])
def test_zero_turns_deferral_off(arrivals: Arrivals, busy_rate: float,
                                 max_delay: float) -> None:
    deferral = _deferral(arrivals, busy_rate=busy_rate, max_delay=max_delay)
    arrivals.rate = 50_000
    assert not deferral.enabled
    assert not any(_waits(deferral, arrivals, 2))


# -- the worker, against a real queue ------------------------------------------------------

ROWS_PER_SECOND = 200
MAX_DELAY = 0.8


def _payload(number: int) -> str:
    query = f"?idsite=1&rec=1&_id={number % 7:016x}&url=https%3A%2F%2Fexample.com%2F{number}"
    return orjson.dumps({"t": time.time(), "ip": "1.2.3.4", "hits": [[0, query]]}).decode()


@pytest.fixture
def deferring_worker(settings: Settings, engine: Engine, db_url: str) -> Iterator[IngestWorker]:
    store = QueueStore(engine, db_url)
    store.ensure_tables()
    deferral = Deferral(lambda: queue.last_queued_id(store.engine),
                        busy_rate=ROWS_PER_SECOND / 4, max_delay=MAX_DELAY)
    built = IngestWorker(settings, store, SiteCache(engine), threading.Event(),
                         deferral=deferral)
    built.warm_up()
    yield built
    built.stop()
    store.dispose()


def test_the_worker_leaves_a_busy_queue_alone_then_catches_up(
        deferring_worker: IngestWorker, engine: Engine) -> None:
    testing.create_site(engine)
    store = deferring_worker.store
    sent = 0
    stop = threading.Event()

    def load() -> None:
        nonlocal sent
        while not stop.is_set():
            queue.enqueue(store.engine, [_payload(sent)])
            sent += 1
            stop.wait(1 / ROWS_PER_SECOND)

    loader = threading.Thread(target=load)
    loader.start()
    deferring_worker.start()
    try:
        time.sleep(MAX_DELAY * 0.6)
        early_sent, early_done = sent, deferring_worker._progress
        time.sleep(MAX_DELAY * 2.5)  # the load goes on past the deferral's bound
        late_done = deferring_worker._progress
    finally:
        stop.set()
        loader.join()
    assert early_sent >= 20
    assert early_done < early_sent / 2, "the worker kept up with a busy queue"
    assert late_done > early_sent, "the worker still waited after max_delay"
    deadline = time.monotonic() + 30
    while deferring_worker._progress < queue.last_queued_id(store.engine):
        assert time.monotonic() < deadline, "the queue was not drained after the load"
        time.sleep(0.05)


def test_short_busy_spells_are_logged_once_a_minute(
        arrivals: Arrivals, caplog: pytest.LogCaptureFixture) -> None:
    deferral = _deferral(arrivals, max_delay=1)
    with caplog.at_level("INFO", logger="footfall.tracker"):
        for _ in range(5):  # five bursts of 0.5 s, 2 s apart
            arrivals.rate = 20_000
            _waits(deferral, arrivals, 0.5)
            arrivals.rate = 0
            _waits(deferral, arrivals, 2)
    spells = [r for r in caplog.records if "wait in the queue" in r.getMessage()]
    assert len(spells) == 1
    assert "20000 requests/s" in spells[0].getMessage()
