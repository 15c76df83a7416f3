"""The built-in archiving scheduler: `footfall serve` keeps archives fresh without a cron job.

Every `[General] scheduled_archiving_interval` seconds (0 = off) it runs the
same archiving as `footfall archive` with no options: pending invalidations,
then the day, week, month and year holding yesterday and today for every site.
The work runs in a thread so the event loop keeps serving requests. Every
HTTP worker of `footfall serve --workers N` has a scheduler; a lock file in the
data directory lets one of them archive at a time, and the others skip that round.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path

from footfall.archive import runner
from footfall.archive.archiver import archiver_for
from footfall.services import Services
from footfall.sites import list_sites

log = logging.getLogger("footfall.archive")


class ArchivingScheduler:
    """A BackgroundService: archives periodically until stopped."""

    name = "archiving scheduler"

    def __init__(self, services: Services) -> None:
        self.services = services
        self.interval = services.settings.get_int("General", "scheduled_archiving_interval")
        self.runs = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.interval > 0:
            self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:  # one failed run must not stop the next ones
                log.exception("scheduled archiving failed")

    def run_once(self) -> runner.RunReport | None:
        """One archiving pass over every site; None when another process is archiving."""
        with _archiving_lock(self.services.settings.data_dir) as held:
            if not held:
                log.info("scheduled archiving: another server process is archiving; skipped")
                return None
            archiver = archiver_for(self.services)
            jobs = runner.plan(list_sites(self.services.db.writer))
            report = runner.run(archiver, jobs)
        self.runs += 1
        log.info("scheduled archiving: %s", report.summary())
        return report


@contextlib.contextmanager
def _archiving_lock(data_dir: Path) -> Iterator[bool]:
    """An exclusive lock on `<data dir>/archiving.lock`, without waiting: True if held.
    The kernel releases it when the holder exits, however it exits."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "archiving.lock", "a+b") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def install(services: Services) -> ArchivingScheduler:
    """Register the scheduler with a process's services (called by app.create_app)."""
    scheduler = ArchivingScheduler(services)
    services.components["archiving_scheduler"] = scheduler
    services.background.append(scheduler)
    return scheduler
