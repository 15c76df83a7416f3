"""`footfall archive` through its real entry point, and the built-in scheduler."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from footfall import testing
from footfall.archive import periods
from footfall.archive.scheduler import ArchivingScheduler
from footfall.archive.store import DONE_INVALIDATED, DONE_OK, ArchiveStore
from footfall.services import Services
from tests.archive.rawlog import Hit, RawLog, at


def footfall(data_dir: Path, db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "footfall", "--data-dir", str(data_dir), "--db", db_url,
               "archive", "--no-progress", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def visits(raw: RawLog, idsite: int) -> None:
    for day in ("2010-03-05", "2010-03-06", "2010-03-08"):
        raw.visit(idsite, "aa", [Hit(at(f"{day} 10:00:00"), url="http://example.org/")])


def test_archives_requested_periods_and_says_what_it_did(
        tmp_path: Path, db_url: str, engine: Engine, raw: RawLog, make_site) -> None:
    first, second = make_site(), make_site("Other")
    visits(raw, first.idsite)
    done = footfall(tmp_path, db_url, "--site", str(first.idsite), "--period", "day,week",
                    "--date", "2010-03-05,2010-03-08")
    assert done.returncode == 0, done.stderr
    assert "Archiving done: 6 archives built, 0 already fresh" in done.stderr
    stored = ArchiveStore(engine).archived_periods(first.idsite)
    # The two weeks need all their days: 14 day archives and 2 week archives.
    assert [p.label for p, _, _ in stored if p.kind == "week"] == [
        "2010-03-01,2010-03-07", "2010-03-08,2010-03-14"]
    assert len([p for p, _, _ in stored if p.kind == "day"]) == 14
    assert ArchiveStore(engine).archived_periods(second.idsite) == []
    again = footfall(tmp_path, db_url, "--site", str(first.idsite), "--period", "day",
                     "--date", "2010-03-05")
    assert "0 archives built, 1 already fresh" in again.stderr
    forced = footfall(tmp_path, db_url, "--site", str(first.idsite), "--period", "day",
                      "--date", "2010-03-05", "--force")
    assert "1 archives built, 0 already fresh" in forced.stderr


def test_rebuilds_invalidated_archives_and_ranges(tmp_path: Path, db_url: str, engine: Engine,
                                                  raw: RawLog, make_site) -> None:
    site = make_site()
    visits(raw, site.idsite)
    assert footfall(tmp_path, db_url, "--period", "month", "--date", "2010-03-01").returncode == 0
    ArchiveStore(engine).invalidate(site.idsite, date(2010, 3, 6), date(2010, 3, 6))
    done = footfall(tmp_path, db_url, "--period", "range", "--date", "2010-03-01,2010-03-10")
    assert done.returncode == 0, done.stderr
    statuses = {p.label: s for p, _, s in ArchiveStore(engine).archived_periods(site.idsite)}
    assert statuses["2010-03"] == DONE_OK and statuses["2010-03-06"] == DONE_OK
    assert statuses["2010-03-01,2010-03-10"] == DONE_OK
    assert DONE_INVALIDATED not in statuses.values()


def test_bad_options_are_refused_with_a_reason(tmp_path: Path, db_url: str, make_site) -> None:
    make_site()
    bad_period = footfall(tmp_path, db_url, "--period", "decade")
    assert bad_period.returncode == 1
    assert "The period 'decade' is not supported" in bad_period.stderr
    bad_site = footfall(tmp_path, db_url, "--site", "99")
    assert bad_site.returncode == 1 and "site 99 does not exist" in bad_site.stderr


def test_scheduler_archives_yesterday_and_today(services: Services, raw: RawLog, make_site,
                                               engine: Engine) -> None:
    site = make_site()
    today = periods.local_now("UTC").date()
    raw.visit(site.idsite, "aa", [Hit(datetime.combine(today, datetime.min.time()),
                                      url="http://example.org/")])
    scheduler = ArchivingScheduler(services)
    report = scheduler.run_once()
    assert scheduler.runs == 1
    kinds = {p.kind for p, _, _ in ArchiveStore(engine).archived_periods(site.idsite)}
    assert kinds == {"day", "week", "month", "year"}
    assert report is not None and len(report.built) >= 4


def test_one_scheduler_archives_at_a_time(services: Services, make_site, engine: Engine) -> None:
    """`serve --workers N` runs N schedulers: while one holds the archiving lock (here
    another process), the others skip their round instead of building the same archives."""
    make_site()
    lock_path = services.settings.data_dir / "archiving.lock"
    services.settings.data_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+b'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
         str(lock_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        scheduler = ArchivingScheduler(services)
        assert scheduler.run_once() is None and scheduler.runs == 0
    finally:
        holder.kill()
        holder.wait()
    report = scheduler.run_once()  # the holder is gone: the kernel released its lock
    assert report is not None and scheduler.runs == 1


def test_scheduler_starts_and_stops_with_the_server_loop(services: Services) -> None:
    services.settings.values["General"]["scheduled_archiving_interval"] = 3600

    async def lifecycle() -> bool:
        scheduler = ArchivingScheduler(services)
        await scheduler.start()
        running = scheduler._task is not None and not scheduler._task.done()
        await scheduler.stop()
        return running and scheduler._task is None

    assert testing.run_coroutine(lifecycle())
