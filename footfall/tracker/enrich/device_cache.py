"""Caches of parsed user agents: a bounded in-memory LRU and a persistent table.

Parsing a user agent costs 7 ms to over a second; a site sees few distinct
agents, so nearly every hit is a cache hit. The persistent cache (Matomo's
DeviceDetectorCache) keeps that true across restarts and log imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.db import schema
from footfall.db.dialects import create_if_missing
from footfall.tracker.enrich.lru import MemoryLru

__all__ = ["DeviceCache", "MemoryLru", "SqlDeviceCache"]

# Keys per statement when reading or writing the table (bind-parameter limits).
_CHUNK = 500


class DeviceCache(Protocol):
    """Persistent storage of detection results, as JSON text by cache key."""

    def get_many(self, keys: Iterable[str]) -> dict[str, str]: ...

    def put_many(self, entries: Mapping[str, str]) -> None: ...


class SqlDeviceCache:
    """`DeviceCache` on the `device_cache` table of the Footfall database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        table = schema.device_cache
        # The table joined the schema after 0.1 databases were created; make sure.
        create_if_missing(table, engine)
        self._table = table

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(keys))
        found: dict[str, str] = {}
        table = self._table
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                query = sa.select(table.c.cache_key, table.c.value).where(table.c.cache_key.in_(chunk))
                found.update({row.cache_key: row.value for row in connection.execute(query)})
        return found

    def put_many(self, entries: Mapping[str, str]) -> None:
        """Insert new entries; keys already stored (by another worker) are left alone."""
        if not entries:
            return
        try:
            self._insert_missing(entries)
        except sa.exc.IntegrityError:
            # Another process stored some of the same agents meanwhile: go one by one.
            for key, value in entries.items():
                try:
                    self._insert_missing({key: value})
                except sa.exc.IntegrityError:
                    continue

    def _insert_missing(self, entries: Mapping[str, str]) -> None:
        table = self._table
        keys = sorted(entries)
        with self.engine.begin() as connection:
            present: set[str] = set()
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                query = sa.select(table.c.cache_key).where(table.c.cache_key.in_(chunk))
                present.update(connection.scalars(query))
            rows = [{"cache_key": k, "value": entries[k]} for k in keys if k not in present]
            if rows:
                connection.execute(sa.insert(table), rows)
