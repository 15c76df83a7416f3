"""The benchmarks' data: demo traffic for a freshly configured demo site."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from footfall.demo import setup
from footfall.demo.catalog import load_catalog
from footfall.demo.generator import DemoPlan, TrafficGenerator
from footfall.demo.phrasebook import DemoIds


def demo_site(engine: Engine) -> DemoIds:
    """Create the demo shop with its goals and custom dimensions."""
    catalog = load_catalog()
    return setup.configure_site(engine, setup.create_demo_site(engine, catalog), catalog)


def demo_requests(ids: DemoIds, *, days: int, visits_per_day: int, end: date,
                  seed: int = 1) -> list[str]:
    """Every tracking request of the plan, in time order (query strings starting with '?')."""
    plan = DemoPlan(days=days, visits_per_day=visits_per_day, seed=seed, end_date=end,
                    timezone=load_catalog().timezone)
    generator = TrafficGenerator(plan, load_catalog(), ids)
    return [request for _, hits in generator.days() for _, request in hits]


def visitor_key(request: str) -> str:
    """Who sent a request: the user id, else the cookie id, else the prefix up to the time
    (a bot). Keeping one sender's requests in one stream keeps them in order."""
    start = request.find("&uid=")
    if start >= 0:
        return request[start:request.find("&", start + 1)]
    start = request.find("&_id=")
    if start >= 0:
        return request[start + 5:start + 21]
    return request[:request.find("&cdt=")]
