"""Acknowledged means durable: SIGKILL `footfall serve` while clients send hits, start it
again, and every hit that got a 2xx answer is in the raw log."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.db.schema import log_action, log_link_visit_action

CLIENTS = 4
KILL_AFTER_ACKS = 300


def _client(base_url: str, number: int, acknowledged: list[str], stop: threading.Event) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        sent = 0
        while not stop.is_set():
            path = f"c{number}-{sent}"
            sent += 1
            try:
                if sent % 5 == 0:
                    items = [f"?idsite=1&rec=1&_id={number:016x}&url=https%3A%2F%2Fexample.com"
                             f"%2F{path}-b{i}" for i in range(5)]
                    response = client.post("/matomo.php", json={"requests": items})
                    names = [f"example.com/{path}-b{i}" for i in range(5)]
                else:
                    response = client.get("/matomo.php", params={
                        "idsite": 1, "rec": 1, "_id": f"{number:016x}", "send_image": 0,
                        "url": f"https://example.com/{path}"})
                    names = [f"example.com/{path}"]
            except httpx.HTTPError:
                continue  # the server died mid-request: not acknowledged
            if response.status_code in (200, 204):
                acknowledged.extend(names)


def _stored_urls(engine: Engine) -> set[str]:
    query = sa.select(log_action.c.name).join(
        log_link_visit_action, log_link_visit_action.c.idaction_url == log_action.c.idaction)
    with engine.connect() as conn:
        return set(conn.scalars(query))


def test_every_acknowledged_hit_survives_sigkill(tmp_path: Path, db_url: str,
                                                 engine: Engine) -> None:
    testing.create_site(engine)
    acknowledged: list[str] = []
    stop = threading.Event()
    with testing.serve_in_subprocess(tmp_path / "data", db_url, workers=2) as server:
        threads = [threading.Thread(target=_client, args=(server.base_url, n, acknowledged, stop))
                   for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert server.process is not None
        deadline = time.monotonic() + 120  # a server that stops answering fails, never hangs
        while (len(acknowledged) < KILL_AFTER_ACKS and all(t.is_alive() for t in threads)
               and server.process.poll() is None and time.monotonic() < deadline):
            threading.Event().wait(0.01)  # the clients are the clock here, not an assertion
        exited = server.process.poll()
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        stop.set()
        for thread in threads:
            thread.join()
    assert exited is None, f"footfall serve exited by itself (status {exited})"
    assert len(acknowledged) >= KILL_AFTER_ACKS, (
        f"only {len(acknowledged)} hits acknowledged in 120 s")
    with testing.serve_in_subprocess(tmp_path / "data", db_url) as restarted:
        restarted.drain()
    missing = set(acknowledged) - _stored_urls(engine)
    assert not missing, f"{len(missing)} acknowledged hits lost, e.g. {sorted(missing)[:5]}"
