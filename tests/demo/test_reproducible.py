"""Same seed, same traffic: two `footfall demo` runs into two fresh databases give
identical raw logs."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from footfall import testing
from tests.conftest import SERVER_ENGINES
from tests.demo.rawlog import canonical_raw_log
from tests.test_cli import footfall

DEMO = ("demo", "--days", "2", "--visits-per-day", "40", "--seed", "7",
        "--end-date", "2026-11-01")


@contextlib.contextmanager
def another_database(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second fresh database on the same engine as `db_url`."""
    backend = make_url(db_url).get_backend_name()
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
        testing.migrated_engine(url).dispose()
        yield url
        return
    server_url = os.environ[SERVER_ENGINES["postgresql" if backend == "postgresql" else "mysql"]]
    url = testing.create_scratch_database(server_url)
    try:
        testing.migrated_engine(url).dispose()
        yield url
    finally:
        testing.drop_scratch_database(server_url, url)


def _run_demo(data_dir: Path, db_url: str) -> dict[str, list[tuple[object, ...]]]:
    result = footfall(data_dir, *DEMO, db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "0 invalid" in result.stderr
    engine = testing.make_engine(db_url)
    try:
        return canonical_raw_log(engine)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_two_runs_with_one_seed_give_identical_raw_logs(tmp_path: Path, db_url: str) -> None:
    first = _run_demo(tmp_path / "first", db_url)
    with another_database(db_url, tmp_path) as second_url:
        second = _run_demo(tmp_path / "second", second_url)
    assert len(first["log_visit"]) > 50 and len(first["log_link_visit_action"]) > 200
    assert first["log_conversion"] and first["log_conversion_item"]
    for table, rows in first.items():
        assert rows == second[table], f"{table} differs between two runs with one seed"
