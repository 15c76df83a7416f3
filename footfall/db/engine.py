"""The database handle: a writer engine and, when configured, a reader engine.

The Reporting API reads through `reader` so that a read replica
(`[database_reader]`) takes report traffic off the primary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.config import Settings
from footfall.db import dialects


@dataclass
class Database:
    """Writer and reader engines for one configured database."""

    writer: Engine
    reader: Engine

    @property
    def dialect(self) -> str:
        return dialects.dialect_name(self.writer)

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


def make_engine(url: str, *, sqlite_synchronous: str = "FULL") -> Engine:
    """An engine for `url` with the per-engine options and connection set-up."""
    url = dialects.mysql_url_with_charset(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **dialects.engine_options(url))
    dialects.on_connect(engine, sqlite_synchronous=sqlite_synchronous)
    return engine


def open_database(settings: Settings) -> Database:
    """Open the configured database (creating the data directory for SQLite)."""
    sync = settings.get_str("database", "sqlite_synchronous")
    writer = make_engine(settings.database_url, sqlite_synchronous=sync)
    reader_url = settings.database_reader_url
    reader = make_engine(reader_url, sqlite_synchronous=sync) if reader_url else writer
    return Database(writer=writer, reader=reader)
