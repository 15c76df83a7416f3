"""The UI's pages over real HTTP, on real tracked data: what they show and how they degrade."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.web import widgets
from tests.web.support import add_user, login, track_sample_visits


@pytest.fixture
def alice(server: testing.RunningServer, engine: Engine) -> httpx.Client:
    """A logged-in superuser's browser (archiving on first view may take a while)."""
    add_user(engine, "alice", superuser=True)
    server.client.timeout = httpx.Timeout(120)
    response = login(server.client, server.base_url, "alice")
    assert response.status_code == 303
    return server.client


def test_login_page_explains_the_first_step_on_a_fresh_install(
        server: testing.RunningServer, engine: Engine) -> None:
    assert "No user can sign in yet" in server.client.get(server.url("/login")).text
    add_user(engine, "alice")
    assert "No user can sign in yet" not in server.client.get(server.url("/login")).text


def test_dashboard_without_data_shows_the_tracking_snippet(
        server: testing.RunningServer, engine: Engine, alice: httpx.Client) -> None:
    testing.create_site(engine, name="Fresh site")
    page = alice.get(server.url("/site/1"))
    assert page.status_code == 200
    assert "No data yet — paste this snippet" in page.text
    assert f"{server.base_url}/".replace("/", "\\/") in page.text or server.base_url in page.text
    assert "matomo.php" in page.text and "setSiteId" in page.text
    assert 'id="widget-pages"' not in page.text  # no empty tables under the empty state


def test_dashboard_shows_the_reports_figures(server: testing.RunningServer, engine: Engine,
                                             alice: httpx.Client) -> None:
    idsite = testing.create_site(engine, name="Shop", urls=["https://shop.example.com"])
    token = testing.create_superuser_token(engine)
    track_sample_visits(server, idsite, token)
    page = alice.get(server.url(f"/site/{idsite}?period=range&date=last30")).text
    summary = server.api("VisitsSummary.get", idSite=idsite, period="range", date="last30",
                         token_auth=token)
    figures = {name: value.strip() for name, value in
               re.findall(r"<dt>([^<]+)</dt>\s*<dd[^>]*>([^<]+)", page)}
    assert figures["Visits"] == f"{summary['nb_visits']:,}"
    assert figures["Actions"] == f"{summary['nb_actions']:,}"
    assert figures["Bounce rate"] == summary["bounce_rate"]
    assert page.count('class="chart-dot"') == 30
    pages_widget = page.split('id="widget-pages"')[1].split("</section>")[0]
    assert "hello-world" in pages_widget and "<tbody>" in pages_widget


def test_a_missing_report_becomes_a_message_not_an_error(
        server: testing.RunningServer, engine: Engine, alice: httpx.Client,
        monkeypatch: pytest.MonkeyPatch) -> None:
    idsite = testing.create_site(engine)
    track_sample_visits(server, idsite, testing.create_superuser_token(engine))
    future = widgets.Widget("future", "Future report", "NotYetBuilt.getThings", "Thing",
                            (widgets.VISITS,))
    monkeypatch.setattr(widgets, "DASHBOARD_SECTIONS",
                        (*widgets.DASHBOARD_SECTIONS, ("Coming soon", (future,))))
    page = alice.get(server.url(f"/site/{idsite}"))
    assert page.status_code == 200
    box = page.text.split('id="widget-future"')[1].split("</section>")[0]
    assert "This report is not available yet." in box
    assert 'id="widget-browsers"' in page.text  # the others still render


def test_bad_period_falls_back_with_a_notice(server: testing.RunningServer, engine: Engine,
                                             alice: httpx.Client) -> None:
    testing.create_site(engine)
    page = alice.get(server.url("/site/1?period=day&date=someday"))
    assert page.status_code == 200
    assert "Date format must be" in page.text and "Showing the last 30 days instead." in page.text


