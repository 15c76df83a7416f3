"""Demo traffic over a run of days: how many visits when, by whom, in time order.

Everything comes from one `random.Random(seed)`, and nothing reads the clock,
so the same plan always yields the same requests. Visits follow the weekly
and daily rhythm of the site's timezone; a visitor never starts a visit while
the previous one is still going on, so each visitor's hits stay in order.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from operator import itemgetter
from zoneinfo import ZoneInfo

from footfall.demo.catalog import Catalog
from footfall.demo.phrasebook import DemoIds, Phrasebook
from footfall.demo.population import Population
from footfall.demo.visits import Hit, VisitMaker

RETURNING_SHARE = 0.35   # visits by someone seen on an earlier visit
BOT_SHARE = 0.005        # visits by crawlers


@dataclass(frozen=True)
class DemoPlan:
    """How much traffic to make: `days` days ending with `end_date` (site time)."""

    days: int
    visits_per_day: int
    seed: int
    end_date: date
    timezone: str = "UTC"

    @property
    def first_date(self) -> date:
        return self.end_date - timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        return [self.first_date + timedelta(days=i) for i in range(self.days)]


def site_zone(timezone: str) -> ZoneInfo:
    # Matomo's manual offsets ("UTC+2") have no zone database entry: treat as UTC.
    try:
        return ZoneInfo(timezone)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(), tzinfo=zone).timestamp())


class TrafficGenerator:
    """Yields each day's hits, sorted by time; `stats` counts what was made."""

    def __init__(self, plan: DemoPlan, catalog: Catalog, ids: DemoIds) -> None:
        self.plan, self.catalog = plan, catalog
        self.rng = random.Random(plan.seed)
        self.stats: Counter[str] = Counter()
        self.population = Population(self.rng, catalog, ids.idsite)
        self.maker = VisitMaker(self.rng, catalog, Phrasebook(catalog, ids), self.stats)
        weights = catalog.raw["weekday_weights"]
        self.weekday = [w * 7 / sum(weights) for w in weights]
        self.hours = list(accumulate(catalog.raw["hourly_weights"]))
        self.zone = site_zone(plan.timezone)

    def days(self) -> Iterator[tuple[date, list[Hit]]]:
        """(day, hits) for each day; hits running past midnight move to the next day.

        Hits after the last day's end (visits still going on at midnight) are
        dropped, so that no hit is ever dated after the chosen end.
        """
        carry: list[Hit] = []
        for day in self.plan.dates():
            start, end = midnight(day, self.zone), midnight(day + timedelta(days=1), self.zone)
            hits = carry
            for visit_start in self._visit_starts(day, start):
                self._one_visit(visit_start, hits)
            hits.sort(key=itemgetter(0))
            cut = bisect.bisect_left(hits, end, key=itemgetter(0))
            carry = hits[cut:]
            yield day, hits[:cut]
        self.stats["hits_after_end_dropped"] += len(carry)

    def _visit_starts(self, day: date, start: int) -> list[int]:
        rng = self.rng
        count = round(self.plan.visits_per_day * self.weekday[day.weekday()]
                      * (0.92 + 0.16 * rng.random()))
        hours = rng.choices(range(24), cum_weights=self.hours, k=count)
        return sorted(start + hour * 3600 + int(rng.random() * 3600) for hour in hours)

    def _one_visit(self, start: int, hits: list[Hit]) -> None:
        rng = self.rng
        if rng.random() < BOT_SHARE:
            self.maker.bot_visit(self.population.bot(), start, hits)
            self.stats["bot_visits"] += 1
            return
        visitor = None
        if rng.random() < RETURNING_SHARE:
            visitor = self.population.returning(start)
        self.maker.visit(visitor or self.population.new(), start, hits)
