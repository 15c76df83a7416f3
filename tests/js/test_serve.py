"""The tracker over HTTP: every path, caching headers, ETag revalidation, compression."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from footfall import testing
from footfall.js.serve import choose_encoding, etag_matches
from tests.browser.support import JS_DIR

MINIFIED = (JS_DIR / "footfall.min.js").read_bytes()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[testing.RunningServer]:
    data = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{data / 'footfall.sqlite3'}"
    testing.migrated_engine(url).dispose()
    settings = testing.make_settings(data / "data", url, **{"Tracker.javascript_url": ["stats.js"]})
    with testing.serve_in_thread(settings) as running:
        yield running


def get(server: testing.RunningServer, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server.url(path), headers=headers)


@pytest.mark.parametrize("path", ["/matomo.js", "/piwik.js", "/footfall.js", "/stats.js", "/js/"])
def test_every_tracker_path_serves_the_minified_tracker(server: testing.RunningServer,
                                                        path: str) -> None:
    response = get(server, path, **{"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.content == MINIFIED
    assert response.headers["content-type"] == "application/javascript; charset=UTF-8"
    assert response.headers["cache-control"] == "public, max-age=604800"
    assert "Accept-Encoding" in response.headers["vary"]


def test_gzip_when_accepted(server: testing.RunningServer) -> None:
    response = httpx.get(server.url("/matomo.js"), headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == MINIFIED  # httpx decodes; the raw size is below
    assert int(response.headers["content-length"]) == len(gzip.compress(MINIFIED, 9, mtime=0))


def test_brotli_when_accepted_and_installed(server: testing.RunningServer) -> None:
    brotli = pytest.importorskip("brotli")
    with httpx.stream("GET", server.url("/matomo.js"), headers={"Accept-Encoding": "br, gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "br"
    assert brotli.decompress(raw) == MINIFIED


def test_etag_revalidation_answers_304_without_a_body(server: testing.RunningServer) -> None:
    first = get(server, "/matomo.js")
    etag = first.headers["etag"]
    again = get(server, "/piwik.js", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    changed = get(server, "/matomo.js", **{"If-None-Match": 'W/"something-else"'})
    assert changed.status_code == 200


def test_js_proxy_path_forwards_hits_to_the_tracking_endpoint(server: testing.RunningServer) -> None:
    direct = httpx.get(server.url("/matomo.php"), params={"rec": "1"})
    proxied = httpx.get(server.url("/js/tracker.php"), params={"rec": "1"})
    assert (proxied.status_code, proxied.content) == (direct.status_code, direct.content)
    assert not proxied.headers["content-type"].startswith("application/javascript")


def test_js_proxy_path_answers_cors_preflight_like_the_tracking_endpoint(
        server: testing.RunningServer) -> None:
    headers = {"Origin": "https://site.example", "Access-Control-Request-Method": "POST"}
    direct = httpx.options(server.url("/matomo.php"), headers=headers)
    proxied = httpx.options(server.url("/js/tracker.php"), headers=headers)
    assert proxied.status_code == direct.status_code == 204
    assert "POST" in proxied.headers["access-control-allow-methods"]


def test_opt_out_script_and_page(server: testing.RunningServer) -> None:
    script = get(server, "/footfall-optout.js")
    assert script.status_code == 200 and b"mtm_consent_removed" in script.content
    page = get(server, "/footfall-optout.html")
    assert page.status_code == 200 and b"footfall-optout.js" in page.content


def test_matomo_opt_out_urls_on_index_php(server: testing.RunningServer) -> None:
    script = httpx.get(server.url("/index.php"), params={
        "module": "CoreAdminHome", "action": "optOutJS", "divId": "matomo-opt-out"})
    assert script.content == get(server, "/footfall-optout.js").content
    page = httpx.get(server.url("/index.php"), params={"module": "CoreAdminHome", "action": "optOut"})
    assert page.content == get(server, "/footfall-optout.html").content
    api = httpx.get(server.url("/index.php"), params={
        "module": "API", "method": "API.getMatomoVersion", "format": "json"})
    assert api.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", None),
    ("identity", None), ("*", "br"), ("gzip;q=0", None)])
def test_choose_encoding(header: str, expected: str | None) -> None:
    assert choose_encoding(header, has_brotli=True) == expected


def test_choose_encoding_without_brotli() -> None:
    assert choose_encoding("br, gzip", has_brotli=False) == "gzip"


def test_etag_matching_is_weak_and_accepts_lists() -> None:
    assert etag_matches('"abc"', 'W/"abc"')
    assert etag_matches('W/"x", W/"abc"', 'W/"abc"')
    assert etag_matches("*", 'W/"abc"')
    assert not etag_matches('"abd"', 'W/"abc"')


def test_package_ships_the_built_files() -> None:
    for name in ("footfall.min.js", "optout.min.js", "optout.html"):
        assert (Path(JS_DIR) / name).is_file()
