"""Archiving benchmark: build every core report for one day of ~1,000,000 actions.

    python bench/archive.py [--quick] [--db sqlite|postgresql|mysql] [--repeat 3]

The day's raw log (~150,000 visits, ~1,000,000 actions; --quick: a tenth) is
generated directly into the tables by bench/archive_data.py and cached under
bench/.cache/ (SQLite) so later runs start at once. In the same database and
the same run it times:

* baseline: one plain GROUP BY scan over that day's actions
  (`SELECT idaction_url, COUNT(*) ... WHERE idsite AND server_time in the day
  GROUP BY idaction_url`), the cheapest query that reads every action once;
* archive: `Archiver.build` for that day — every registered report family's
  aggregation, the DataTables, truncation, serialisation and the archive write.

Both are run `--repeat` times after one warm-up; medians are reported with the
ratio archive / baseline (target: within 5x on SQLite) and the time per family.
The archiver works on two connections at once (footfall/archive/parallel.py);
on SQLite the CPU seconds of both (this process, all threads) are printed too,
a steadier figure than wall time on a busy machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import archive_data  # noqa: E402
from bench.common import SERVER_URLS, emit, median, open_db  # noqa: E402
from footfall import testing  # noqa: E402
from footfall.archive.archiver import Archiver, DayContext  # noqa: E402
from footfall.archive.parallel import Later  # noqa: E402
from footfall.archive.periods import day_period  # noqa: E402
from footfall.archive.sources import day_sources  # noqa: E402
from footfall.db.engine import Database  # noqa: E402
from footfall.db.schema import log_link_visit_action  # noqa: E402
from footfall.reports import registry  # noqa: E402
from footfall.sites import get_site  # noqa: E402


def baseline_scan(db: Database, idsite: int, day: date) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) of the one plain GROUP BY."""
    period = day_period(day)
    start, end = period.utc_bounds("UTC")
    a = log_link_visit_action.c
    query = (sa.select(a.idaction_url, sa.func.count()).where(
        a.idsite == idsite, a.server_time >= start, a.server_time < end).group_by(a.idaction_url))
    began, cpu = time.perf_counter(), time.process_time()
    with db.writer.connect() as conn:
        conn.execute(query).all()
    return time.perf_counter() - began, time.process_time() - cpu


def archive_once(db: Database, idsite: int, day: date) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all this process's threads) of one day archive."""
    archiver = Archiver(db, testing.make_settings(Path(tempfile.gettempdir()), str(db.writer.url)))
    site = get_site(db.writer, idsite)
    began, cpu = time.perf_counter(), time.process_time()
    archiver.build(site, day_period(day))
    return time.perf_counter() - began, time.process_time() - cpu


def family_times(db: Database, idsite: int, day: date) -> dict[str, float]:
    """Seconds per family (and for copying the day's rows), for finding the slow part.

    One connection, one family after the other: the archiver runs the Actions passes
    on a connection of their own beside the visit families (`parallel.workers_for`),
    so these add up to more than its time.
    """
    settings = testing.make_settings(Path(tempfile.gettempdir()), str(db.writer.url))
    site = get_site(db.writer, idsite)
    period = day_period(day)
    start, end = period.utc_bounds("UTC")
    times: dict[str, float] = {}
    began = time.perf_counter()
    with db.writer.connect() as conn, day_sources(conn, idsite, start, end) as sources:
        assert sources.visits is not None and sources.actions is not None  # made on first use
        times["copy day rows"] = time.perf_counter() - began
        context = DayContext(conn, site, period, settings, sources)
        for family in registry.families():
            began = time.perf_counter()
            day = family.archive_day(context)
            if isinstance(day, Later):  # started work elsewhere: wait for it here
                day.finish()
            times[family.name] = time.perf_counter() - began
    return times


def counts(db: Database) -> tuple[int, int]:
    with db.writer.connect() as conn:
        visits = conn.execute(sa.text("SELECT COUNT(*) FROM log_visit")).scalar_one()
        actions = conn.execute(sa.text("SELECT COUNT(*) FROM log_link_visit_action")).scalar_one()
    return int(visits), int(actions)


def prepare(engine: str, size: archive_data.Size, folder: Path) -> str:
    if engine == "sqlite":
        began = time.perf_counter()
        url = archive_data.cached_database(size, folder)
        print(f"data: SQLite copy ready in {time.perf_counter() - began:.1f} s", flush=True)
        return url
    url = testing.create_scratch_database(SERVER_URLS[engine])
    began = time.perf_counter()
    archive_data.generate(url, size)
    print(f"data: generated into {engine} in {time.perf_counter() - began:.1f} s", flush=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql", "mysql"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = archive_data.QUICK if args.quick else archive_data.FULL
    with tempfile.TemporaryDirectory(prefix="footfall-bench-archive-") as folder:
        url = prepare(args.db, size, Path(folder))
        try:
            run(open_db(url), args)
        finally:
            if args.db != "sqlite":
                testing.drop_scratch_database(SERVER_URLS[args.db], url)


def run(db: Database, args: argparse.Namespace) -> None:
    day, idsite = archive_data.DAY, 1
    visits, actions = counts(db)
    print(f"raw log: {visits:,} visits, {actions:,} actions on {day} ({args.db})", flush=True)
    baseline_scan(db, idsite, day)  # warm-up: both start from a warm cache
    archive_once(db, idsite, day)
    scans = [baseline_scan(db, idsite, day) for _ in range(args.repeat)]
    builds = [archive_once(db, idsite, day) for _ in range(args.repeat)]
    scan, build = median([s[0] for s in scans]), median([b[0] for b in builds])
    scan_cpu, build_cpu = median([s[1] for s in scans]), median([b[1] for b in builds])
    print(f"baseline GROUP BY scan : {scan:8.3f} s (median of {args.repeat})")
    print(f"archive all core reports: {build:8.3f} s (median of {args.repeat})")
    print(f"ratio archive / scan    : {build / scan:8.2f} (target <= 5 on SQLite)")
    if args.db == "sqlite":  # the database works in this process: CPU time says it on a busy machine
        print(f"CPU: scan {scan_cpu:.3f} s, archive {build_cpu:.3f} s (all threads), "
              f"ratio {build_cpu / scan_cpu:.2f}")
    breakdown = family_times(db, idsite, day)
    for name, seconds in sorted(breakdown.items(), key=lambda item: -item[1]):
        print(f"  {name:<22} {seconds:7.3f} s")
    db.dispose()
    emit("archive", {"db": args.db, "visits": visits, "actions": actions,
                     "scan_s": round(scan, 4), "archive_s": round(build, 4),
                     "ratio": round(build / scan, 3), "scan_cpu_s": round(scan_cpu, 4),
                     "archive_cpu_s": round(build_cpu, 4),
                     "families_s": {k: round(v, 4) for k, v in breakdown.items()}})


if __name__ == "__main__":
    main()
