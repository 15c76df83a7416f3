"""Run a day's family aggregations on a few database connections at once.

Most of a day archive's time is spent inside the database (sorting the day's
rows for each GROUP BY), and the drivers release the GIL while they wait, so
two connections keep two cores busy. Each worker thread opens its own
connection, and with it its own temporary copies of the day's rows
(`sources.DaySources`, made on first use), then takes the next family from a
shared queue until none is left. Results come back in the families' order, so
the archive is the same whatever ran where.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from footfall.archive.sources import DaySources

# Connections per day archive: the aggregations are independent, and two
# connections already take the GIL-free database work off the Python thread.
DAY_WORKERS = 2

# One day archive at a time spreads over connections (up to DAY_WORKERS + its passes);
# others running meanwhile (scheduler, browser requests) use one connection each, so a
# burst of archive builds cannot exhaust the connection pool waiting on each other.
_spreading = threading.BoundedSemaphore(1)
_thread = threading.local()

Task = TypeVar("Task")
Result = TypeVar("Result")


def workers_for(engine: Engine) -> int:
    """One connection for in-memory SQLite (each connection would see its own database)."""
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and (database in ("", ":memory:") or
                                            "mode=memory" in database):
        return 1
    return DAY_WORKERS


def run_on_connections(engine: Engine, tasks: Sequence[Task],
                       open_sources: Callable[[Connection], DaySources],
                       run: Callable[[Task, Connection, DaySources], Result]) -> list[Result]:
    """`run(task, conn, sources)` for every task, spread over `workers_for(engine)` connections."""
    results: dict[int, Result] = {}
    pending = list(enumerate(tasks))
    pending.reverse()
    guard = threading.Lock()

    def work(spread: bool) -> None:
        _thread.spread = spread
        with engine.connect() as conn:
            sources = open_sources(conn)
            try:
                while True:
                    with guard:
                        if not pending:
                            return
                        index, task = pending.pop()
                    results[index] = run(task, conn, sources)
            except BaseException:
                with guard:
                    pending.clear()  # the others stop after their current task
                raise
            finally:
                sources.close()

    count = min(workers_for(engine), len(tasks))
    if count <= 1 or not _spreading.acquire(blocking=False):
        spread_before = getattr(_thread, "spread", False)
        try:
            work(False)
        finally:
            _thread.spread = spread_before
    else:
        try:
            with ThreadPoolExecutor(count, thread_name_prefix="footfall-archive") as pool:
                futures = [pool.submit(work, True) for _ in range(count)]
                for future in futures:
                    future.result()
        finally:
            _spreading.release()
    return [results[index] for index in range(len(tasks))]


class Concurrent:
    """Jobs running on their own threads and connections; `results()` waits for them."""

    def __init__(self, conn: Connection, jobs: Sequence[Callable[[Connection], Any]],
                 apart: bool = True) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._futures: list[Future[Any]] = []
        self._done: list[Any] | None = None
        engine = conn.engine
        if not apart or workers_for(engine) <= 1 or not getattr(_thread, "spread", False):
            self._done = [job(conn) for job in jobs]
            return
        self._pool = ThreadPoolExecutor(len(jobs), thread_name_prefix="footfall-archive")
        self._futures = [self._pool.submit(_on_own_connection, engine, job) for job in jobs]

    def results(self) -> list[Any]:
        if self._done is None:
            self._done = [future.result() for future in self._futures]
        return self._done

    def __enter__(self) -> Concurrent:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def run_concurrently(conn: Connection, jobs: Sequence[Callable[[Connection], Any]], *,
                     apart: bool = True) -> Concurrent:
    """Start independent read-only jobs, each on a new connection of `conn`'s engine, while
    the caller goes on with `conn`; with `apart=False` (jobs reading `conn`'s temporary
    copies), in-memory SQLite, or outside a spread day archive (`run_on_connections`),
    they run at once, one after the other, on `conn`.
    """
    return Concurrent(conn, jobs, apart)


def _on_own_connection(engine: Engine, job: Callable[[Connection], Any]) -> Any:
    with engine.connect() as conn:
        return job(conn)
