"""Helpers shared by the benchmarks: scratch databases, demo data, a do-nothing
server for baselines, percentiles and the machine-readable result line.

Every benchmark prints its figures for people and, last, one line
`BENCH {"name": ..., "figures": {...}}` that bench/run collects into its table.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from footfall import testing
from footfall.db.engine import Database, make_engine

ROOT = Path(__file__).resolve().parent.parent
SERVER_URLS = {
    "postgresql": os.environ.get("FOOTFALL_BENCH_POSTGRES_URL",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    "mysql": os.environ.get("FOOTFALL_BENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}
DEMO_END = date(2026, 11, 1)   # fixed, so every run measures the same data


def emit(name: str, figures: dict[str, Any]) -> None:
    """The result line bench/run reads (after the human-readable output)."""
    print("BENCH " + orjson.dumps({"name": name, "figures": figures}).decode(), flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextlib.contextmanager
def scratch_database(engine: str) -> Iterator[tuple[str, Path]]:
    """A fresh, migrated database on `engine` and a data directory; both removed after."""
    data_dir = Path(tempfile.mkdtemp(prefix="footfall-bench-"))
    try:
        if engine == "sqlite":
            url = f"sqlite:///{data_dir / 'footfall.sqlite3'}"
            testing.migrated_engine(url).dispose()
            yield url, data_dir
            return
        url = testing.create_scratch_database(SERVER_URLS[engine])
        try:
            testing.migrated_engine(url).dispose()
            yield url, data_dir
        finally:
            testing.drop_scratch_database(SERVER_URLS[engine], url)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def server_available(engine: str) -> bool:
    """Whether the PostgreSQL/MariaDB server of SERVER_URLS answers."""
    if engine == "sqlite":
        return True
    try:
        probe = make_engine(SERVER_URLS[engine])
        with probe.connect():
            pass
        probe.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available here"
        return False


def open_db(url: str) -> Database:
    engine = make_engine(url)
    return Database(writer=engine, reader=engine)


_NULL_APP = textwrap.dedent("""
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
""")
_NULL_SERVER = textwrap.dedent("""
    import sys, uvicorn

    uvicorn.run("footfall_null_app:app", app_dir=sys.argv[3], host="127.0.0.1",
                port=int(sys.argv[1]), workers=int(sys.argv[2]), log_level="warning",
                access_log=False, loop="uvloop", http="httptools", lifespan="off",
                server_header=False, proxy_headers=False)  # as `footfall serve` runs it
""")


def wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


@contextlib.contextmanager
def null_server(workers: int = 1) -> Iterator[str]:
    """The same server stack as `footfall serve` (uvicorn, uvloop, httptools, `workers`
    processes) answering 204 to everything without doing any work: the ceiling Footfall
    is compared with."""
    port = testing.free_port()
    app_dir = Path(tempfile.mkdtemp(prefix="footfall-null-"))
    (app_dir / "footfall_null_app.py").write_text(_NULL_APP)
    process = subprocess.Popen([sys.executable, "-c", _NULL_SERVER, str(port), str(workers),
                                str(app_dir)], start_new_session=True)
    try:
        wait_until_listening(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(app_dir, ignore_errors=True)
