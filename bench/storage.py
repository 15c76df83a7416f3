"""Raw-log storage: bytes on disk per action and per visit, per database engine.

    python bench/storage.py [--quick] [--engines sqlite,postgresql,mysql]

Ingests the same demo data set into a fresh database on each engine (in-process,
through the tracking endpoint) and measures the raw-log tables (log_visit,
log_link_visit_action, log_action, log_conversion, log_conversion_item) with data and
indexes: SQLite file pages (dbstat), PostgreSQL pg_total_relation_size, MariaDB
information_schema data_length + index_length. Engines whose server is not reachable
are skipped. Baseline, same run: the same rows written out as plain CSV text, the
content without any storage overhead; the ratio is on-disk bytes / CSV bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEMO_END, emit, open_db, scratch_database, server_available  # noqa: E402

from footfall import testing  # noqa: E402
from footfall.demo.runner import DemoOptions, run_demo  # noqa: E402

RAW_LOG = ("log_visit", "log_link_visit_action", "log_action", "log_conversion",
           "log_conversion_item")


def table_bytes(engine: Engine) -> dict[str, int]:
    """Bytes on disk (data and indexes) of each raw-log table."""
    dialect = engine.dialect.name
    sizes = {}
    with engine.connect() as conn:
        for table in RAW_LOG:
            if dialect == "sqlite":
                # dbstat's `name` is the table or index; indexes are matched by tbl_name.
                query = sa.text("SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                                "(SELECT name FROM sqlite_master WHERE tbl_name = :t)")
            elif dialect == "postgresql":
                query = sa.text("SELECT pg_total_relation_size(CAST(:t AS regclass))")
            else:
                query = sa.text("SELECT data_length + index_length FROM information_schema.tables "
                                "WHERE table_schema = DATABASE() AND table_name = :t")
            sizes[table] = int(conn.execute(query, {"t": table}).scalar() or 0)
    return sizes


def csv_bytes(engine: Engine) -> int:
    """The raw log's rows as CSV text: the baseline."""
    total = 0
    with engine.connect() as conn:
        for table in RAW_LOG:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):  # names are ours
                writer.writerow(v.hex() if isinstance(v, bytes | memoryview) and
                                hasattr(v, "hex") else v for v in row)
            total += len(buffer.getvalue().encode())
    return total


def prepare_for_measure(engine: Engine) -> None:
    """Let each engine settle what it measures (statistics, WAL), as after a quiet hour."""
    dialect = engine.dialect.name
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if dialect == "sqlite":
            conn.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        elif dialect == "postgresql":
            conn.execute(sa.text("VACUUM ANALYZE"))
        else:
            for table in RAW_LOG:
                conn.execute(sa.text(f"ANALYZE TABLE {table}"))  # names are ours


def measure(engine_name: str, days: int, visits: int) -> dict[str, Any]:
    with scratch_database(engine_name) as (url, data_dir):
        db = open_db(url)
        run_demo(testing.make_settings(data_dir, url), db,
                 DemoOptions(days=days, visits_per_day=visits, seed=1, end_date=DEMO_END,
                             progress=False))
        engine = testing.make_engine(url)
        prepare_for_measure(engine)
        sizes = table_bytes(engine)
        with engine.connect() as conn:
            actions = conn.execute(sa.text("SELECT COUNT(*) FROM log_link_visit_action")).scalar()
            visits_count = conn.execute(sa.text("SELECT COUNT(*) FROM log_visit")).scalar()
        baseline = csv_bytes(engine)
        engine.dispose()
        db.dispose()
    total = sum(sizes.values())
    return {"engine": engine_name, "visits": visits_count, "actions": actions,
            "raw_log_bytes": total, "bytes_per_action": round(total / max(1, actions or 0)),
            "bytes_per_visit": round(total / max(1, visits_count or 0)),
            "csv_bytes": baseline, "ratio_vs_csv": round(total / baseline, 2),
            "tables": sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small data set")
    parser.add_argument("--engines", default="sqlite,postgresql,mysql")
    args = parser.parse_args()
    days, visits = (2, 200) if args.quick else (14, 1000)
    results = {}
    for name in args.engines.split(","):
        if not server_available(name):
            print(f"storage: {name} not reachable, skipped")
            continue
        results[name] = measure(name, days, visits)
    print(f"storage (raw log after {days} days x {visits} visits/day of demo traffic)")
    print(f"  {'engine':<12}{'visits':>8}{'actions':>9}{'B/action':>10}{'B/visit':>9}"
          f"{'x CSV':>7}")
    for name, r in results.items():
        print(f"  {name:<12}{r['visits']:>8,}{r['actions']:>9,}{r['bytes_per_action']:>10,}"
              f"{r['bytes_per_visit']:>9,}{r['ratio_vs_csv']:>7.2f}")
    emit("storage", results)


if __name__ == "__main__":
    main()
