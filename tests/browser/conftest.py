"""Fixtures for the end-to-end browser tests: a real `footfall serve` child process on a
temporary SQLite data directory, headless Chromium, and a test website on another host.

Every test reads back what Footfall recorded through the Reporting/Live API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from footfall import testing
from tests.browser.support import USER_AGENT, Website, wait_for

Visits = list[dict[str, Any]]


@dataclass
class Footfall:
    """The server under test, with a superuser token for its API."""

    server: testing.RunningServer
    token: str

    @property
    def url(self) -> str:
        return self.server.base_url + "/"

    def api(self, method: str, **params: Any) -> Any:
        result = self.server.api(method, token_auth=self.token, **params)
        if isinstance(result, dict) and result.get("result") == "error":
            raise AssertionError(f"{method} failed: {result['message']}")
        return result

    def add_site(self, website: Website, *, ecommerce: bool = False) -> int:
        answer = self.api("SitesManager.addSite", siteName="Browser test", urls=website.origin,
                          ecommerce=int(ecommerce))
        return int(answer["value"] if isinstance(answer, dict) else answer)

    def visits(self, idsite: int) -> Visits:
        """Today's visits of the site, oldest first, with their actions."""
        return list(self.api("Live.getLastVisitsDetails", idSite=idsite, period="day",
                             date="today", filter_limit=-1, filter_sort_order="asc"))

    def wait_visits(self, idsite: int, condition: Callable[[Visits], bool], what: str,
                    timeout: float = 30.0) -> Visits:
        """Poll the Live API until `condition(visits)` holds."""
        return wait_for(lambda: (lambda v: v if condition(v) else None)(self.visits(idsite)),
                        timeout=timeout, interval=0.2, what=what)


def actions_of(visits: Visits, kind: str | None = None) -> list[dict[str, Any]]:
    return [a for v in visits for a in v["actionDetails"] if kind is None or a["type"] == kind]


@pytest.fixture(scope="session")
def footfall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Footfall]:
    data_dir: Path = tmp_path_factory.mktemp("footfall-browser")
    db_url = f"sqlite:///{data_dir / 'footfall.sqlite3'}"
    engine = testing.migrated_engine(db_url)
    token = testing.create_superuser_token(engine)
    engine.dispose()
    with testing.serve_in_subprocess(data_dir, db_url) as server:
        yield Footfall(server=server, token=token)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies) per test."""
    ctx = browser.new_context(user_agent=USER_AGENT)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    assert errors == [], f"JavaScript errors on the page: {errors}"
