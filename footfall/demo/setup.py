"""What `footfall demo` prepares before sending traffic: the site, its goals and
custom dimensions, and a short-lived system token that may send `cip` and old `cdt`.

Running the demo again on the same site reuses the goals and dimensions it
configured before (matched by name), so ids stay stable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall import sites
from footfall.admin import dimensions, goals
from footfall.auth import users
from footfall.db.schema import user_token_auth
from footfall.demo.catalog import Catalog
from footfall.demo.phrasebook import DemoIds
from footfall.errors import NotFound

SYSTEM_LOGIN = "footfall_system"


def create_demo_site(engine: Engine, catalog: Catalog) -> int:
    """A new e-commerce site for the demo shop; returns its idsite."""
    return sites.add_site(engine, name=catalog.name, urls=[catalog.base_url],
                          timezone=catalog.timezone, currency=catalog.currency, ecommerce=True)


def configure_site(engine: Engine, idsite: int, catalog: Catalog) -> DemoIds:
    """Make sure the site has the demo's goals and custom dimensions; return their ids."""
    return DemoIds(idsite=idsite, goals=_ensure_goals(engine, idsite, catalog.raw["goals"]),
                   dimensions=_ensure_dimensions(engine, idsite, catalog.raw["custom_dimensions"]))


def _ensure_goals(engine: Engine, idsite: int, wanted: list[dict[str, Any]]) -> dict[str, int]:
    existing = {g.name: g.idgoal for g in goals.list_goals(engine, idsite)}
    ids = {}
    for item in wanted:
        if item["name"] in existing:
            ids[item["key"]] = existing[item["name"]]
            continue
        spec = goals.GoalSpec(
            name=item["name"], match_attribute=item["match_attribute"],
            pattern=item.get("pattern", ""), pattern_type=item.get("pattern_type", "contains"),
            revenue=float(item.get("revenue", 0)),
            allow_multiple=bool(item.get("allow_multiple", False)))
        ids[item["key"]] = goals.add_goal(engine, idsite, spec)
    return ids


def _ensure_dimensions(engine: Engine, idsite: int,
                       wanted: list[dict[str, Any]]) -> dict[str, int]:
    existing = {(d.name, d.scope): d.idcustomdimension
                for d in dimensions.list_dimensions(engine, idsite)}
    ids = {}
    for item in wanted:
        found = existing.get((item["name"], item["scope"]))
        ids[item["key"]] = found or dimensions.add_dimension(
            engine, idsite, name=item["name"], scope=item["scope"], active=True)
    return ids


@contextlib.contextmanager
def system_token(engine: Engine, *, lifetime: timedelta = timedelta(hours=12)) -> Iterator[str]:
    """A superuser token for the demo's own requests, revoked when the demo ends.

    Tokens are stored hashed, so an old one cannot be reused: each run makes
    its own, flagged as a system token and set to expire even if the run dies.
    """
    try:
        users.get_user(engine, SYSTEM_LOGIN)
    except NotFound:
        users.add_user(engine, SYSTEM_LOGIN, email="system@footfall.invalid", password=None,
                       superuser=True)
    token = users.create_token(engine, SYSTEM_LOGIN, description="footfall demo")
    row = user_token_auth.c.token_hash == users.hash_token(token)
    with engine.begin() as conn:
        conn.execute(user_token_auth.update().where(row).values(
            system_token=1, date_expired=users.utcnow() + lifetime))
    try:
        yield token
    finally:
        with engine.begin() as conn:
            conn.execute(sa.delete(user_token_auth).where(row))
