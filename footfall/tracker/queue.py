"""The durable ingest queue: acknowledged hits wait here until the pipeline writes them.

"Acknowledged means durable" (DESIGN.md): a request is answered only after its
queue row is committed. `GroupCommitter` makes many concurrent requests share
one transaction: a request waits at most `group_commit_max_wait_ms`, usually
less, because a commit in progress collects the next group. Requests that
carry ecommerce orders take their own transaction, which also reserves their
order ids, so a repeated order id is refused before it is acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from footfall.db.dialects import separate_queue_url, upsert
from footfall.db.engine import make_engine
from footfall.db.schema import (
    ingest_failed,
    ingest_lease,
    ingest_order,
    ingest_progress,
    ingest_queue,
    log_conversion,
)
from footfall.tracker.clock import utcnow_naive

log = logging.getLogger("footfall.tracker")
QUEUE_TABLES = (ingest_queue, ingest_lease, ingest_order, ingest_failed)
PROGRESS_NAME = "pipeline"


class QueueStore:
    """Where the queue lives: the main database, or (SQLite) a file of its own."""

    def __init__(self, main: Engine, url: str, *, sqlite_synchronous: str = "FULL") -> None:
        self.main = main
        queue_url = separate_queue_url(url)
        self.separate = queue_url is not None
        self.engine = (make_engine(queue_url, sqlite_synchronous=sqlite_synchronous)
                       if queue_url else main)

    def ensure_tables(self) -> None:
        """Create the ingest tables where they are missing (older or separate databases)."""
        for table in QUEUE_TABLES:
            table.create(self.engine, checkfirst=True)
        ingest_progress.create(self.main, checkfirst=True)

    def dispose(self) -> None:
        if self.separate:
            self.engine.dispose()


def read_progress(conn: Connection) -> int:
    query = sa.select(ingest_progress.c.last_id).where(ingest_progress.c.name == PROGRESS_NAME)
    return int(conn.execute(query).scalar() or 0)


def write_progress(conn: Connection, last_id: int) -> None:
    """Record, inside the raw-log transaction, the last queue row it covers."""
    statement = upsert(ingest_progress, conn, keys=["name"], update=["last_id"])
    conn.execute(statement.values(name=PROGRESS_NAME, last_id=last_id))


class GroupCommitter:
    """Collects queue rows from concurrent requests and commits them together."""

    def __init__(self, store: QueueStore, *, max_batch: int = 1000, max_wait_ms: int = 5) -> None:
        self.store = store
        self.engine = store.engine
        self.max_batch = max(1, max_batch)
        self.max_wait = max(0, max_wait_ms) / 1000
        self._pending: list[tuple[str, asyncio.Future[None]]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-commit")
        self._writer = QueueWriter(store.engine)
        self.committed = threading.Event()  # set after each commit, for the pipeline worker
        self._last_group = 0

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="ingest-group-commit")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._executor.submit(self._writer.close)
        self._executor.shutdown(wait=True)

    async def submit(self, payload: str) -> None:
        """Queue one request's payload; returns once it is committed."""
        assert self._wake is not None, "GroupCommitter.start() was not awaited"
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((payload, future))
        self._wake.set()
        await future

    async def submit_with_orders(self, payload: str,
                                 orders: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
        """Reserve `orders` and queue `payload` in one transaction.

        Returns the order ids that already exist (then nothing was written).
        """
        loop = asyncio.get_running_loop()
        conflicts = await loop.run_in_executor(
            self._executor, reserve_and_enqueue, self.store, payload, orders)
        if not conflicts:
            self.committed.set()
        return conflicts

    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._last_group > 1 and len(self._pending) < self.max_batch and self.max_wait:
                # Under concurrent load a short wait lets more requests share the commit;
                # a lone request (last group of one) is committed at once.
                await asyncio.sleep(self.max_wait)
            while self._pending:
                group = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                self._last_group = len(group)
                await self._commit(loop, group)

    async def _commit(self, loop: asyncio.AbstractEventLoop,
                      group: list[tuple[str, asyncio.Future[None]]]) -> None:
        try:
            await loop.run_in_executor(self._executor, self._writer.write,
                                       [payload for payload, _ in group])
        except Exception as error:  # noqa: BLE001 - every waiting request must hear of it
            log.exception("ingest: group commit of %d requests failed", len(group))
            for _, future in group:
                if not future.done():
                    future.set_exception(error)
            return
        self.committed.set()
        for _, future in group:
            if not future.done():
                future.set_result(None)


class QueueWriter:
    """Inserts groups of payloads through one DBAPI connection kept for the purpose.

    The commit thread calls it for every group, so it skips SQLAlchemy's per-statement
    work: one multi-row INSERT per (at most) `CHUNK` payloads, then COMMIT. Used from one
    thread at a time.
    """

    CHUNK = 400  # under SQLite's oldest limit of 999 bound parameters

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Any = None
        marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._sql = f"INSERT INTO {ingest_queue.name} (payload) VALUES ({marker})"
        self._row = f", ({marker})"
        self._sqlite = engine.dialect.name == "sqlite"

    def write(self, payloads: Sequence[str]) -> None:
        if self._connection is None:
            self._connection = self.engine.raw_connection()
            self._connection.detach()  # its settings below must not reach the pool
            if self._sqlite:
                self._connection.cursor().execute("PRAGMA busy_timeout=0")
        connection = self._connection
        try:
            cursor = connection.cursor()
            if self._sqlite:
                _begin_immediate(cursor)
            for start in range(0, len(payloads), self.CHUNK):
                chunk = payloads[start:start + self.CHUNK]
                cursor.execute(self._sql + self._row * (len(chunk) - 1), chunk)
            cursor.close()
            connection.commit()
        except Exception:
            self.close(invalidate=True)  # a broken connection is not reused
            raise

    def close(self, *, invalidate: bool = False) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        with contextlib.suppress(Exception):
            if invalidate:
                connection.invalidate()
            else:
                connection.close()


def _begin_immediate(cursor: Any, timeout: float = 30.0) -> None:
    """Take SQLite's write lock, polling every 0.1-2 ms while another process holds it.

    SQLite's own busy handler sleeps 1, 2, 5, 10... ms between tries: two server
    processes committing acknowledgements in turn would mostly wait in those sleeps.
    """
    deadline = time.monotonic() + timeout
    delay = 0.0001
    while True:
        try:
            cursor.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.002)


