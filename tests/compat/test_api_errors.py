"""Reporting API compatibility: error bodies, messages and HTTP statuses (reference V13, §3.3, §8.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings

XML_HEAD = '<?xml version="1.0" encoding="utf-8" ?>\n'
NO_VIEW = "You can't access this resource as it requires 'view' access for the website id = 1."
BAD_TOKEN = ("Unable to authenticate with the provided token. It is either invalid, expired or "
             "is required to be sent as a POST parameter.")
UNKNOWN_METHOD = ("The method 'getFoo' does not exist or is not available in the module "
                  "'\\Piwik\\Plugins\\VisitsSummary\\API'.")
DAY = {"idSite": 1, "period": "day", "date": "2010-03-06"}


class Api:
    def __init__(self, server: testing.RunningServer, token: str) -> None:
        self.server, self.token = server, token

    def get(self, method: str, *, token: bool = True, **params: Any) -> httpx.Response:
        query = {"module": "API", "method": method, **params}
        if token:
            query["token_auth"] = self.token
        return self.server.client.get(self.server.url("/index.php"), params=query)


@pytest.fixture
def api(settings: Settings, engine: Engine) -> Iterator[Api]:
    testing.create_site(engine, name="Private", urls=["http://example.org"])
    token = testing.create_superuser_token(engine)
    with testing.serve_in_thread(settings) as server:
        yield Api(server, token)


def test_unknown_format_is_plain_text(api: Api) -> None:
    response = api.get("VisitsSummary.get", format="foo", **DAY)
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == ("Error: Renderer format 'foo' not valid. Try any of the following "
                             "instead: console, csv, html, json, original, rss, tsv, xml.")


@pytest.mark.parametrize(("params", "message"), [
    ({"period": "day", "date": "2010-03-06"}, "Please specify a value for 'idSite'."),
    ({**DAY, "period": "decade"}, "The period 'decade' is not supported. Try any of the "
                                  "following instead: day, week, month, year, range"),
    ({**DAY, "date": "2010-13-45"}, "Date format must be: YYYY-MM-DD, or 'today' or 'yesterday' "
     "or any keyword supported by the strtotime function (see http://php.net/strtotime for more "
     "information): '2010-13-45'"),
    ({**DAY, "period": "range", "date": "last"}, "The date 'last' is not a correct date range. "
     "It should have the following format:  'lastN', 'previousN', 'YYYY-MM-DD,YYYY-MM-DD'."),
    ({**DAY, "period": "week", "date": "2010-03-06,foo"}, "The date '2010-03-06,foo' is not a "
     "correct date range. It should have the following format:  'lastN', 'previousN', "
     "'YYYY-MM-DD,YYYY-MM-DD'."),
    ({**DAY, "segment": "foo==bar"}, "Segment 'foo' is not a supported segment."),
])
def test_v13_errors_are_200_with_matomos_message(api: Api, params: dict[str, Any],
                                                 message: str) -> None:
    response = api.get("VisitsSummary.get", format="json", **params)
    assert (response.status_code, response.json()) == (200, {"result": "error",
                                                             "message": message})


def test_v13_unknown_method_is_400(api: Api) -> None:
    response = api.get("VisitsSummary.getFoo", format="json", **DAY)
    assert response.status_code == 400
    assert response.json() == {"result": "error", "message": UNKNOWN_METHOD}


@pytest.mark.parametrize(("fmt", "body", "kind"), [
    ("json", '{"result":"error","message":"' + NO_VIEW + '"}', "application/json; charset=utf-8"),
    ("xml", XML_HEAD + f'<result>\n\t<error message="{NO_VIEW}" />\n</result>',
     "text/xml; charset=utf-8"),
    ("csv", f"Error: {NO_VIEW}", "text/html; charset=utf-8"),
    ("tsv", f"Error: {NO_VIEW}", "text/html; charset=utf-8"),
    ("html", NO_VIEW, "text/plain; charset=utf-8"),
])
def test_v13_anonymous_on_a_private_site_is_401_in_every_format(api: Api, fmt: str, body: str,
                                                                kind: str) -> None:
    response = api.get("VisitsSummary.get", token=False, format=fmt, **DAY)
    assert (response.status_code, response.text, response.headers["content-type"]) == \
        (401, body, kind)


def test_v13_bad_token_is_401(api: Api) -> None:
    response = api.get("VisitsSummary.get", token=False, token_auth="f" * 32, format="xml", **DAY)
    assert response.status_code == 401
    assert response.text == XML_HEAD + f'<result>\n\t<error message="{BAD_TOKEN}" />\n</result>'


def test_jsonp_wraps_errors_too(api: Api) -> None:
    response = api.get("VisitsSummary.get", format="json", callback="handle", period="day",
                       date="2010-03-06")
    assert response.headers["content-type"] == "application/javascript; charset=utf-8"
    assert response.text == \
        'handle({"result":"error","message":"Please specify a value for \'idSite\'."})'
