"""Group commits in a child process (what `footfall serve` runs): frames, answers, order
refusals, a child that dies, and a stop that commits what was in hand."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from footfall import testing
from footfall.db.schema import ingest_order
from footfall.testing import run_coroutine
from footfall.tracker import commit_process
from footfall.tracker.commit_process import CommitFailed, ProcessCommitter
from footfall.tracker.queue import QueueStore, QueueWriter
from tests.tracker.support import queued_payloads


def test_frames_carry_payloads_and_order_ids_unchanged() -> None:
    entries = [("idsite=1&é=ü", ()), ("", [(1, "A"), (2, "ø")]), ('{"hits": []}', ())]
    frame = commit_process.encode_frame(entries)
    assert int.from_bytes(frame[:4], "big") == len(frame) - 4
    assert commit_process.decode_frame(frame[4:]) == [
        ("idsite=1&é=ü", ()), ("", [(1, "A"), (2, "ø")]), ('{"hits": []}', ())]


def test_answers_say_which_requests_were_refused_or_why_all_failed() -> None:
    answer = commit_process.encode_answer([set(), {(1, "A")}, set()])
    assert commit_process.decode_answer(answer[4:], 3) == [set(), {(1, "A")}, set()]
    failed = commit_process.encode_answer(None, "OperationalError: disk I/O error")
    with pytest.raises(CommitFailed, match="disk I/O error"):
        commit_process.decode_answer(failed[4:], 3)


def _committer(db_url: str) -> ProcessCommitter:
    return ProcessCommitter(db_url, "FULL", max_batch=7)


def test_concurrent_requests_are_committed_and_repeated_orders_refused(
        store: QueueStore, db_url: str) -> None:
    async def run() -> list[object]:
        committer = _committer(db_url)
        await committer.start()
        try:
            answers = await asyncio.gather(
                *(committer.submit(f"p{n}") for n in range(50)),
                committer.submit_with_orders("order", [(1, "X")]),
                committer.submit_with_orders("again", [(1, "X")]))
            later = await committer.submit_with_orders("later", [(1, "X")])
            return [*answers, later, committer.committed.is_set()]
        finally:
            await committer.stop()

    answers = run_coroutine(run())
    assert answers[:50] == [set()] * 50  # committed, no order id to refuse
    assert answers[50:] == [set(), {(1, "X")}, {(1, "X")}, True]
    assert sorted(queued_payloads(store)) == sorted([f"p{n}" for n in range(50)] + ["order"])
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(ingest_order.c.idorder)).scalars().all() == ["X"]


def test_a_dead_child_fails_its_requests_and_the_next_ones_get_a_new_child(
        store: QueueStore, db_url: str) -> None:
    async def run() -> BaseException | None:
        committer = _committer(db_url)
        await committer.start()
        try:
            await committer.submit("before")
            assert committer._process is not None
            os.kill(committer._process.pid, signal.SIGKILL)
            await asyncio.get_running_loop().run_in_executor(None, committer._process.wait)
            try:
                await committer.submit("lost")
                failure = None
            except CommitFailed as error:
                failure = error
            for _ in range(200):  # the new child answers within seconds
                try:
                    await committer.submit("after")
                    break
                except CommitFailed:
                    await asyncio.sleep(0.05)
            return failure
        finally:
            await committer.stop()

    assert isinstance(run_coroutine(run()), CommitFailed)  # told, not left waiting
    assert queued_payloads(store)[0] == "before" and queued_payloads(store)[-1] == "after"
    assert "lost" not in queued_payloads(store)


def test_stop_commits_what_was_submitted_before_it(store: QueueStore, db_url: str) -> None:
    async def run() -> None:
        committer = _committer(db_url)
        await committer.start()
        waiting = [asyncio.ensure_future(committer.submit(f"q{n}")) for n in range(20)]
        await asyncio.sleep(0)  # the requests are in hand, not yet answered
        await committer.stop()
        await asyncio.gather(*waiting)
        with pytest.raises(RuntimeError, match="stopping"):
            await committer.submit("too late")

    run_coroutine(run())
    assert sorted(queued_payloads(store)) == sorted(f"q{n}" for n in range(20))


class _CountingWriter:
    """The real QueueWriter, counting the requests of each commit."""

    def __init__(self, store: QueueStore) -> None:
        self.writer = QueueWriter(store)
        self.commits: list[int] = []

    def write(self, entries: list[tuple[str, tuple[()]]]) -> list[set[tuple[int, str]]]:
        self.commits.append(len(entries))
        return self.writer.write(entries)


@pytest.mark.parametrize("max_wait, commits", [(0.0, [2, 1, 1]), (1.0, [2, 2])])
def test_max_wait_holds_a_commit_back_after_a_group_to_let_the_next_grow(
        tmp_path: Path, max_wait: float, commits: list[int]) -> None:
    url = f"sqlite:///{tmp_path / 'footfall.sqlite3'}"
    engine = testing.migrated_engine(url)
    store = QueueStore(engine, url)
    store.ensure_tables()
    counting = _CountingWriter(store)
    ours, theirs = socket.socketpair()
    child = threading.Thread(target=commit_process.serve, args=(theirs, counting, max_wait))
    child.start()
    try:
        with ours, ours.makefile("rb") as answers:
            def answer() -> list[frozenset[tuple[int, str]]]:
                size = int.from_bytes(answers.read(4), "big")
                return commit_process.decode_answer(answers.read(size), 1)

            ours.sendall(commit_process.encode_frame([("a", ()), ("b", ())]))
            answers.read(int.from_bytes(answers.read(4), "big"))
            ours.sendall(commit_process.encode_frame([("c", ())]))
            time.sleep(0.2)  # well within the hold, far longer than a commit
            ours.sendall(commit_process.encode_frame([("d", ())]))
            assert answer() == [frozenset()] and answer() == [frozenset()]
    finally:
        child.join(timeout=10)
        counting.writer.close()
        engine.dispose()
    assert counting.commits == commits
    assert queued_payloads(store) == ["a", "b", "c", "d"]
