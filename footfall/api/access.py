"""Who is calling the API and what they may see, with Matomo's refusal messages.

Tokens, access levels and sites are looked up once and kept for a few
seconds: the API answers many small requests and these lookups would
otherwise cost more than reading an archive. Writes made through the API
clear the caches at once; changes made by another process show within the TTL.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from footfall import sites
from footfall.auth import users
from footfall.auth.users import ANONYMOUS, User
from footfall.errors import NotFound, Unauthorized
from footfall.services import Services

CACHE_TTL_SECONDS = 5.0
BAD_TOKEN_GET = ("Unable to authenticate with the provided token. It is either invalid, "
                 "expired or is required to be sent as a POST parameter.")
BAD_TOKEN_POST = "Unable to authenticate with the provided token. It is either invalid or expired."
T = TypeVar("T")


class TtlCache:
    """A small thread-safe map whose entries expire after `ttl` seconds."""

    def __init__(self, ttl: float = CACHE_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get_or_load(self, key: Any, load: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[no-any-return]
        value = load()
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass
class AccessCaches:
    """The per-process caches of the API (one per Services)."""

    tokens: TtlCache
    levels: TtlCache
    sites: TtlCache

    def clear(self) -> None:
        self.tokens.clear()
        self.levels.clear()
        self.sites.clear()


def caches(services: Services) -> AccessCaches:
    found = services.components.get("api_access_caches")
    if found is None:
        found = AccessCaches(TtlCache(), TtlCache(), TtlCache())
        services.components["api_access_caches"] = found
    return found  # type: ignore[no-any-return]


def user_for_token(services: Services, token: str, *, via_post: bool) -> User | None:
    """The token's user; no token means the anonymous user (None). A bad token is refused."""
    if not token:
        return None
    key = hashlib.sha256(token.encode()).hexdigest()
    found = caches(services).tokens.get_or_load(
        key, lambda: users.user_for_token(services.db.reader, token))
    if found is None:
        raise Unauthorized(BAD_TOKEN_POST if via_post else BAD_TOKEN_GET)
    return found


def access_level(services: Services, who: User | None, idsite: int) -> str | None:
    """'view', 'write', 'admin' or None; superusers have admin everywhere."""
    if who is not None and who.superuser:
        return "admin"
    login = who.login if who else ANONYMOUS
    return caches(services).levels.get_or_load(
        (login, idsite), lambda: users.access_level(services.db.reader, who, idsite))


def get_site(services: Services, idsite: int) -> sites.Site:
    """A site by id (cached); NotFound with Matomo's wording when there is none."""
    def load() -> sites.Site | None:
        try:
            return sites.get_site(services.db.reader, idsite)
        except NotFound:
            return None

    found = caches(services).sites.get_or_load(idsite, load)
    if found is None:
        raise NotFound(f"The requested website id = {idsite} couldn't be found")
    return found


def all_sites(services: Services) -> list[sites.Site]:
    return caches(services).sites.get_or_load("all", lambda: sites.list_sites(services.db.reader))


def check_site_access(services: Services, who: User | None, idsite: int, level: str) -> None:
    if not users.has_access(access_level(services, who, idsite), level):
        raise Unauthorized(f"You can't access this resource as it requires '{level}' access "
                           f"for the website id = {idsite}.")


def sites_with_access(services: Services, who: User | None, level: str = "view") -> list[int]:
    """Ids of every site the caller has at least `level` access to."""
    return [s.idsite for s in all_sites(services)
            if users.has_access(access_level(services, who, s.idsite), level)]


def check_some_access(services: Services, who: User | None, level: str = "view") -> None:
    if not sites_with_access(services, who, level):
        raise Unauthorized(f"You can't access this resource as it requires {level} access "
                           "for at least one website.")


def check_superuser(who: User | None) -> None:
    if who is None or not who.superuser:
        raise Unauthorized("You can't access this resource as it requires a 'superuser' access.")
