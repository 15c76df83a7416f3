"""Cached look-ups the tracker makes per hit: sites and token access.

The HTTP layer asks "does site N exist?" and "may this token write to site N?"
on the hot path; both answers change rarely, so they are kept in memory with a
short time-to-live. A site that is not found is re-checked after a second, so
a site created a moment ago can be tracked at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from footfall import sites
from footfall.auth import users
from footfall.errors import NotFound
from footfall.sites import Site

_MISSING_TTL = 1.0
MAX_ID = 2**31 - 1  # ids are INTEGER columns: larger numbers name nothing


class SiteCache:
    """idsite -> Site, refreshed after `ttl` seconds; thread-safe."""

    def __init__(self, engine: Engine, *, ttl: float = 300.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._sites: dict[int, tuple[float, Site | None]] = {}
        self._lock = threading.Lock()

    def load_all(self) -> None:
        """Warm-up: every site at once."""
        now = time.monotonic()
        loaded = {s.idsite: (now, s) for s in sites.list_sites(self.engine)}
        with self._lock:
            self._sites.update(loaded)

    def cached(self, idsite: int) -> tuple[bool, Site | None]:
        """(fresh, site) from memory only, without touching the database."""
        entry = self._sites.get(idsite)
        if entry is None:
            return False, None
        loaded_at, site = entry
        ttl = self.ttl if site is not None else _MISSING_TTL
        return time.monotonic() - loaded_at < ttl, site

    def get(self, idsite: int) -> Site | None:
        fresh, site = self.cached(idsite)
        if fresh:
            return site
        try:
            site = sites.get_site(self.engine, idsite) if 0 < idsite <= MAX_ID else None
        except NotFound:
            site = None
        with self._lock:
            self._sites[idsite] = (time.monotonic(), site)
        return site

    def all(self) -> list[Site]:
        return [site for _, site in self._sites.values() if site is not None]

    def clear(self) -> None:
        with self._lock:
            self._sites.clear()


@dataclass(frozen=True)
class TokenAccess:
    superuser: bool
    levels: dict[int, str | None]


class TokenCache:
    """token_auth -> the user's access per site, for `ttl` seconds (tokens are hashed in
    the database; only the answers are kept, keyed by the token's SHA-256)."""

    def __init__(self, engine: Engine, *, ttl: float = 60.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._entries: dict[tuple[str, int], tuple[float, bool, str | None]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str, idsite: int) -> tuple[bool, str | None] | None:
        entry = self._entries.get((users.hash_token(token), idsite))
        if entry is None or time.monotonic() - entry[0] > self.ttl:
            return None
        return entry[1], entry[2]

    def lookup(self, token: str, idsite: int) -> tuple[bool, str | None]:
        """(is super user, access level on idsite) for a token; unknown token: (False, None)."""
        found = self.cached(token, idsite)
        if found is not None:
            return found
        who = users.user_for_token(self.engine, token) if token else None
        superuser = bool(who and who.superuser)
        level = users.access_level(self.engine, who, idsite) if who else None
        with self._lock:
            self._entries[(users.hash_token(token), idsite)] = (time.monotonic(), superuser, level)
        return superuser, level

    def can_write(self, token: str, idsite: int) -> bool:
        superuser, level = self.lookup(token, idsite)
        return superuser or users.has_access(level, "write")


class GoalCache:
    """(idsite, idgoal) -> exists, for refusing conversions of unknown goals early."""

    def __init__(self, engine: Engine, *, ttl: float = 60.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._entries: dict[tuple[int, int], tuple[float, bool]] = {}

    def cached(self, idsite: int, idgoal: int) -> bool | None:
        entry = self._entries.get((idsite, idgoal))
        if entry is None:
            return None
        fresh = time.monotonic() - entry[0] < (self.ttl if entry[1] else _MISSING_TTL)
        return entry[1] if fresh else None

    def exists(self, idsite: int, idgoal: int) -> bool:
        known = self.cached(idsite, idgoal)
        if known is not None:
            return known
        if not (0 < idsite <= MAX_ID and 0 <= idgoal <= MAX_ID):
            return False  # no such row can exist (and PostgreSQL refuses the comparison)
        now = time.monotonic()
        import sqlalchemy as sa

        from footfall.db.schema import goal

        query = sa.select(goal.c.idgoal).where(goal.c.idsite == idsite, goal.c.idgoal == idgoal,
                                                goal.c.deleted == 0)
        with self.engine.connect() as conn:
            found = conn.execute(query).first() is not None
        self._entries[(idsite, idgoal)] = (now, found)
        return found