def test_visits_log_lists_visits_and_their_pages(server: testing.RunningServer, engine: Engine,
                                                 alice: httpx.Client) -> None:
    idsite = testing.create_site(engine, urls=["https://shop.example.com"])
    track_sample_visits(server, idsite, testing.create_superuser_token(engine), days=10)  # 35 visits
    for query in ("", "?period=week&date=yesterday", "?period=range&date=previous7"):
        page = alice.get(server.url(f"/site/{idsite}/visits{query}")).text
        assert page.count('class="card visit"') >= 1, query
        assert "Hello world" in page and "Search Engines" in page, query
    first = alice.get(server.url(f"/site/{idsite}/visits")).text
    assert "Older visits" in first  # 25 per page, more were tracked
    older = alice.get(server.url(f"/site/{idsite}/visits?period=range&date=last30&offset=25")).text
    assert "Newer visits" in older


def test_tracking_code_page_points_at_this_server(server: testing.RunningServer, engine: Engine,
                                                  alice: httpx.Client) -> None:
    testing.create_site(engine, name="Blog", urls=["https://blog.example.com"])
    page = alice.get(server.url("/site/1/tracking-code")).text
    code = page.split('id="tracking-code"')[1].split("</pre>")[0]
    assert "_paq" in code and "setSiteId" in code and server.base_url.split("//")[1] in code
    assert "https://blog.example.com" in page and "data-copy=\"tracking-code\"" in page


def test_site_picker_lists_sites_with_their_traffic(server: testing.RunningServer, engine: Engine,
                                                    alice: httpx.Client) -> None:
    token = testing.create_superuser_token(engine)
    busy = testing.create_site(engine, name="Busy shop", urls=["https://shop.example.com"])
    testing.create_site(engine, name="Quiet blog")
    track_sample_visits(server, busy, token)
    expected = server.api("VisitsSummary.get", idSite=busy, period="range", date="last30",
                          token_auth=token)["nb_visits"]
    page = alice.get(server.url("/"))
    assert page.status_code == 200
    rows = re.findall(r'<th scope="row"><a href="/site/(\d+)\?[^"]*">([^<]+)</a></th>\s*'
                      r'<td class="muted">[^<]*</td>\s*<td class="num">([^<]+)</td>', page.text)
    assert rows == [("1", "Busy shop", f"{expected:,}"), ("2", "Quiet blog", "0")]


def test_static_files_are_served_by_footfall(server: testing.RunningServer) -> None:
    for path, media in (("/static/footfall.css", "text/css"),
                        ("/static/footfall-ui.js", "javascript"),
                        ("/static/favicon.svg", "image/svg+xml")):
        response = server.client.get(server.url(path))
        assert response.status_code == 200 and media in response.headers["content-type"], path


def test_a_site_that_does_not_exist_is_a_404(server: testing.RunningServer, engine: Engine,
                                             alice: httpx.Client) -> None:
    testing.create_site(engine)
    for path in ("/site/99", "/site/99/visits", "/site/99/tracking-code"):
        page = alice.get(server.url(path))
        assert page.status_code == 404, path
        assert "This page is not available" in page.text


def test_matomo_ui_bookmarks_open_the_same_report(server: testing.RunningServer,
                                                  engine: Engine) -> None:
    """A Matomo user's bookmarks (index.php?module=CoreHome...) land on the matching page."""
    testing.create_site(engine)
    cases = {
        "/index.php?module=CoreHome&action=index&idSite=1&period=day&date=yesterday":
            "/site/1?period=day&date=yesterday",
        "/?module=CoreHome&action=index&idSite=1&period=month&date=today":
            "/site/1?period=month&date=today",
        "/index.php?module=MultiSites&action=index&idSite=1&period=day&date=today":
            "/?all=1&period=day&date=today",
    }
    for bookmark, target in cases.items():
        response = server.client.get(server.url(bookmark))
        assert response.status_code == 302 and response.headers["location"] == target, bookmark
    api = server.client.get(server.url("/index.php?module=API&method=API.getMatomoVersion&format=json"))
    assert api.json()["result"] == "error"  # still the API (which wants a token here)
