"""Fixtures for the request-level tests of footfall.js: Chromium, a test website and a
recording tracker endpoint (Playwright routing answers hits in place of a server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.browser.support import JS_DIR, USER_AGENT

FAKE_FOOTFALL = "http://footfall.test/"
# Counts the hits footfall.js hands to the browser (beacon or XHR) as they leave, so that a
# test can tell synchronously that nothing was sent, without waiting for the network.
TRANSPORT_SPY = """
window.__hitsSent = 0;
(function () {
  var beacon = Navigator.prototype.sendBeacon;  // wrapped on the prototype, which tests may delete
  if (beacon) {
    Navigator.prototype.sendBeacon = function () {
      window.__hitsSent++;
      return beacon.apply(this, arguments);
    };
  }
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () { window.__hitsSent++; return send.apply(this, arguments); };
})();
"""


@dataclass
class Hit:
    method: str
    url: str
    body: str

    @property
    def params(self) -> dict[str, str]:
        """The hit's parameters: query string merged with a form body (query wins)."""
        merged = dict(parse_qsl(self.body, keep_blank_values=True)) if "=" in self.body else {}
        merged.update(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))
        return merged


@dataclass
class Recorder:
    hits: list[Hit] = field(default_factory=list)

    def params(self) -> list[dict[str, str]]:
        return [hit.params for hit in self.hits]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def context(browser: Any, recorder: Recorder) -> Iterator[Any]:
    """A fresh browser profile whose requests to footfall.test are answered here."""
    ctx = browser.new_context(user_agent=USER_AGENT)
    tracker_js = (JS_DIR / "footfall.min.js").read_bytes()

    def answer(route: Any) -> None:
        request = route.request
        path = urlsplit(request.url).path
        if path.endswith(".js"):
            route.fulfill(status=200, body=tracker_js, content_type="application/javascript")
            return
        body = request.post_data or ""
        if '"requests"' in body:  # bulk: one Hit per request, in order
            for query in json.loads(body)["requests"]:
                recorder.hits.append(Hit("BULK", FAKE_FOOTFALL + "matomo.php" + query, ""))
        else:
            recorder.hits.append(Hit(request.method, request.url, body))
        route.fulfill(status=204, headers={"Access-Control-Allow-Origin": "*"})

    ctx.route(FAKE_FOOTFALL + "**", answer)
    ctx.add_init_script(TRANSPORT_SPY)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()
