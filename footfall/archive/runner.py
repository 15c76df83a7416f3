"""Archiving runs for `footfall archive` and the scheduler: which periods, in what order.

A run first turns pending invalidations into rebuilds, then makes sure every
requested (site, period) has a fresh archive — building only what is missing
or stale unless forced.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from footfall.archive.archiver import Archiver
from footfall.archive.periods import PERIOD_IDS, Period, local_now, periods_between, select_periods
from footfall.sites import Site

log = logging.getLogger("footfall.archive")
DEFAULT_KINDS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class Job:
    site: Site
    period: Period


@dataclass
class RunReport:
    """What a run did, for the CLI's summary and the scheduler's log."""

    built: list[Job] = field(default_factory=list)
    fresh: list[Job] = field(default_factory=list)
    skipped: list[Job] = field(default_factory=list)
    invalidated_rebuilt: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        sites = len({job.site.idsite for job in self.built + self.fresh + self.skipped})
        return (f"{len(self.built)} archives built, {len(self.fresh)} already fresh, "
                f"{len(self.skipped)} without data window, {self.invalidated_rebuilt} rebuilt "
                f"after invalidation, for {sites} site(s) in {self.seconds:.1f} s")


def plan(sites: Iterable[Site], *, kinds: Sequence[str] = DEFAULT_KINDS,
         date_text: str | None = None, now: datetime | None = None) -> list[Job]:
    """The (site, period) pairs to archive; by default the periods holding yesterday and today."""
    jobs: list[Job] = []
    for site in sites:
        for kind in kinds:
            jobs.extend(Job(site, p) for p in _periods(site, kind, date_text, now))
    jobs.sort(key=lambda j: (j.site.idsite, PERIOD_IDS[j.period.kind], j.period.start))
    return jobs


def _periods(site: Site, kind: str, date_text: str | None,
             now: datetime | None) -> list[Period]:
    if date_text:
        return list(select_periods(kind, date_text, tz=site.timezone, now=now).periods)
    today = local_now(site.timezone, now).date()
    return list(periods_between(kind, today - timedelta(days=1), today)) if kind != "range" \
        else []


def run(archiver: Archiver, jobs: Sequence[Job], *, force: bool = False,
        rebuild_invalidated: bool = True,
        progress: Callable[[Job], None] | None = None) -> RunReport:
    started = time.monotonic()
    report = RunReport()
    if rebuild_invalidated:
        sites = {job.site.idsite: job.site for job in jobs}
        for idsite in sites:
            report.invalidated_rebuilt += archiver.rebuild_invalidated(idsite, sites)
    for job in jobs:
        _one(archiver, job, force, report)
        if progress is not None:
            progress(job)
    report.seconds = time.monotonic() - started
    return report


def _one(archiver: Archiver, job: Job, force: bool, report: RunReport) -> None:
    if not archiver.has_data_window(job.site, job.period):
        report.skipped.append(job)
        return
    before = archiver.store.find(job.site.idsite, job.period)
    after = archiver.ensure(job.site, job.period, may_build=True, force=force)
    if after is not None and (before is None or after.idarchive != before.idarchive):
        report.built.append(job)
        log.info("archived site %s %s %s", job.site.idsite, job.period.kind, job.period.label)
    else:
        report.fresh.append(job)


def days_of(jobs: Iterable[Job]) -> set[date]:
    return {day for job in jobs for day in job.period.days()}
