"""Group commits in a process of their own, beside each HTTP worker of `footfall serve`.

A commit thread shares the interpreter lock with the event loop: each time it
comes back from SQLite or fsync it waits for the busy loop to let the lock go
(up to the switch interval, 5 ms), so a commit of half a millisecond took
several, and every request waiting for it with it. A child process has a lock
of its own.

The loop writes the requests that arrived during one turn as a frame to a
socket pair and goes on; it never waits for the child. The child commits every
frame that is waiting when it is ready, in one transaction (`QueueWriter`, as
the thread did), so the groups grow by themselves while a commit runs, and
answers each frame in order. The loop resolves the requests of a frame when its
answer comes. The child exits when the socket closes, so it never outlives its
worker, and it ignores SIGINT/SIGTERM: the worker stops it after its last frame.

Frames, both ways, are a 4-byte big-endian length and a body. A frame of
requests holds their count, each payload's length and bytes, then a JSON map of
request index -> order ids (usually `{}`). An answer is JSON: the refused order
ids by request index, or the error that failed the frame.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

import orjson

from footfall.tracker.queue import Entry, Order

log = logging.getLogger("footfall.tracker")
_LENGTH = struct.Struct("!I")
URL_ENV = "FOOTFALL_COMMIT_DATABASE_URL"
SYNCHRONOUS_ENV = "FOOTFALL_COMMIT_SQLITE_SYNCHRONOUS"
MAX_WAIT_ENV = "FOOTFALL_COMMIT_MAX_WAIT_MS"
_NONE_REFUSED: frozenset[Order] = frozenset()
Waiting = list["asyncio.Future[frozenset[Order]]"]


class CommitFailed(RuntimeError):
    """The child could not commit a frame (its reason), or is gone."""


# -- frames ------------------------------------------------------------------------------

def encode_frame(entries: Sequence[Entry]) -> bytes:
    parts = [b"", _LENGTH.pack(len(entries))]
    orders: dict[int, Sequence[Order]] = {}
    for index, (payload, wanted) in enumerate(entries):
        data = payload if isinstance(payload, bytes) else payload.encode()
        parts += (_LENGTH.pack(len(data)), data)
        if wanted:
            orders[index] = wanted
    parts.append(orjson.dumps(orders, option=orjson.OPT_NON_STR_KEYS))
    parts[0] = _LENGTH.pack(sum(len(part) for part in parts))
    return b"".join(parts)


def decode_frame(body: bytes) -> list[Entry]:
    (count,) = _LENGTH.unpack_from(body)
    position = _LENGTH.size
    payloads: list[str] = []
    for _ in range(count):
        (size,) = _LENGTH.unpack_from(body, position)
        position += _LENGTH.size
        payloads.append(body[position:position + size].decode())
        position += size
    orders = {int(index): [(int(site), str(order)) for site, order in wanted]
              for index, wanted in orjson.loads(body[position:]).items()}
    return [(payload, orders.get(index, ())) for index, payload in enumerate(payloads)]


def encode_answer(refusals: Sequence[set[Order]] | None, error: str = "") -> bytes:
    if refusals is None:
        body = orjson.dumps({"error": error})
    else:
        refused = {index: sorted(orders) for index, orders in enumerate(refusals) if orders}
        body = orjson.dumps({"refused": refused}, option=orjson.OPT_NON_STR_KEYS)
    return _LENGTH.pack(len(body)) + body


def decode_answer(body: bytes, count: int) -> list[frozenset[Order]]:
    answer = orjson.loads(body)
    if "error" in answer:
        raise CommitFailed(answer["error"])
    refusals = [_NONE_REFUSED] * count  # shared: most frames carry no order id at all
    for index, orders in answer["refused"].items():
        refusals[int(index)] = frozenset((int(site), str(order)) for site, order in orders)
    return refusals


# -- the worker's side -------------------------------------------------------------------

class ProcessCommitter:
    """`GroupCommitter`'s interface, committing in a child process."""

    def __init__(self, database_url: str, sqlite_synchronous: str, *,
                 max_batch: int = 1000, max_wait_ms: int = 0) -> None:
        self.database_url = database_url
        self.sqlite_synchronous = sqlite_synchronous
        self.max_batch = max(1, max_batch)
        self.max_wait_ms = max(0, max_wait_ms)
        self.committed = threading.Event()  # set after each commit, for the pipeline worker
        self._pending: list[Entry] = []
        self._pending_futures: Waiting = []
        self._in_flight: collections.deque[Waiting] = collections.deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: _AnswerChannel | None = None
        self._stopping = False
        self._respawning = False

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._spawn()

    async def _spawn(self) -> None:
        assert self._loop is not None
        ours, theirs = socket.socketpair()
        env = {**os.environ, URL_ENV: self.database_url,
               SYNCHRONOUS_ENV: self.sqlite_synchronous, MAX_WAIT_ENV: str(self.max_wait_ms)}
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "footfall.tracker.commit_process", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], env=env)
        _, self._channel = await self._loop.create_unix_connection(
            lambda: _AnswerChannel(self), sock=ours)

    async def stop(self) -> None:
        """Send what is pending, wait for every answer, then let the child go."""
        self._stopping = True
        self._flush()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60  # a hung child must not hang the shutdown: closing the
        while (self._in_flight and self._channel is not None  # socket fails what it held
               and not self._channel.closed and loop.time() < deadline):
            await asyncio.sleep(0.005)
        if self._channel is not None:
            self._channel.close()
        process, self._process = self._process, None
        if process is not None:
            await asyncio.get_running_loop().run_in_executor(None, _reap, process)

    def submit(self, payload: str | bytes) -> asyncio.Future[frozenset[Order]]:
        """Queue one request's payload: await the answer to know it is committed (a
        future, not a coroutine: one frame less per hit)."""
        return self._enqueue((payload, ()))

    def submit_with_orders(self, payload: str | bytes,
                           orders: Sequence[Order]) -> asyncio.Future[frozenset[Order]]:
        """Reserve `orders` and queue `payload` in one transaction; returns the order ids
        that were already taken (then nothing was written for it)."""
        return self._enqueue((payload, orders))

    def _enqueue(self, entry: Entry) -> asyncio.Future[frozenset[Order]]:
        assert self._loop is not None, "ProcessCommitter.start() was not awaited"
        if self._stopping:
            raise RuntimeError("the server is stopping")
        future: asyncio.Future[frozenset[Order]] = self._loop.create_future()
        if not self._pending:
            self._loop.call_soon(self._flush)  # once per turn of the loop
        self._pending.append(entry)
        self._pending_futures.append(future)
        return future

    def _flush(self) -> None:
        """Send the requests gathered during this turn as frames (at most max_batch each)."""
        if not self._pending:
            return
        entries, futures = self._pending, self._pending_futures
        self._pending, self._pending_futures = [], []
        channel = self._channel
        if channel is None or channel.closed:
            _fail(futures, CommitFailed("the commit process is restarting"))
            self._restart()
            return
        for start in range(0, len(entries), self.max_batch):
            waiting = futures[start:start + self.max_batch]
            try:
                channel.send(encode_frame(entries[start:start + self.max_batch]))
            except Exception as error:  # noqa: BLE001 - no request may wait forever
                log.exception("ingest: could not hand %d requests to the commit process",
                              len(waiting))
                _fail(waiting, error)
                continue
            self._in_flight.append(waiting)

    def _restart(self) -> None:
        """Start another child, once at a time; a start that fails is tried again by the
        next request that finds no child."""
        if self._stopping or self._loop is None or self._respawning:
            return
        self._respawning = True
        log.error("ingest: the commit process exited (status %s); starting another",
                  self._process.poll() if self._process is not None else "unknown")
        self._process = None
        task = self._loop.create_task(self._spawn())
        task.add_done_callback(self._respawned)

    def _respawned(self, task: asyncio.Task[None]) -> None:
        self._respawning = False
        if not task.cancelled() and task.exception() is not None:
            log.error("ingest: could not start the commit process: %r", task.exception())

    def answered(self, body: bytes) -> None:
        futures = self._in_flight.popleft()
        try:
            refusals = decode_answer(body, len(futures))
        except CommitFailed as error:
            log.error("ingest: group commit of %d requests failed: %s", len(futures), error)
            _fail(futures, error)
            return
        self.committed.set()
        for future, refused in zip(futures, refusals, strict=True):
            if not future.done():
                future.set_result(refused)

    def channel_lost(self) -> None:
        while self._in_flight:
            _fail(self._in_flight.popleft(), CommitFailed("the commit process is gone"))


