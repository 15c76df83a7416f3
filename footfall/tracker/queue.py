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

from footfall.db.dialects import create_if_missing, separate_queue_url, upsert
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
        """Create the ingest tables where they are missing (older or separate databases).

        `footfall serve --workers N` and its pipeline process all start at once on a new
        data directory: each may see a table missing and try to create it.
        """
        for table in QUEUE_TABLES:
            create_if_missing(table, self.engine)
        create_if_missing(ingest_progress, self.main)

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


Order = tuple[int, str]  # (idsite, order id)
# A request's payload (JSON text, or its UTF-8 bytes as the endpoint makes it: decoded
# where it is written, off the event loop) and the order ids it carries.
Entry = tuple[str | bytes, Sequence[Order]]


class GroupCommitter:
    """Collects queue rows from concurrent requests and commits them together."""

    def __init__(self, store: QueueStore, *, max_batch: int = 1000, max_wait_ms: int = 0) -> None:
        self.store = store
        self.engine = store.engine
        self.max_batch = max(1, max_batch)
        self.max_wait = max(0, max_wait_ms) / 1000
        self._pending: list[tuple[Entry, asyncio.Future[set[Order]]]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        # The loop of start(): asyncio.get_running_loop() costs a getpid() system call per
        # request on Python 3.11, a measurable share of the event loop's time per hit.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-commit")
        self._writer = QueueWriter(store)
        self.committed = threading.Event()  # set after each commit, for the pipeline worker
        self._last_group = 0
        self._stopping = False

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="ingest-group-commit")

    async def stop(self) -> None:
        """Commit what is pending, then stop (later requests are refused: 503)."""
        self._stopping = True
        if self._task is not None and self._wake is not None:
            self._wake.set()
            await self._task
        self._executor.submit(self._writer.close)
        await asyncio.get_running_loop().run_in_executor(None, self._executor.shutdown)

    def submit(self, payload: str | bytes) -> asyncio.Future[set[Order]]:
        """Queue one request's payload: await the answer to know it is committed (a
        future, not a coroutine: one frame less per hit)."""
        return self._enqueue((payload, ()))

    def submit_with_orders(self, payload: str | bytes,
                           orders: Sequence[Order]) -> asyncio.Future[set[Order]]:
        """Reserve `orders` and queue `payload` in one transaction (the group's).

        Returns the order ids that already exist (then nothing was written for it).
        """
        return self._enqueue((payload, orders))

    def _enqueue(self, entry: Entry) -> asyncio.Future[set[Order]]:
        """Add `entry` to the next group; the future is resolved once it is committed."""
        assert self._wake is not None and self._loop is not None, (
            "GroupCommitter.start() was not awaited")
        if self._stopping:
            raise RuntimeError("the server is stopping")
        future: asyncio.Future[set[Order]] = self._loop.create_future()
        self._pending.append((entry, future))
        self._wake.set()
        return future

    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._last_group > 1 and len(self._pending) < self.max_batch and self.max_wait:
                # [Tracker] group_commit_max_wait_ms > 0: hold the group back to let it grow
                # (fewer fsyncs, slower answers); a lone request is committed at once.
                await asyncio.sleep(self.max_wait)
            while self._pending:
                group = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                self._last_group = len(group)
                await self._commit(loop, group)
            if self._stopping:
                return

    async def _commit(self, loop: asyncio.AbstractEventLoop,
                      group: list[tuple[Entry, asyncio.Future[set[Order]]]]) -> None:
        try:
            conflicts = await loop.run_in_executor(self._executor, self._writer.write,
                                                   [entry for entry, _ in group])
        except Exception as error:  # noqa: BLE001 - every waiting request must hear of it
            log.exception("ingest: group commit of %d requests failed", len(group))
            for _, future in group:
                if not future.done():
                    future.set_exception(error)
            return
        self.committed.set()
        for (_, future), refused in zip(group, conflicts, strict=True):
            if not future.done():
                future.set_result(refused)


