"""`footfall serve --demo`: the first start fills an empty database, later starts don't."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from footfall import testing


@contextlib.contextmanager
def serve_demo(data_dir: Path) -> Iterator[str]:
    port = testing.free_port()
    command = [sys.executable, "-m", "footfall", "--data-dir", str(data_dir), "serve", "--demo",
               "--demo-visits-per-day", "4", "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "FOOTFALL_DATABASE_URL"}
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        testing._wait_until_listening(port, timeout=600, process=process)  # noqa: SLF001
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def _visits(base_url: str) -> int:
    """Visits of the demo site over its 30 days, asked anonymously as a newcomer would."""
    response = httpx.get(f"{base_url}/index.php", timeout=120, params={
        "module": "API", "method": "VisitsSummary.get", "idSite": "1", "period": "range",
        "date": "last40", "format": "json"})
    response.raise_for_status()
    return int(response.json()["nb_visits"])


@pytest.mark.slow
def test_first_start_shows_demo_data_and_a_restart_adds_none(tmp_path: Path) -> None:
    with serve_demo(tmp_path) as base_url:
        first = _visits(base_url)
    assert first > 60
    with serve_demo(tmp_path) as base_url:
        assert _visits(base_url) == first
