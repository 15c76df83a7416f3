"""Day aggregations spread over connections: results in task order, failures surface."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from footfall.archive import parallel


class _NoSources:
    closed = 0

    def close(self) -> None:
        _NoSources.closed += 1


def test_results_come_back_in_task_order_from_several_connections(engine: Engine) -> None:
    seen: set[str] = set()
    lock = threading.Lock()

    def run(task: int, conn: Connection, sources: _NoSources) -> int:
        with lock:
            seen.add(threading.current_thread().name)
        return int(conn.execute(sa.select(sa.literal(task) * 2)).scalar_one())

    before = _NoSources.closed
    results = parallel.run_on_connections(engine, list(range(12)), lambda conn: _NoSources(),
                                          run)
    assert results == [task * 2 for task in range(12)]
    # each worker tidied up (one alone when another archive was spreading at the time)
    assert _NoSources.closed - before in (1, parallel.workers_for(engine))
    assert len(seen) <= parallel.DAY_WORKERS


def test_a_failing_task_fails_the_whole_run(engine: Engine) -> None:
    def run(task: int, conn: Connection, sources: _NoSources) -> int:
        if task == 3:
            raise ValueError("task 3 broke")
        return task

    with pytest.raises(ValueError, match="task 3 broke"):
        parallel.run_on_connections(engine, list(range(8)), lambda conn: _NoSources(), run)


def test_jobs_outside_a_spread_archive_run_on_the_given_connection(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TEMPORARY TABLE ff_test_only_here (x INTEGER)"))
        conn.execute(sa.text("INSERT INTO ff_test_only_here VALUES (7)"))
        count = sa.text("SELECT COUNT(*) FROM ff_test_only_here")
        with parallel.run_concurrently(conn, [lambda c: c.execute(count).scalar_one()] * 2,
                                       apart=False) as jobs:
            assert jobs.results() == [1, 1]  # they saw this connection's temporary table
        with parallel.run_concurrently(conn, [lambda c: c.execute(count).scalar_one()]) as jobs:
            assert jobs.results() == [1]  # not inside run_on_connections: same connection
        conn.execute(sa.text("DROP TABLE ff_test_only_here"))