class QueueWriter:
    """Commits a group of requests through one DBAPI connection kept for the purpose.

    The commit thread calls it for every group, so it skips SQLAlchemy's per-statement
    work: multi-row statements of at most `CHUNK` rows, then one COMMIT. A request whose
    order ids are already recorded, reserved, or taken by an earlier request of the group
    is refused (nothing of it is written); the others' order ids are reserved in the same
    transaction as their queue rows. Used from one thread at a time.
    """

    CHUNK = 400  # under SQLite's oldest limit of 999 bound parameters

    def __init__(self, store: QueueStore) -> None:
        self.store = store
        self.engine = store.engine
        self._connection: Any = None
        self._mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        self._sqlite = self.engine.dialect.name == "sqlite"

    def write(self, entries: Sequence[Entry]) -> list[set[Order]]:
        """Commit `entries`; for each, the order ids that refused it (empty: written)."""
        integrity_error = self.engine.dialect.dbapi.IntegrityError
        for attempt in range(3):
            try:
                return self._write(entries)
            except integrity_error:
                if attempt == 2:  # another process reserved one of the order ids
                    raise         # meanwhile: looking again finds it, twice over
        raise AssertionError("unreachable")

    def _write(self, entries: Sequence[Entry]) -> list[set[Order]]:
        orders = {order for _, wanted in entries for order in wanted}
        taken = recorded_orders(self.store.main, orders) if orders else set()
        connection = self._connect()
        try:
            cursor = connection.cursor()
            if self._sqlite:
                _begin_immediate(cursor)
            if orders:
                taken |= self._reserved(cursor, orders)
            refusals: list[set[Order]] = []
            payloads: list[tuple[str]] = []
            reserve: list[Order] = []
            for payload, wanted in entries:
                clash = {order for order in wanted if order in taken}
                refusals.append(clash)
                if not clash:
                    fresh = set(wanted)
                    taken |= fresh
                    reserve.extend(fresh)
                    payloads.append((payload if isinstance(payload, str) else payload.decode(),))
            self._insert(cursor, f"{ingest_order.name} (idsite, idorder)", reserve)
            self._insert(cursor, f"{ingest_queue.name} (payload)", payloads)
            cursor.close()
            connection.commit()
            return refusals
        except Exception:
            self.close(invalidate=True)  # a broken connection is not reused
            raise

    def _connect(self) -> Any:
        if self._connection is None:
            self._connection = self.engine.raw_connection()
            self._connection.detach()  # its settings below must not reach the pool
            if self._sqlite:
                self._connection.cursor().execute("PRAGMA busy_timeout=0")
        return self._connection

    def _insert(self, cursor: Any, into: str, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        row = "(" + ", ".join([self._mark] * len(rows[0])) + ")"
        for start in range(0, len(rows), self.CHUNK):
            chunk = rows[start:start + self.CHUNK]
            values = ", ".join([row] * len(chunk))
            cursor.execute(f"INSERT INTO {into} VALUES {values}",
                           [value for each in chunk for value in each])

    def _reserved(self, cursor: Any, orders: set[Order]) -> set[Order]:
        found: set[Order] = set()
        for idsite, ids in _by_site(orders).items():
            for start in range(0, len(ids), self.CHUNK):
                chunk = ids[start:start + self.CHUNK]
                marks = ", ".join([self._mark] * len(chunk))
                cursor.execute(f"SELECT idsite, idorder FROM {ingest_order.name} WHERE idsite = "
                               f"{self._mark} AND idorder IN ({marks})", [idsite, *chunk])
                found.update((int(site), str(order)) for site, order in cursor.fetchall())
        return found

    def close(self, *, invalidate: bool = False) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        with contextlib.suppress(Exception):
            if invalidate:
                connection.invalidate()
            else:
                connection.close()


def _by_site(orders: Iterable[Order]) -> dict[int, list[str]]:
    sites: dict[int, list[str]] = {}
    for idsite, idorder in orders:
        sites.setdefault(idsite, []).append(idorder)
    return sites


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
    """Queue payloads in one transaction (tools and benchmarks; the server groups them)."""
    with engine.begin() as conn:
        conn.execute(ingest_queue.insert(), [{"payload": p} for p in payloads])


def recorded_orders(main: Engine, orders: Iterable[Order]) -> set[Order]:
    """Order ids already in the raw log (e.g. imported before reservations existed)."""
    found: set[Order] = set()
    with main.connect() as conn:
        for idsite, ids in _by_site(set(orders)).items():
            for start in range(0, len(ids), QueueWriter.CHUNK):
                query = sa.select(log_conversion.c.idsite, log_conversion.c.idorder).where(
                    log_conversion.c.idsite == idsite,
                    log_conversion.c.idorder.in_(ids[start:start + QueueWriter.CHUNK]))
                found.update((int(row[0]), str(row[1])) for row in conn.execute(query))
    return found


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
