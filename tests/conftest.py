"""Fixtures: every storage-touching test runs on SQLite, and on PostgreSQL and
MariaDB/MySQL when FOOTFALL_TEST_POSTGRES_URL / FOOTFALL_TEST_MYSQL_URL are set.

Each test run creates its own uniquely named database on each server (so
parallel runs never collide) and drops it at the end; each test starts with
empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings

SERVER_ENGINES = {
    "postgresql": "FOOTFALL_TEST_POSTGRES_URL",
    "mysql": "FOOTFALL_TEST_MYSQL_URL",
}


def _engine_params() -> list[str]:
    return ["sqlite", *(name for name, var in SERVER_ENGINES.items() if os.environ.get(var))]


@pytest.fixture(scope="session")
def _server_databases() -> Iterator[dict[str, str]]:
    """Two scratch databases per configured server engine, migrated once: `name` for the
    tests, which empty it at their start, and `name/module` for the module-scoped
    scenarios, whose server (and its archiving scheduler) lives across a module's
    tests and must not share tables that those tests empty under it."""
    created: dict[str, str] = {}
    try:
        for name, var in SERVER_ENGINES.items():
            server_url = os.environ.get(var)
            if server_url:
                for key in (name, f"{name}/module"):
                    created[key] = testing.create_scratch_database(server_url)
                    testing.migrated_engine(created[key]).dispose()
        yield created
    finally:
        for key, url in created.items():
            testing.drop_scratch_database(os.environ[SERVER_ENGINES[key.split("/")[0]]], url)


@pytest.fixture(params=_engine_params())
def db_url(request: pytest.FixtureRequest, tmp_path: Path,
           _server_databases: dict[str, str]) -> Iterator[str]:
    """A migrated, empty database on each engine: its URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'footfall.sqlite3'}"
        testing.migrated_engine(url).dispose()
        yield url
        return
    url = _server_databases[request.param]
    engine = testing.migrated_engine(url)
    testing.empty_all_tables(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = testing.make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return testing.make_settings(tmp_path / "data", db_url)


@pytest.fixture
def server(settings: Settings) -> Iterator[testing.RunningServer]:
    """A real Footfall server (uvicorn, real socket) on the test's database."""
    with testing.serve_in_thread(settings) as running:
        yield running


# Real Chromium and a static test website, shared by tests/browser and tests/js.
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from tests.browser.support import launch_chromium

    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def website() -> Iterator[Any]:
    from tests.browser.support import serve_website

    with serve_website() as site:
        yield site