def enqueue(engine: Engine, payloads: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(ingest_queue.insert(), [{"payload": p} for p in payloads])


def reserve_and_enqueue(store: QueueStore, payload: str,
                        orders: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
    """One transaction: refuse known order ids, else reserve them and queue the payload."""
    for _attempt in range(3):
        try:
            recorded = recorded_orders(store.main, orders)
            if recorded:
                return recorded
            with store.engine.begin() as conn:
                conflicts = known_orders(conn, orders)
                if conflicts:
                    return conflicts
                conn.execute(ingest_order.insert(),
                             [{"idsite": s, "idorder": o} for s, o in set(orders)])
                conn.execute(ingest_queue.insert().values(payload=payload))
            return set()
        except sa.exc.IntegrityError:
            continue  # another process reserved one of them meanwhile: look again
    with store.engine.connect() as conn:
        return known_orders(conn, orders) or set(orders)


def known_orders(conn: Connection, orders: Iterable[tuple[int, str]],
                 table: sa.Table = ingest_order) -> set[tuple[int, str]]:
    """The order ids among `orders` that `table` (reservations by default) holds."""
    found: set[tuple[int, str]] = set()
    for idsite, idorder in set(orders):
        query = sa.select(table.c.idsite).where(
            table.c.idsite == idsite, table.c.idorder == idorder).limit(1)
        if conn.execute(query).first() is not None:
            found.add((idsite, idorder))
    return found


def recorded_orders(main: Engine, orders: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Order ids already in the raw log (e.g. imported before reservations existed)."""
    with main.connect() as conn:
        return known_orders(conn, orders, log_conversion)


def take_batch(conn: Connection, limit: int, *, after: int = 0) -> list[tuple[int, str]]:
    """The oldest queue rows after row `after`, in arrival order."""
    query = sa.select(ingest_queue.c.id, ingest_queue.c.payload).where(
        ingest_queue.c.id > after).order_by(ingest_queue.c.id)
    return [(row.id, row.payload) for row in conn.execute(query.limit(limit))]


def delete_up_to(conn: Connection, last_id: int) -> None:
    conn.execute(ingest_queue.delete().where(ingest_queue.c.id <= last_id))


def delete_rows(conn: Connection, ids: Sequence[int]) -> None:
    if not ids:
        return
    if ids[-1] - ids[0] + 1 == len(ids) and list(ids) == sorted(ids):
        conn.execute(ingest_queue.delete().where(ingest_queue.c.id.between(ids[0], ids[-1])))
    else:
        conn.execute(ingest_queue.delete().where(ingest_queue.c.id.in_(list(ids))))


def pending_up_to(store: QueueStore, last_id: int) -> int:
    """Queue rows up to `last_id` not yet in the raw log (rows up to the recorded
    progress are processed even while they wait to be deleted)."""
    with store.main.connect() as conn:
        done = read_progress(conn)
    query = sa.select(sa.func.count()).select_from(ingest_queue).where(
        ingest_queue.c.id <= last_id, ingest_queue.c.id > done)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def last_queued_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(ingest_queue.c.id))).scalar() or 0)


def move_to_failed(conn: Connection, row_id: int, payload: str, error: str) -> None:
    conn.execute(ingest_failed.delete().where(ingest_failed.c.id == row_id))
    conn.execute(ingest_failed.insert().values(
        id=row_id, payload=payload, error=error[:4000], failed_at=utcnow_naive()))
    conn.execute(ingest_queue.delete().where(ingest_queue.c.id == row_id))
