"""The pipeline worker: the one consumer of the ingest queue.

Exactly one process at a time may turn queued hits into raw-log rows, because
visit recognition keeps its state in memory (DESIGN.md: "one writer per
visitor partition"). The worker holds a lease row; `serve --workers N` starts
N workers but only the lease holder consumes. A lease whose owner died on this
host is taken over at once, otherwise when it expires.

Each batch is written in one transaction that also records the last queue row
it covers (`ingest_progress`) and, when the queue shares the database, deletes
the rows: a hit is written exactly once. A batch that fails is retried row by
row and a row that still fails is moved to `ingest_failed` with its error.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.config import Settings
from footfall.db.dialects import immediate_transactions
from footfall.db.engine import make_engine
from footfall.db.schema import ingest_lease
from footfall.processes import process_exists
from footfall.tracker import queue
from footfall.tracker.deferral import CHECK_SECONDS, Deferral
from footfall.tracker.enrich.device_agents import agents_of_rows
from footfall.tracker.pipeline import Pipeline
from footfall.tracker.registry import SiteCache

log = logging.getLogger("footfall.tracker")
LEASE_NAME = "pipeline"
LEASE_MS = 30_000  # > warm-up time; a dead owner on this host is replaced at once
BATCH_ROWS = 200
BATCH_HITS = 1000
PREFETCH_ROWS = 2 * BATCH_ROWS  # rows ahead whose new agents are parsed in advance
TRIM_SECONDS = 5.0


class IngestWorker:
    """A thread that, while it holds the lease, drains the queue through the pipeline."""

    def __init__(self, settings: Settings, store: queue.QueueStore, sites: SiteCache,
                 committed: threading.Event, *, parse_processes: int = 0,
                 deferral: Deferral | None = None) -> None:
        self.store = store
        self.deferral = deferral  # the pipeline process waits out heavy load (deferral.py)
        # The pipeline reads then writes: its own engine, with SQLite transactions that
        # take the write lock when they begin.
        self.engine = make_engine(settings.database_url,
                                  sqlite_synchronous=settings.get_str("database",
                                                                      "sqlite_synchronous"))
        immediate_transactions(self.engine)
        self.pipeline = Pipeline(settings, store.main, sites, parse_processes=parse_processes)
        pid = os.getpid()
        self.owner = f"{socket.gethostname()}:{pid}:{id(self):x}:{_started(pid)}"
        self._committed = committed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lease_until = 0.0
        self._progress = 0
        self._prefetched = 0  # queue rows up to here had their agents handed to the pool
        self._trimmed = 0  # queue rows up to here are deleted (separate queue file)
        self._trimmed_at = 0.0
        self._warm = False
        self._standby_seconds = 0.0
        self.processed_batches = 0

    def warm_up(self) -> None:
        """Load the pipeline's rules (done by the worker thread once it holds the lease)."""
        if not self._warm:
            self.pipeline.warm_up()
            self._warm = True

    def start(self, *, standby_seconds: float = 0.0) -> None:
        """Start consuming; a standby first leaves `standby_seconds` to the dedicated
        consumer process and then only takes over a lease its holder lost."""
        self._standby_seconds = standby_seconds
        self._thread = threading.Thread(target=self._run, name="ingest-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._committed.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        self._release()
        self.pipeline.devices.close()
        self.engine.dispose()

    def wake(self) -> None:
        self._committed.set()

    def _run(self) -> None:
        if self._stop.wait(self._standby_seconds):
            return
        while not self._stop.is_set():
            try:
                if not self._hold_lease():
                    self._stop.wait(1.0)
                    continue
                self.warm_up()
                if self.deferral is not None and self.deferral.should_wait(self._progress):
                    self._stop.wait(CHECK_SECONDS)
                    continue
                if not self._process_one_batch():
                    self._committed.wait(0.1)
                    self._committed.clear()
            except Exception:  # noqa: BLE001 - the worker must survive a bad moment
                log.exception("ingest worker: unexpected error; retrying")
                self.pipeline.forget_state()
                self._lease_until = 0.0  # re-read progress and state before going on
                self._stop.wait(0.5)

    # -- lease -----------------------------------------------------------------------

    def _hold_lease(self) -> bool:
        now = time.monotonic()
        if now < self._lease_until - LEASE_MS / 3000:
            return True
        held_before = now < self._lease_until
        if try_lease(self.store.engine, self.owner):
            if not held_before:
                log.info("ingest worker %s now consumes the queue", self.owner)
                self._start_consuming()
            self._lease_until = now + LEASE_MS / 1000
            return True
        self._lease_until = 0.0
        return False

    def _start_consuming(self) -> None:
        """Another process may have written meanwhile: forget memory, re-read progress."""
        self.pipeline.forget_state()
        with self.store.main.connect() as conn:
            self._progress = queue.read_progress(conn)
        if self.store.separate:
            with self.store.engine.begin() as conn:
                queue.delete_up_to(conn, self._progress)
            self._trimmed = self._progress

    def _release(self) -> None:
        try:
            with self.store.engine.begin() as conn:
                conn.execute(ingest_lease.delete().where(ingest_lease.c.name == LEASE_NAME,
                                                         ingest_lease.c.owner == self.owner))
        except sa.exc.SQLAlchemyError:
            log.warning("ingest worker: could not release the lease", exc_info=True)

    # -- batches ---------------------------------------------------------------------

    def _next_rows(self) -> list[tuple[int, str]]:
        after = self._progress if self.store.separate else 0
        with self.store.engine.connect() as conn:
            rows = queue.take_batch(conn, BATCH_ROWS, after=after)
        kept, hits = [], 0
        for row in rows:  # bound the transaction: about BATCH_HITS hits, at least one row
            count = _hits_in(row[1])
            if kept and hits + count > BATCH_HITS:
                break
            kept.append(row)
            hits += count
        return kept

    def _prefetch_agents(self, after: int) -> None:
        """Start parsing the new user agents of the rows after this batch, in the
        detector's process pool, so a slow parse is done before its batch comes."""
        if not self.pipeline.devices.parse_processes:
            return
        start = max(after, self._prefetched)
        with self.store.engine.connect() as conn:
            upcoming = queue.take_batch(conn, PREFETCH_ROWS, after=start)
        if upcoming:
            self._prefetched = upcoming[-1][0]
            self.pipeline.devices.prefetch(agents_of_rows(upcoming))

    def _process_one_batch(self) -> bool:
        rows = self._next_rows()
        if not rows:
            self._trim(force=True)
            return False
        self._prefetch_agents(rows[-1][0])
        try:
            self._write(rows)
        except Exception:  # noqa: BLE001
            log.exception("ingest worker: batch of %d rows failed; retrying one by one",
                          len(rows))
            self.pipeline.forget_state()
            for row in rows:
                self._process_alone(row)
        self.processed_batches += 1
        return True

    def _write(self, rows: list[tuple[int, str]]) -> None:
        hits = self.pipeline.prepare(self.store.main, rows)
        last_id = rows[-1][0]
        with self.engine.begin() as conn:
            self.pipeline.process(conn, hits)
            queue.write_progress(conn, last_id)
            if not self.store.separate:
                queue.delete_rows(conn, [row_id for row_id, _ in rows])
        self.pipeline.committed()
        self._progress = max(self._progress, last_id)
        self._trim()

    def _trim(self, *, force: bool = False) -> None:
        """Delete processed rows from a separate queue file: when the queue is drained or
        every TRIM_SECONDS, not after each batch, so the HTTP workers, which commit
        acknowledgements to that file, rarely wait for its write lock."""
        if not self.store.separate or self._trimmed >= self._progress:
            return
        if not force and time.monotonic() - self._trimmed_at < TRIM_SECONDS:
            return
        with self.store.engine.begin() as conn:
            queue.delete_up_to(conn, self._progress)
        self._trimmed, self._trimmed_at = self._progress, time.monotonic()

    def _process_alone(self, row: tuple[int, str]) -> None:
        try:
            self._write([row])
        except Exception:  # noqa: BLE001
            self.pipeline.forget_state()
            error = traceback.format_exc()
            log.error("ingest worker: queue row %d failed and was set aside: %s", row[0], error)
            with self.store.engine.begin() as conn:
                queue.move_to_failed(conn, row[0], row[1], error)


def try_lease(engine: Engine, owner: str) -> bool:
    """Take or renew the consumer lease; True when `owner` holds it afterwards."""
    now_ms = int(time.time() * 1000)
    expires = now_ms + LEASE_MS
    table = ingest_lease
    try:
        with engine.begin() as conn:
            row = conn.execute(sa.select(table).where(table.c.name == LEASE_NAME)).first()
            if row is None:
                conn.execute(table.insert().values(name=LEASE_NAME, owner=owner,
                                                   expires_ms=expires))
                return True
            if row.owner != owner and _owner_alive(row.owner) and (
                    row.expires_ms > now_ms or _other_local_process(row.owner)):
                return False
            result = conn.execute(table.update().where(
                table.c.name == LEASE_NAME, table.c.owner == row.owner,
                table.c.expires_ms == row.expires_ms).values(owner=owner, expires_ms=expires))
            return result.rowcount == 1
    except sa.exc.IntegrityError:
        return False


def _other_local_process(owner: str) -> bool:
    """Whether `owner` is another process on this host. A live one keeps the lease even
    when late to renew it: the consumer process runs at the lowest CPU priority, so under
    sustained load one batch may outlast the lease (a dead one is replaced at once)."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    return host == socket.gethostname() and pid_text.isdigit() and int(pid_text) != os.getpid()


def _owner_alive(owner: str) -> bool:
    """False only when the owner is a process on this host that no longer exists (its
    pid is gone, or taken by a process started at another time)."""
    host, pid_text, _, started = (owner.split(":") + ["", "", ""])[:4]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    if not process_exists(int(pid_text)):
        return False
    return not started or _started(int(pid_text)) in ("", started)


def _started(pid: int) -> str:
    """A process's start time in clock ticks since boot (Linux), or ''."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[19].decode()
    except (OSError, IndexError):
        return ""


def _hits_in(payload: str) -> int:
    """How many hits a queued row holds, at least: the envelope's hit list is compact
    JSON, `[[index, item], ...]`, so each boundary between two hits reads `],[`
    (a `],[` inside an item can only make the count larger, and the batch smaller)."""
    return payload.count("],[") + 1
