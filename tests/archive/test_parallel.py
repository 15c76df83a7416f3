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


def test_the_thread_of_a_finished_concurrent_job_takes_the_remaining_tasks(engine: Engine) -> None:
    """Where the day's connections share one visit copy (SQLite in a file), a concurrent
    job's thread runs the day's remaining tasks once its job is done; elsewhere the day's
    own workers do. Either way every task runs once and results come in task order."""
    job_done = threading.Event()
    ran_by: dict[int, str] = {}

    def job(conn: Connection) -> int:
        job_done.set()
        return 1

    def run(task: int, conn: Connection, sources: _NoSources) -> int | parallel.Later:
        ran_by[task] = threading.current_thread().name
        if task == 0:
            jobs = parallel.run_concurrently(conn, [job])
            return parallel.Later(finish=lambda: jobs.results()[0] - 2, abandon=jobs.close)
        job_done.wait(5)
        threading.Event().wait(0.02)  # leave the job's thread time to take a task
        return task

    results = parallel.run_on_connections(engine, list(range(8)), lambda conn: _NoSources(), run)
    assert results == [-1, *range(1, 8)]
    assert sorted(ran_by) == list(range(8))
    if parallel.shares_visit_copy(engine) and parallel.workers_for(engine) == 1:
        assert len(set(ran_by.values())) == 2


def test_a_failure_in_the_helping_thread_fails_the_run(engine: Engine) -> None:
    main = threading.current_thread().name

    def run(task: int, conn: Connection, sources: _NoSources) -> int | parallel.Later:
        if task == 0:
            jobs = parallel.run_concurrently(conn, [lambda c: 1])
            return parallel.Later(finish=lambda: jobs.results()[0], abandon=jobs.close)
        if threading.current_thread().name != main:
            raise ValueError("helper broke")
        threading.Event().wait(0.05)
        return task

    if not (parallel.shares_visit_copy(engine) and parallel.workers_for(engine) == 1):
        pytest.skip("no helping thread on this engine")
    with pytest.raises(ValueError, match="helper broke"):
        parallel.run_on_connections(engine, list(range(8)), lambda conn: _NoSources(), run)
