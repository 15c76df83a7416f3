"""What the pipeline needs to know about a site besides the site row: URL filter,
site-search parameters, goals, custom dimensions and visit rules, cached.

The cache is rebuilt after `[Tracker] tracker_cache_file_ttl` seconds, or at
once when the `tracker_config_version` option changes: code that edits goals,
custom dimensions or sites calls `bump_config_version` so the tracker sees the
change on its next batch.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from footfall.config import Settings
from footfall.db.dialects import upsert
from footfall.db.schema import custom_dimensions, goal, option
from footfall.sites import Site
from footfall.tracker.actions import DEFAULT_SEARCH_PARAMS
from footfall.tracker.enrich.campaign import CAMPAIGN_KEYWORD_PARAMS, CAMPAIGN_NAME_PARAMS
from footfall.tracker.urls import UrlFilter
from footfall.tracker.visits import VisitRules

VERSION_OPTION = "tracker_config_version"
_ALWAYS_EXCLUDED = ("ignore_referrer", "ignore_referer")


def bump_config_version(bind: Engine | Connection) -> None:
    """Tell running trackers that goals, custom dimensions or sites changed."""
    statement = upsert(option, bind, keys=["option_name"], update=["option_value"]).values(
        option_name=VERSION_OPTION, option_value=uuid.uuid4().hex)
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            conn.execute(statement)
    else:
        bind.execute(statement)


@dataclass(frozen=True)
class Goal:
    idgoal: int
    match_attribute: str
    pattern: str
    pattern_type: str
    case_sensitive: bool
    allow_multiple: bool
    revenue: float
    event_value_as_revenue: bool


@dataclass(frozen=True)
class Dimension:
    idcustomdimension: int
    index: int
    scope: str
    extractions: tuple[tuple[str, str], ...]
    case_sensitive: bool

    @property
    def column(self) -> str:
        return f"custom_dimension_{self.index}"


@dataclass
class SiteConfig:
    site: Site
    url_filter: UrlFilter
    search_params: tuple[str, ...]
    category_params: tuple[str, ...]
    rules: VisitRules
    goals: dict[int, Goal] = field(default_factory=dict)
    dimensions: dict[int, Dimension] = field(default_factory=dict)

    @property
    def has_action_dimensions(self) -> bool:
        return any(d.scope == "action" for d in self.dimensions.values())


class SiteConfigs:
    """SiteConfig per site, rebuilt when stale or when the version option changes."""

    def __init__(self, settings: Settings, ttl: float) -> None:
        self.settings = settings
        self.ttl = ttl
        self._configs: dict[int, SiteConfig] = {}
        self._loaded_at = 0.0
        self._version: str | None = None

    def check_version(self, conn: Connection) -> bool:
        """Drop stale configurations; True when they were dropped."""
        query = sa.select(option.c.option_value).where(option.c.option_name == VERSION_OPTION)
        version = conn.execute(query).scalar()
        if version != self._version or time.monotonic() - self._loaded_at > self.ttl:
            self._configs.clear()
            self._version = version
            self._loaded_at = time.monotonic()
            return True
        return False

    def forget(self) -> None:
        self._configs.clear()
        self._version = None

    def get(self, conn: Connection, site: Site) -> SiteConfig:
        config = self._configs.get(site.idsite)
        if config is None or config.site != site:
            config = self._build(conn, site)
            self._configs[site.idsite] = config
        return config

    def _build(self, conn: Connection, site: Site) -> SiteConfig:
        tracker = self.settings.values["Tracker"]
        excluded = [*_ALWAYS_EXCLUDED, *site.excluded_parameters,
                    *tracker["excluded_parameters"],
                    *tracker["url_query_parameter_to_exclude_from_url"],
                    *CAMPAIGN_NAME_PARAMS, *CAMPAIGN_KEYWORD_PARAMS]
        keep_fragment = site.keep_url_fragment == 1
        return SiteConfig(
            site=site,
            url_filter=UrlFilter.build(excluded, keep_fragment=keep_fragment),
            search_params=tuple(p.lower() for p in site.sitesearch_keyword_parameters)
            or DEFAULT_SEARCH_PARAMS,
            category_params=tuple(p.lower() for p in site.sitesearch_category_parameters),
            rules=VisitRules.of(self.settings, site.idsite, site.type),
            goals=_goals(conn, site.idsite),
            dimensions=_dimensions(conn, site.idsite),
        )


def _goals(conn: Connection, idsite: int) -> dict[int, Goal]:
    query = sa.select(goal).where(goal.c.idsite == idsite, goal.c.deleted == 0)
    return {row.idgoal: Goal(
        idgoal=row.idgoal, match_attribute=row.match_attribute, pattern=row.pattern,
        pattern_type=row.pattern_type, case_sensitive=bool(row.case_sensitive),
        allow_multiple=bool(row.allow_multiple), revenue=float(row.revenue or 0),
        event_value_as_revenue=bool(row.event_value_as_revenue),
    ) for row in conn.execute(query)}


def _dimensions(conn: Connection, idsite: int) -> dict[int, Dimension]:
    query = sa.select(custom_dimensions).where(custom_dimensions.c.idsite == idsite,
                                               custom_dimensions.c.active == 1)
    found: dict[int, Dimension] = {}
    for row in conn.execute(query):
        found[row.idcustomdimension] = Dimension(
            idcustomdimension=row.idcustomdimension, index=row.index, scope=row.scope,
            extractions=_extractions(row.extractions),
            case_sensitive=bool(row.case_sensitive))
    return found


def _extractions(raw: Any) -> tuple[tuple[str, str], ...]:
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple((str(i.get("dimension", "")), str(i.get("pattern", "")))
                 for i in items if isinstance(i, dict) and i.get("pattern"))
