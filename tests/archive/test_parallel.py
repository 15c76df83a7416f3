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


def test_later_results_are_finished_after_the_other_tasks(engine: Engine) -> None:
    """A task may start work elsewhere and hand back a `Later`: its worker finishes it once
    no other task is left, and the results still come back in task order."""
    finished_after: list[int] = []
    done: list[int] = []

    def finish() -> int:
        finished_after.append(len(done))
        return -1

    def run(task: int, conn: Connection, sources: _NoSources) -> int | parallel.Later:
        if task == 0:
            return parallel.Later(finish=finish, abandon=lambda: None)
        done.append(task)
        return task

    results = parallel.run_on_connections(engine, [0, 1, 2, 3], lambda conn: _NoSources(), run)
    assert results == [-1, 1, 2, 3]
    if parallel.workers_for(engine) == 1:  # one worker: every other task ran first
        assert finished_after == [3]


def test_a_failure_abandons_later_results_instead_of_finishing_them(engine: Engine) -> None:
    outcome: list[str] = []

    def run(task: int, conn: Connection, sources: _NoSources) -> int | parallel.Later:
        if task == 0:
            return parallel.Later(finish=lambda: outcome.append("finished"),
                                  abandon=lambda: outcome.append("abandoned"))
        raise ValueError("task broke")

    with pytest.raises(ValueError, match="task broke"):
        parallel.run_on_connections(engine, [0, 1], lambda conn: _NoSources(), run)
    assert outcome in ([], ["abandoned"])  # [] if another worker took task 1 first
    assert "finished" not in outcome
