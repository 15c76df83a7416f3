"""A reader that joins several SELECTs sees one snapshot, on every engine."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall import sites
from footfall.db.dialects import one_snapshot
from footfall.db.schema import site


def _site_count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(site)).scalar_one())


def _add_site(engine: Engine, name: str) -> None:
    sites.add_site(engine, name=name, urls=[f"https://{name}.example"])


def test_a_commit_between_two_reads_is_not_seen_by_the_second(engine: Engine) -> None:
    _add_site(engine, "first")
    with engine.connect() as conn:
        conn = one_snapshot(conn)
        assert _site_count(conn) == 1
        _add_site(engine, "second")  # another connection commits between the reads
        assert _site_count(conn) == 1
    with engine.connect() as conn:  # the snapshot ended with the connection
        assert _site_count(conn) == 2


def test_without_a_snapshot_the_second_read_sees_the_commit(engine: Engine) -> None:
    """The race `one_snapshot` exists for (Live read visits, then actions committed later)."""
    _add_site(engine, "first")
    with engine.connect() as conn:
        assert _site_count(conn) == 1
        if conn.dialect.name == "mysql":
            conn.commit()  # MariaDB's REPEATABLE READ holds a snapshot per transaction
        _add_site(engine, "second")
        assert _site_count(conn) == 2
