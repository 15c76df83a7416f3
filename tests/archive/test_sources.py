"""The day's copies: repeat visitors marked, and on SQLite one copy shared by connections."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.archive.parallel import shares_visit_copy
from footfall.archive.sources import MULTI_USER, MULTI_VISITOR, DaySources, SharedDay
from tests.archive.rawlog import Hit, RawLog

DAY = datetime(2024, 3, 4)
START, END = DAY, datetime(2024, 3, 5)


def _visits(raw: RawLog, idsite: int) -> None:
    """Visitor aa twice, bb once; user u1 on two visits, u2 on one."""
    raw.visit(idsite, "aa", [Hit(DAY.replace(hour=9), url="http://piwik.net/")], user_id="u1")
    raw.visit(idsite, "aa", [Hit(DAY.replace(hour=15), url="http://piwik.net/b")])
    raw.visit(idsite, "bb", [Hit(DAY.replace(hour=10), url="http://piwik.net/")], user_id="u1")
    raw.visit(idsite, "cc", [Hit(DAY.replace(hour=11), url="http://piwik.net/")], user_id="u2")


def _markers(conn: sa.Connection, visits: sa.Table) -> list[tuple[object, object]]:
    rows = conn.execute(sa.select(visits.c[MULTI_VISITOR], visits.c[MULTI_USER])
                        .order_by(visits.c.idvisit)).all()
    return [(bytes(v) if v is not None else None, u) for v, u in rows]


def test_repeat_visitors_and_users_are_marked(engine: Engine, raw: RawLog, make_site) -> None:
    idsite = make_site().idsite
    _visits(raw, idsite)
    aa = bytes.fromhex("aa".ljust(16, "0"))
    with engine.connect() as conn:
        sources = DaySources(conn, idsite, START, END)
        try:
            assert _markers(conn, sources.visits) == [(aa, "u1"), (aa, None), (None, "u1"),
                                                      (None, None)]
        finally:
            sources.close()


def test_connections_of_one_sqlite_archive_share_one_visit_copy(engine: Engine, raw: RawLog,
                                                                 make_site) -> None:
    if not shares_visit_copy(engine):
        pytest.skip("only SQLite databases in a file share a visit copy")
    idsite = make_site().idsite
    _visits(raw, idsite)
    shared = SharedDay()
    try:
        with engine.connect() as first, engine.connect() as second:
            one = DaySources(first, idsite, START, END, shared=shared)
            two = DaySources(second, idsite, START, END, shared=shared)
            try:
                assert one.visits is two.visits  # made once, read by both
                count = sa.select(sa.func.count()).select_from(one.visits)
                assert first.execute(count).scalar_one() == second.execute(count).scalar_one() == 4
            finally:
                one.close()
                two.close()
            databases = [row[1] for row in second.exec_driver_sql("PRAGMA database_list")]
            assert SharedDay.SCHEMA not in databases  # detached before the pool gets it back
    finally:
        shared.close()
    assert not os.path.exists(shared.path)


def test_a_dead_archivers_scratch_copy_is_removed_and_a_live_ones_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead_pid = int(finished.stdout)
    orphan = tmp_path / f"footfall-day-{dead_pid}-x1.sqlite3"
    live = tmp_path / f"footfall-day-{os.getpid()}-x2.sqlite3"
    unrelated = tmp_path / f"other-{dead_pid}-x3.sqlite3"
    for path in (orphan, live, unrelated):
        path.write_bytes(b"")
    shared = SharedDay()
    try:
        assert not orphan.exists()
        assert live.exists() and unrelated.exists()
        assert Path(shared.path).parent == tmp_path
        assert Path(shared.path).name.startswith(f"footfall-day-{os.getpid()}-")
    finally:
        shared.close()
    assert not Path(shared.path).exists()
