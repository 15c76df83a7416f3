"""The web UI in a real Chromium: log in, read a site's dashboard, and load nothing from elsewhere."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from tests.browser.support import launch_chromium
from tests.web.support import PASSWORD, add_user, track_sample_visits

pytestmark = pytest.mark.browser


def _screenshot_path(tmp_path: Path, name: str) -> Path:
    """Screenshots go to $FOOTFALL_SCREENSHOT_DIR when set (to look at them), else tmp."""
    folder = Path(os.environ.get("FOOTFALL_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _log_in(page: Any, server: testing.RunningServer, login: str) -> None:
    page.goto(server.url("/"))
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _pick_a_day(page: Any, yesterday: str) -> None:
    """Use the period picker: choosing 'Day' swaps the two range fields for one date field."""
    page.locator("details.period-picker summary").click()
    single, start = page.get_by_label("Date", exact=True), page.get_by_label("From", exact=True)
    assert start.is_visible() and not single.is_visible()
    page.get_by_label("Period", exact=True).select_option("day")
    assert single.is_visible() and not start.is_visible()
    single.fill(yesterday)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**period=day**")


def test_dashboard_shows_chart_figures_and_tables_from_footfall_only(
        server: testing.RunningServer, engine: Engine, tmp_path: Path) -> None:
    idsite = testing.create_site(engine, name="Example Shop", urls=["https://shop.example.com"])
    add_user(engine, "alice", superuser=True)
    server.client.timeout = httpx.Timeout(120)  # the first range report is archived on demand
    track_sample_visits(server, idsite, testing.create_superuser_token(engine))
    expected_visits = server.api("VisitsSummary.get", idSite=idsite, period="range", date="last30",
                                 token_auth=testing.create_superuser_token(engine))["nb_visits"]

    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        requested: list[str] = []
        console_errors: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: console_errors.append(message.text)
                if message.type == "error" else None)
        _log_in(page, server, "alice")
        page.wait_for_url(f"**/site/{idsite}", timeout=60_000)

        chart = page.locator("svg.chart")
        assert chart.is_visible()
        assert page.locator("svg.chart circle.chart-dot").count() == 30  # one per day
        figures = dict(zip(page.locator(".figure dt").all_inner_texts(),
                           page.locator(".figure dd").all_inner_texts(), strict=True))
        assert figures["Visits"].split()[0] == f"{expected_visits:,}"  # then the change, if any
        pages_table = page.locator("#widget-pages table")
        assert pages_table.is_visible()
        assert "hello-world" in pages_table.inner_text()
        assert page.locator("#widget-browsers tbody tr").count() >= 1
        assert "Chrome" in page.locator("#widget-browsers").inner_text()
        page.screenshot(path=str(_screenshot_path(tmp_path, "dashboard.png")), full_page=True)

        _pick_a_day(page, yesterday=(date.today() - timedelta(days=1)).isoformat())
        assert "period=day" in page.url
        assert page.locator("svg.chart circle.chart-dot").count() == 30  # the 30 days up to it

        page.get_by_role("link", name="Visits Log").click()
        page.wait_for_url(f"**/site/{idsite}/visits*")
        page.screenshot(path=str(_screenshot_path(tmp_path, "visits-log.png")))
        page.get_by_role("link", name="Tracking code").click()
        assert "matomo.php" in page.locator("#tracking-code").inner_text()

    foreign = [url for url in requested if not url.startswith(server.base_url + "/")]
    assert requested and not foreign, foreign
    assert not console_errors, console_errors  # e.g. a CSP violation by one of our own pages
