"""`footfall demo` from start to end: set up the site, generate, send, summarise."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections import Counter
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TextIO

from tqdm import tqdm

from footfall import sites
from footfall.auth import users
from footfall.config import Settings
from footfall.db.engine import Database
from footfall.demo import sender, setup
from footfall.demo.catalog import load_catalog
from footfall.demo.generator import DemoPlan, TrafficGenerator, site_zone
from footfall.demo.phrasebook import DemoIds
from footfall.errors import BadRequest

BATCH_SIZE = 500   # hits per bulk request


@dataclass
class DemoOptions:
    days: int = 30
    visits_per_day: int = 2000
    seed: int = 1
    idsite: int | None = None
    url: str | None = None          # send over HTTP to this Footfall instead of in-process
    token_auth: str | None = None   # for --url servers on another database
    end_date: date | None = None    # default: yesterday in the site's timezone
    public: bool = False            # let anonymous users view the site's reports
    progress: bool = True


@dataclass
class DemoResult:
    idsite: int
    first_date: date
    end_date: date
    hits_sent: int = 0
    tracked: int = 0
    invalid: int = 0
    seconds: float = 0.0
    drained: bool = False
    stats: Counter[str] = field(default_factory=Counter)


def default_end_date(timezone: str) -> date:
    """Yesterday in the site's timezone: the last full day that is over."""
    return datetime.now(site_zone(timezone)).date() - timedelta(days=1)


def prepare(db: Database, options: DemoOptions) -> tuple[DemoIds, DemoPlan]:
    """Check the options, create or check the site, configure goals and dimensions."""
    if options.days < 1 or options.visits_per_day < 1:
        raise BadRequest("--days and --visits-per-day must be at least 1")
    engine = db.writer
    given = sites.get_site(engine, options.idsite) if options.idsite else None
    timezone = given.timezone if given else load_catalog().timezone
    end = options.end_date or default_end_date(timezone)
    if end >= datetime.now(site_zone(timezone)).date():
        raise BadRequest(f"--end-date {end} is not over yet in the site's timezone; "
                         "hits cannot be dated in the future")
    site = given or sites.get_site(engine, setup.create_demo_site(engine, load_catalog()))
    ids = setup.configure_site(engine, site.idsite, load_catalog(site.main_url))
    if options.public:
        users.set_access(engine, users.ANONYMOUS, site.idsite, "view")
    plan = DemoPlan(days=options.days, visits_per_day=options.visits_per_day,
                    seed=options.seed, end_date=end, timezone=timezone)
    return ids, plan


async def send_traffic(generator: TrafficGenerator, target: sender.BulkTarget,
                       result: DemoResult, *, progress: bool) -> None:
    bar = tqdm(total=generator.plan.days, unit="day", disable=not progress, leave=False,
               desc="demo traffic")
    with bar:
        for day, hits in generator.days():
            for start in range(0, len(hits), BATCH_SIZE):
                batch = [request for _, request in hits[start:start + BATCH_SIZE]]
                outcome = await target.send(batch)
                result.hits_sent += len(batch)
                result.tracked += outcome.tracked
                result.invalid += outcome.invalid
            bar.set_postfix_str(f"{day} {result.hits_sent:,} hits")
            bar.update(1)
        bar.set_postfix_str("waiting for the tracker to process the queue")
        result.drained = await target.drain()


async def run_demo_async(settings: Settings, db: Database, options: DemoOptions) -> DemoResult:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per bulk is noise here
    ids, plan = prepare(db, options)
    generator = TrafficGenerator(plan, load_catalog(sites.get_site(db.writer, ids.idsite)
                                                    .main_url), ids)
    result = DemoResult(idsite=ids.idsite, first_date=plan.first_date, end_date=plan.end_date)
    started = time.perf_counter()
    with setup.system_token(db.writer) as own_token:
        token = options.token_auth or own_token
        target: AbstractAsyncContextManager[sender.BulkTarget]
        if options.url:
            target = sender.over_http(options.url, token)
        else:
            target = sender.in_process(settings, db, token)
        async with target as bulk:
            await send_traffic(generator, bulk, result, progress=options.progress)
    result.seconds = time.perf_counter() - started
    result.stats = generator.stats
    return result


def run_demo(settings: Settings, db: Database, options: DemoOptions) -> DemoResult:
    coroutine = run_demo_async(settings, db, options)
    if asyncio._get_running_loop() is None:
        return asyncio.run(coroutine)
    # Called from code that already runs a loop in this thread (e.g. a test process
    # that drives Playwright's sync API): run ours in a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def print_summary(result: DemoResult, out: TextIO) -> None:
    s = result.stats
    rate = result.hits_sent / result.seconds if result.seconds else 0.0
    lines = [
        f"Demo traffic for site {result.idsite}, {result.first_date} to {result.end_date}:",
        f"  {s['visits']:,} visits ({s['new_visits']:,} new, {s['returning_visits']:,} returning)"
        f" and {s['bot_visits']:,} bot visits",
        f"  {s['pageviews']:,} pageviews, {s['site_searches']:,} site searches, "
        f"{s['downloads']:,} downloads, {s['outlinks']:,} outlinks, {s['events']:,} events",
        f"  {s['content_impressions']:,} content impressions, "
        f"{s['content_interactions']:,} interactions",
        f"  {s['orders']:,} orders ({s['revenue_cents'] / 100:,.2f} revenue), "
        f"{s['abandoned_carts']:,} abandoned carts, {s['signups']:,} sign-ups, "
        f"{s['manual_goals']:,} manual goal conversions",
        f"  referrers: {s['referrer_direct']:,} direct, {s['referrer_search']:,} search, "
        f"{s['referrer_website']:,} websites, {s['referrer_social']:,} social, "
        f"{s['referrer_campaign']:,} campaigns",
        f"  {result.hits_sent:,} hits sent in {result.seconds:.1f} s ({rate:,.0f} hits/s): "
        f"{result.tracked:,} tracked, {result.invalid:,} invalid"
        + ("" if result.drained else " (still being processed by the server)"),
    ]
    out.write("\n".join(lines) + "\n")
