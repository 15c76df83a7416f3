"""Run a day's family aggregations on a few database connections at once.

Most of a day archive's time is spent inside the database (sorting the day's
rows for each GROUP BY), and the drivers release the GIL while they wait, so
two connections keep two cores busy. Each worker thread opens its own
connection, and with it its own temporary copies of the day's rows
(`sources.DaySources`, made on first use), then takes the next family from a
shared queue until none is left. Results come back in the families' order, so
the archive is the same whatever ran where.

Where the Actions passes read the log itself (`sources.passes_read_the_log`),
they keep another connection busy from the start (`run_concurrently`, `Later`),
and the visit families share one worker: on PostgreSQL a second one would only
copy the day's visits again. Measured on two busy cores (bench/archive.py data,
both layouts alternating in one process): one visit worker and one pass
connection took 12.6-14.5x the scan's CPU time and 7.8-11.0x its wall time; two
visit workers each with its own copy and three pass connections 14.4-17.6x and
10.4-11.5x. On SQLite two workers can share one copy (`sources.SharedDay`, a
scratch file both attach; `SHARED_VISIT_WORKERS = 2`): on 2026-11-28, with
another process holding one of the two cores (load 3-4.6), that took no less
wall time than one worker (full size, medians: 13.3 s against 12.9 s, and
17-19 s against 14-15 s at load 4.6), its two workers' Python and row fetches
contending for the GIL; on a machine with both cores free it should spread the
visit families (~60% of the archive's CPU) over both. Not measured so.

What does pay there is the passes' thread taking the day's remaining families once
its passes are done (`_Helper`): it reads the same shared copy, and there are never
more than two busy threads. On a quiet machine (2026-11-28, full size) the visit
worker used to finish ~0.9 s after the passes; the two now end within about one
family of each other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from footfall.archive.sources import DaySources, passes_read_the_log

# Connections for the visit families of a day archive when the Actions passes cannot run
# beside them (MySQL/MariaDB read this connection's copy): two keep two cores busy.
DAY_WORKERS = 2

# Visit workers where they can share one visit copy (SQLite, `sources.SharedDay`): one, as
# measured on 2026-11-28 (module docstring); 2 lets the visit families use both cores when
# the machine has them free.
SHARED_VISIT_WORKERS = 1

# One day archive at a time spreads over connections (up to DAY_WORKERS + its passes);
# others running meanwhile (scheduler, browser requests) use one connection each, so a
# burst of archive builds cannot exhaust the connection pool waiting on each other.
_spreading = threading.BoundedSemaphore(1)
_thread = threading.local()

Task = TypeVar("Task")
Result = TypeVar("Result")


@dataclass
class Later:
    """A task's result that its worker finishes after its other tasks: the task started
    work elsewhere (`run_concurrently`) and would only wait for it now. `abandon` is
    called instead of `finish` when the run fails first."""

    finish: Callable[[], Any]
    abandon: Callable[[], None]


def workers_for(engine: Engine) -> int:
    """Connections for a day's families: DAY_WORKERS where the Actions passes read their
    own copy (MySQL/MariaDB); one where the passes take another connection (SQLite,
    PostgreSQL) and for in-memory SQLite. Two SQLite workers sharing one visit copy
    (`SHARED_VISIT_WORKERS`) measured no faster on a loaded two-core machine (see the
    module docstring)."""
    if not has_shared_database(engine):
        return 1
    if shares_visit_copy(engine):
        return SHARED_VISIT_WORKERS
    return 1 if passes_read_the_log(engine.dialect.name) else DAY_WORKERS


def shares_visit_copy(engine: Engine) -> bool:
    """Whether a day archive's connections can share one visit copy (`sources.SharedDay`):
    SQLite databases in a file, which every connection can attach beside."""
    return engine.dialect.name == "sqlite" and has_shared_database(engine)


def has_shared_database(engine: Engine) -> bool:
    """Whether the engine's connections see one database (not so for in-memory SQLite)."""
    database = engine.url.database or ""
    return not (engine.dialect.name == "sqlite" and (database in ("", ":memory:") or
                                                     "mode=memory" in database))