class _AnswerChannel(asyncio.Protocol):
    """The socket to the child: frames out, answers in."""

    def __init__(self, owner: ProcessCommitter) -> None:
        self.owner = owner
        self.transport: Any = None  # uvloop's transports do not subclass asyncio's
        self.closed = False
        self._buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def send(self, frame: bytes) -> None:
        assert self.transport is not None
        self.transport.write(frame)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(buffer)
            if len(buffer) < _LENGTH.size + size:
                return
            body = bytes(buffer[_LENGTH.size:_LENGTH.size + size])
            del buffer[:_LENGTH.size + size]
            self.owner.answered(body)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.owner.channel_lost()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _fail(futures: Waiting, error: Exception) -> None:
    for future in futures:
        if not future.done():
            future.set_exception(error)


def _reap(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- the child ---------------------------------------------------------------------------

class _FrameReader:
    """Reads whole frames from the socket: one blocking, then those already there."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def frames(self, hold: float = 0.0) -> list[bytes] | None:
        """Every complete frame, waiting for the first, then `hold` seconds more for others;
        None once the socket closed."""
        found = self._complete()
        while not found:
            if not self._receive(block=True):
                return None
            found = self._complete()
        deadline = time.monotonic() + hold
        while select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))[0]:
            if not self._receive(block=False):
                break
            found += self._complete()
        return found

    def _receive(self, *, block: bool) -> bool:
        data = self.sock.recv(1 << 20) if block else self.sock.recv(1 << 20, socket.MSG_DONTWAIT)
        self.buffer += data
        return bool(data)

    def _complete(self) -> list[bytes]:
        frames = []
        buffer = self.buffer
        while len(buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(buffer)
            if len(buffer) < _LENGTH.size + size:
                break
            frames.append(bytes(buffer[_LENGTH.size:_LENGTH.size + size]))
            del buffer[:_LENGTH.size + size]
        return frames


def serve(sock: socket.socket, writer: Any, max_wait: float = 0.0) -> None:
    """Commit the waiting frames together and answer each, until the socket closes.

    With `max_wait` ([Tracker] group_commit_max_wait_ms), a commit that follows one of
    several requests first waits that long for more: fewer fsyncs, slower answers.
    """
    reader = _FrameReader(sock)
    last_group = 0
    while (frames := reader.frames(max_wait if last_group > 1 else 0.0)) is not None:
        groups = [decode_frame(frame) for frame in frames]
        entries = [entry for group in groups for entry in group]
        last_group = len(entries)
        try:
            refusals = writer.write(entries)
        except Exception as error:  # noqa: BLE001 - the worker answers each request
            log.exception("ingest: group commit of %d requests failed", len(entries))
            answer = encode_answer(None, f"{type(error).__name__}: {error}")
            sock.sendall(answer * len(groups))
            continue
        answers, start = [], 0
        for group in groups:
            answers.append(encode_answer(refusals[start:start + len(group)]))
            start += len(group)
        sock.sendall(b"".join(answers))


def _warm_up(writer: Any, main_engine: Any) -> None:
    """Connect and compile the order look-up now, not during the first requests (a bulk
    import's first seconds waited for them)."""
    from footfall.tracker.queue import recorded_orders

    try:
        writer.write([])
        recorded_orders(main_engine, [(0, "")])
    except Exception:  # noqa: BLE001 - the first real commit reports a lasting problem
        log.warning("ingest: the commit process could not warm up", exc_info=True)


def main() -> None:
    from footfall.db.engine import make_engine
    from footfall.tracker.queue import QueueStore, QueueWriter

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the worker decides when to stop:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # it closes the socket
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    url, synchronous = os.environ[URL_ENV], os.environ[SYNCHRONOUS_ENV]
    max_wait = int(os.environ.get(MAX_WAIT_ENV) or 0) / 1000
    main_engine = make_engine(url, sqlite_synchronous=synchronous)
    writer = QueueWriter(QueueStore(main_engine, url, sqlite_synchronous=synchronous))
    _warm_up(writer, main_engine)
    sock = socket.socket(fileno=int(sys.argv[1]))
    try:
        with sock:
            serve(sock, writer, max_wait)
    finally:
        writer.close()
        main_engine.dispose()


if __name__ == "__main__":
    main()
