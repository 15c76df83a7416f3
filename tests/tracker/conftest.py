"""Fixtures shared by the tracker's tests."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from footfall.tracker.queue import QueueStore


@pytest.fixture
def store(engine: Engine, db_url: str) -> QueueStore:
    """The ingest queue of a migrated database on each engine, its tables created."""
    store = QueueStore(engine, db_url)
    store.ensure_tables()
    return store