def run_on_connections(engine: Engine, tasks: Sequence[Task],
                       open_sources: Callable[[Connection], DaySources],
                       run: Callable[[Task, Connection, DaySources], Result | Later]
                       ) -> list[Result]:
    """`run(task, conn, sources)` for every task, spread over `workers_for(engine)` connections
    (a `Later` result is finished by its worker once that worker has no other task left)."""
    results: dict[int, Result] = {}
    pending = list(enumerate(tasks))
    pending.reverse()
    guard = threading.Lock()

    def work(spread: bool) -> None:
        _thread.spread = spread
        later: list[tuple[int, Later]] = []
        with engine.connect() as conn:
            sources = open_sources(conn)
            try:
                while True:
                    with guard:
                        if not pending:
                            break
                        index, task = pending.pop()
                    result = run(task, conn, sources)
                    if isinstance(result, Later):
                        later.append((index, result))
                    else:
                        results[index] = result
                while later:
                    index, waiting = later.pop(0)
                    results[index] = waiting.finish()
            except BaseException:
                with guard:
                    pending.clear()  # the others stop after their current task
                for _, waiting in later:
                    waiting.abandon()
                raise
            finally:
                sources.close()

    count = min(workers_for(engine), len(tasks))
    spread = has_shared_database(engine) and _spreading.acquire(blocking=False)
    if count <= 1 or not spread:
        spread_before = getattr(_thread, "spread", False)
        helper_before = getattr(_thread, "helper", None)
        helper = _Helper(work) if spread and shares_visit_copy(engine) else None
        _thread.helper = helper
        try:
            work(spread)
            if helper is not None:
                helper.wait()
        finally:
            _thread.spread, _thread.helper = spread_before, helper_before
            if spread:
                _spreading.release()
    else:
        try:
            with ThreadPoolExecutor(count, thread_name_prefix="footfall-archive") as pool:
                futures = [pool.submit(work, True) for _ in range(count)]
                for future in futures:
                    future.result()
        finally:
            _spreading.release()
    return [results[index] for index in range(len(tasks))]


class _Helper:
    """A spread day archive's offer of its remaining tasks to the thread of a concurrent job
    (`Concurrent`) once that job is done: where the day's workers share one visit copy
    (SQLite), the Actions passes' thread then runs visit families beside the day's worker
    instead of idling while it finishes them (measured on 2026-11-28: ~0.9 s of a 3.6 s
    full-size day)."""

    def __init__(self, work: Callable[[bool], None]) -> None:
        self._work = work
        self._future: Future[None] | None = None

    def start(self, pool: ThreadPoolExecutor) -> None:
        """Queue the help behind the jobs already submitted to `pool`."""
        self._future = pool.submit(self._work, True)

    def wait(self) -> None:
        """Wait for the help, if it started, and raise what it raised."""
        if self._future is not None and not self._future.cancelled():
            self._future.result()


class Concurrent:
    """Jobs running on their own threads and connections; `results()` waits for them."""

    def __init__(self, conn: Connection, jobs: Sequence[Callable[[Connection], Any]],
                 apart: bool = True) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._futures: list[Future[Any]] = []
        self._done: list[Any] | None = None
        engine = conn.engine
        if not apart or not has_shared_database(engine) or not getattr(_thread, "spread", False):
            self._done = [job(conn) for job in jobs]
            return
        self._pool = ThreadPoolExecutor(len(jobs), thread_name_prefix="footfall-archive")
        self._futures = [self._pool.submit(_on_own_connection, engine, job) for job in jobs]
        helper: _Helper | None = getattr(_thread, "helper", None)
        if helper is not None:  # the first thread done with its job takes day tasks next
            _thread.helper = None
            helper.start(self._pool)

    def results(self) -> list[Any]:
        if self._done is None:
            self._done = [future.result() for future in self._futures]
        return self._done

    def __enter__(self) -> Concurrent:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the jobs that have started; drop those that have not."""
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
