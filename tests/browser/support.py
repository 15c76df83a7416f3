"""Shared pieces of the browser tests: Chromium, a test website, page snippets, polling.

The test website is a real HTTP server on `localhost` while Footfall listens on
`127.0.0.1`: two different hosts, so cookies, referrers and outlinks behave as
they do between a real website and its analytics server.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# A plain desktop Chrome: the tests are about the tracker, not about headless detection.
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0.0.0 Safari/537.36")
JS_DIR = Path(__file__).resolve().parents[2] / "footfall" / "js"

T = TypeVar("T")


def require_chromium() -> None:
    """Skip when Chromium is absent, unless CI says the browser tests must run."""
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("FOOTFALL_BROWSER_REQUIRED") == "1":
        pytest.fail(message)
    pytest.skip(message)


_SHARED: dict[str, Any] = {}


def shared_chromium() -> Any:
    """The process's one Chromium, started on first use and stopped at exit.

    Playwright's sync API allows a single running instance per thread, so every test
    (tests/js, tests/browser, the UI's) must share it rather than start its own.
    """
    require_chromium()
    if "browser" not in _SHARED:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _SHARED["playwright"] = playwright
        _SHARED["browser"] = playwright.chromium.launch(executable_path=CHROMIUM,
                                                        args=CHROMIUM_ARGS)
        atexit.register(_stop_shared_chromium)
    return _SHARED["browser"]


def _stop_shared_chromium() -> None:
    with contextlib.suppress(Exception):
        _SHARED.pop("browser").close()
    with contextlib.suppress(Exception):
        _SHARED.pop("playwright").stop()


@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """The shared Chromium (see `shared_chromium`); contexts opened in it are the caller's."""
    yield shared_chromium()


def wait_for(condition: Callable[[], T | None], *, timeout: float = 20.0,
             interval: float = 0.1, what: str = "condition", page: Any = None) -> T:
    """Poll `condition` until it returns a truthy value; fail with `what` after `timeout` s.

    With `page`, the pause between polls is Playwright's own wait, so that the browser's
    events (routed requests, console messages) are handled meanwhile.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        if page is not None:
            page.wait_for_timeout(interval * 1000)
        else:
            time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


# --- The test website ------------------------------------------------------------


@dataclass
class Website:
    """A website on http://localhost:<port> whose pages the tests write."""

    port: int
    pages: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def add_page(self, path: str, html: str) -> str:
        """Serve `html` at `path` (query strings ignored); return the page's URL."""
        self.pages[path] = html
        return self.url(path)


def _handler_for(site: Website) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            site.requests.append(self.path)
            if path == "/footfall.dev.js":  # the readable source, for tests without a server
                body, media = (JS_DIR / "footfall.js").read_bytes(), "application/javascript"
            elif path == "/footfall.min.js":
                body, media = (JS_DIR / "footfall.min.js").read_bytes(), "application/javascript"
            else:
                html = site.pages.get(path, "<!doctype html><title>Landing</title><p>landed</p>")
                body, media = html.encode(), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@contextlib.contextmanager
def serve_website() -> Iterator[Website]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(Website(port=0)))
    site = Website(port=httpd.server_address[1])
    httpd.RequestHandlerClass = _handler_for(site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- Page snippets -------------------------------------------------------------------


def paq(*commands: list[Any]) -> str:
    """`_paq.push` lines for the given commands (arguments serialised as JSON)."""
    return "\n".join(f"_paq.push({json.dumps(command)});" for command in commands)


def tracking_snippet(footfall_url: str, idsite: int, *commands: list[Any],
                     script: str = "matomo.js", tracker: str = "matomo.php") -> str:
    """The standard asynchronous snippet with `commands` pushed before the script loads."""
    base = footfall_url.rstrip("/") + "/"
    return f"""<script>
var _paq = window._paq = window._paq || [];
{paq(*commands)}
(function() {{
  var u = {json.dumps(base)};
  _paq.push(['setTrackerUrl', u + {json.dumps(tracker)}]);
  _paq.push(['setSiteId', {json.dumps(str(idsite))}]);
  var d = document, g = d.createElement('script'), s = d.getElementsByTagName('script')[0];
  g.async = true; g.src = u + {json.dumps(script)};
  s.parentNode.insertBefore(g, s);
}})();
</script>"""


def html_page(title: str, body: str, head: str = "") -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
            f"</head><body>{body}</body></html>")
