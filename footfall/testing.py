"""Helpers for tests and benchmarks: scratch databases, real servers, sites, hits, API calls.

Everything here goes through Footfall's public surfaces (HTTP, CLI) or its
stores; nothing is mocked. Servers are real uvicorn servers on a free
loopback port, either in a thread (fast) or in a child process (for tests
that kill the server).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from footfall import sites
from footfall.auth import users
from footfall.config import Settings, load_settings
from footfall.db import migrate
from footfall.db.engine import make_engine
from footfall.db.schema import metadata

T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a fresh thread: safe even where this thread already runs a loop
    (Playwright's sync API keeps one running in the main thread between calls)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- Scratch databases ------------------------------------------------------


def create_scratch_database(server_url: str) -> str:
    """Create a uniquely named database on a PostgreSQL/MySQL server; return its URL."""
    url = make_url(server_url)
    name = f"footfall_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))  # name is ours, not user input
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(server_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    assert name and name.startswith("footfall_test_")
    admin = sa.create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if admin.dialect.name == "postgresql":
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        else:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
    admin.dispose()


def empty_all_tables(engine: Engine) -> None:
    """Delete every row and reset id counters (keeping the schema): a test starts from nothing."""
    preparer = engine.dialect.identifier_preparer
    names = [preparer.quote(table.name) for table in metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY"))
        elif engine.dialect.name in ("mysql", "mariadb"):
            for name in names:
                conn.execute(sa.text(f"TRUNCATE TABLE {name}"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())


def migrated_engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


# --- Settings, sites, users --------------------------------------------------


def make_settings(data_dir: Path, db_url: str, **overrides: Any) -> Settings:
    """Settings for a test: `overrides` as {"Section.key": value}."""
    env = {"FOOTFALL_DATABASE_URL": db_url}
    layered = [(k.split(".", 1)[0], k.split(".", 1)[1], v) for k, v in overrides.items()]
    return load_settings(data_dir=data_dir, environ=env, overrides=layered)


def create_site(engine: Engine, *, name: str = "Example", urls: list[str] | None = None,
                timezone: str = "UTC", currency: str = "USD", ecommerce: bool = False) -> int:
    return sites.add_site(engine, name=name, urls=urls or ["https://example.com"],
                          timezone=timezone, currency=currency, ecommerce=ecommerce)


def create_superuser_token(engine: Engine, login: str = "root") -> str:
    with contextlib.suppress(Exception):
        users.add_user(engine, login, email=f"{login}@example.com", password=None,
                       superuser=True)
    return users.create_token(engine, login, description="tests")


# --- Real servers ---------------------------------------------------------------


@dataclass
class RunningServer:
    """A Footfall server listening on loopback, with a client bound to it."""

    base_url: str
    settings: Settings | None = None
    process: subprocess.Popen[bytes] | None = None
    client: httpx.Client = field(default_factory=httpx.Client)

    def url(self, path: str) -> str:
        return self.base_url + path

    def track(self, params: Mapping[str, Any], *, method: str = "GET",
              headers: Mapping[str, str] | None = None) -> httpx.Response:
        """One tracking request to /matomo.php."""
        clean = {k: str(v) for k, v in params.items()}
        if method == "GET":
            return self.client.get(self.url("/matomo.php"), params=clean, headers=headers)
        return self.client.post(self.url("/matomo.php"), data=clean, headers=headers)

    def bulk(self, requests: list[Any], **extra: Any) -> httpx.Response:
        return self.client.post(self.url("/matomo.php"), json={"requests": requests, **extra})

    def drain(self, timeout: float = 120.0) -> dict[str, Any]:
        """Block until every hit acknowledged so far is in the raw log (no sleeping)."""
        response = self.client.get(self.url("/_footfall/ingest/drain"),
                                   params={"timeout": timeout}, timeout=timeout + 30)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        if result["pending"]:
            raise TimeoutError(f"ingest queue not drained after {timeout}s: {result}")
        return result

    def api(self, method: str, **params: Any) -> Any:
        """Call the Reporting API in JSON and return the decoded answer."""
        query = {"module": "API", "method": method, "format": "json", **params}
        response = self.client.get(self.url("/index.php"), params=query)
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self.client.close()


def _wait_until_listening(port: int, *, timeout: float = 90.0,
                          process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"footfall serve exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"no server on port {port} after {timeout}s")


@contextlib.contextmanager
def serve_in_thread(settings: Settings) -> Iterator[RunningServer]:
    """A real uvicorn server in a background thread of this process."""
    import uvicorn

    from footfall.app import create_app

    # The socket is bound here and handed over, so no other test's server or outgoing
    # connection can take the port between choosing it and listening on it.
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = int(listening.getsockname()[1])
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on", proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]},
                              name=f"footfall-{port}", daemon=True)
    thread.start()
    running = RunningServer(base_url=f"http://127.0.0.1:{port}", settings=settings)
    try:
        _wait_until_listening(port)
        while not server.started:
            time.sleep(0.01)
        yield running
    finally:
        running.close()
        server.should_exit = True
        thread.join(timeout=30)
        listening.close()


@contextlib.contextmanager
def serve_in_subprocess(data_dir: Path, db_url: str, *, workers: int = 1,
                        env: Mapping[str, str] | None = None,
                        port: int | None = None) -> Iterator[RunningServer]:
    """`footfall serve` as a child process (for crash tests and benchmarks)."""
    port = port or free_port()
    child_env = {**os.environ, "FOOTFALL_DATABASE_URL": db_url, **(env or {})}
    command = [sys.executable, "-m", "footfall", "--data-dir", str(data_dir), "serve",
               "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=child_env, start_new_session=True)
    running = RunningServer(base_url=f"http://127.0.0.1:{port}", process=process)
    try:
        _wait_until_listening(port, process=process)
        yield running
    finally:
        running.close()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
