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
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy.engine import Connection, Engine

from footfall.archive.sources import DaySources

# Connections per day archive: the aggregations are independent, and two
# connections already take the GIL-free database work off the Python thread.
DAY_WORKERS = 2

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

    def work() -> None:
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
    if count <= 1:
        work()
    else:
        with ThreadPoolExecutor(count, thread_name_prefix="footfall-archive") as pool:
            futures = [pool.submit(work) for _ in range(count)]
            for future in futures:
                future.result()
    return [results[index] for index in range(len(tasks))]
