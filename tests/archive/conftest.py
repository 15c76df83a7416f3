"""Fixtures for archive tests: services over the test database and a raw-log writer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings
from footfall.db.engine import Database
from footfall.services import Services
from footfall.sites import Site, get_site
from tests.archive.rawlog import RawLog, backdate_site


@pytest.fixture
def services(settings: Settings, engine: Engine) -> Iterator[Services]:
    yield Services(settings=settings, db=Database(writer=engine, reader=engine))


@pytest.fixture
def raw(engine: Engine) -> RawLog:
    return RawLog(engine)


@pytest.fixture
def make_site(engine: Engine):  # type: ignore[no-untyped-def]
    """Create a site that exists since `created` (default 2009-01-01), in `timezone`."""

    def make(name: str = "Site AAAAAA", *, timezone: str = "UTC",
             created: datetime = datetime(2009, 1, 1),
             urls: list[str] | None = None) -> Site:
        idsite = testing.create_site(engine, name=name, timezone=timezone,
                                     urls=urls or ["http://piwik.net"])
        backdate_site(engine, idsite, created)
        return get_site(engine, idsite)

    return make
