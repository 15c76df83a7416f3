"""Same seed, same traffic: two `footfall demo` runs give identical raw logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from footfall import testing
from tests.demo.rawlog import canonical_raw_log
from tests.test_cli import footfall

DEMO = ("demo", "--days", "2", "--visits-per-day", "40", "--end-date", "2026-11-01")


def _run_demo(tmp_path: Path, db_url: str, seed: str) -> dict[str, list[tuple[object, ...]]]:
    result = footfall(tmp_path, *DEMO, "--seed", seed, db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "0 invalid" in result.stderr
    engine = testing.make_engine(db_url)
    try:
        log = canonical_raw_log(engine)
        testing.empty_all_tables(engine)
    finally:
        engine.dispose()
    return log


@pytest.mark.slow
def test_two_runs_with_one_seed_give_identical_raw_logs(tmp_path: Path, db_url: str) -> None:
    first = _run_demo(tmp_path, db_url, "7")
    second = _run_demo(tmp_path, db_url, "7")
    assert len(first["log_visit"]) > 50 and len(first["log_link_visit_action"]) > 200
    assert first["log_conversion"] and first["log_conversion_item"]
    for table, rows in first.items():
        assert rows == second[table], f"{table} differs between two runs with one seed"
