"""The ingest queue's acknowledgement side: group commits with order reservations, the
drain count, the consumer lease between local processes, the consumer's priority."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from footfall.db import dialects
from footfall.db.schema import ingest_order, ingest_queue
from footfall.testing import run_coroutine
from footfall.tracker import queue, worker
from footfall.tracker.queue import GroupCommitter, QueueStore, QueueWriter
from tests.tracker.support import queued_payloads


def _reserved(store: QueueStore) -> set[tuple[int, str]]:
    with store.engine.connect() as conn:
        return {(row.idsite, row.idorder) for row in conn.execute(sa.select(ingest_order))}


def test_one_commit_refuses_repeated_order_ids_and_keeps_the_rest(store: QueueStore) -> None:
    writer = QueueWriter(store)
    try:
        first = writer.write([("a", [(1, "A")]), ("b", [(1, "A")]), ("c", []),
                              ("d", [(1, "B"), (2, "A")])])
        again = writer.write([("e", [(1, "B")]), ("f", [(3, "B")])])
    finally:
        writer.close()
    assert first == [set(), {(1, "A")}, set(), set()]
    assert again == [{(1, "B")}, set()]
    assert queued_payloads(store) == ["a", "c", "d", "f"]
    assert _reserved(store) == {(1, "A"), (1, "B"), (2, "A"), (3, "B")}


def test_group_committer_answers_every_request_of_a_group(store: QueueStore) -> None:
    async def run() -> list[object]:
        committer = GroupCommitter(store)
        await committer.start()
        try:
            return await asyncio.gather(
                *(committer.submit(f"p{n}") for n in range(50)),
                committer.submit_with_orders("order", [(1, "X")]),
                committer.submit_with_orders("again", [(1, "X")]))
        finally:
            await committer.stop()

    answers = run_coroutine(run())  # not asyncio.run: a Playwright loop may be running
    assert answers[:50] == [set()] * 50  # committed, no order id to refuse
    assert answers[50:] == [set(), {(1, "X")}]
    assert sorted(queued_payloads(store)) == sorted([f"p{n}" for n in range(50)] + ["order"])


def test_pending_rows_exclude_those_the_pipeline_recorded(store: QueueStore) -> None:
    queue.enqueue(store.engine, ["one", "two", "three"])
    last = queue.last_queued_id(store.engine)
    assert queue.pending_up_to(store, last) == 3
    with store.main.begin() as conn:  # processed, not yet deleted from the queue
        queue.write_progress(conn, last - 1)
    assert queue.pending_up_to(store, last) == 1


def test_a_live_local_consumer_keeps_its_lease_after_it_expires(store: QueueStore) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = worker._started(sleeper.pid)
        holder = f"{socket.gethostname()}:{sleeper.pid}:1:{started}"
        with store.engine.begin() as conn:
            conn.execute(sa.insert(worker.ingest_lease).values(
                name=worker.LEASE_NAME, owner=holder, expires_ms=1))  # long expired
        assert not worker.try_lease(store.engine, "me")
        sleeper.kill()
        sleeper.wait()
        assert worker.try_lease(store.engine, "me")  # a dead holder is replaced at once
    finally:
        sleeper.kill()


def test_a_reused_pid_does_not_keep_a_dead_owner_alive() -> None:
    host = socket.gethostname()
    mine = worker._started(os.getpid())
    assert worker._owner_alive(f"{host}:{os.getpid()}:1:{mine}")
    assert not worker._owner_alive(f"{host}:{os.getpid()}:1:{mine}0")
    assert worker._owner_alive(f"elsewhere:{os.getpid()}:1:0")  # other hosts: the lease decides


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
def test_the_consumer_process_runs_on_idle_cpu_only() -> None:
    code = ("import os; from footfall.tracker.consumer import lower_priority; lower_priority(); "
            "print(os.sched_getscheduler(0) == os.SCHED_IDLE or os.nice(0) == 19)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "True"


def test_a_table_another_process_created_meanwhile_is_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    ingest_queue.create(engine)  # another process was quicker...
    real_has_table = engine.dialect.has_table
    looks = []

    def has_table(*args: object, **kwargs: object) -> bool:
        looks.append(args)
        return False if len(looks) == 1 else real_has_table(*args, **kwargs)

    monkeypatch.setattr(engine.dialect, "has_table", has_table)  # ...than this one's look
    dialects.create_if_missing(ingest_queue, engine)
    assert len(looks) == 2  # the CREATE failed, and a second look found the table
    engine.dispose()
