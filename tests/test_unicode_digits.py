"""Digits that are not ASCII ('²', '٣') in numeric parameters: PHP reads them as no
number, so a hit or an API call carrying them gets Matomo's answer, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from footfall.config import Settings
from tests.tracker.support import Tracking, start_tracking


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


def test_tracker_reads_non_ascii_digits_as_no_number(tracking: Tracking) -> None:
    refused = tracking.hit(idsite="²")
    assert refused.status_code == 400
    tracking.ok(url="https://example.com/search", search="shoes", search_count="²",
                _cvar='{"²":["a","b"],"1":["kind","shop"]}', pf_net="٣")
    action = tracking.actions()[-1]
    assert action["search_count"] == 0  # what PHP's (int) makes of it
    visit = tracking.visits()[-1]
    assert (visit["custom_var_k1"], visit["custom_var_v1"]) == ("kind", "shop")


@pytest.mark.parametrize("params", [
    {"idSite": "²", "period": "day", "date": "today"},
    {"idSite": "1", "period": "day", "date": "²²²²²²²²²"},
    {"idSite": "1", "period": "day", "date": "today", "filter_limit": "²"},
    {"idSite": "1", "period": "day", "date": "today", "idSubtable": "²"},
], ids=["idSite", "date", "filter_limit", "idSubtable"])
def test_reporting_api_answers_non_ascii_digits_without_a_server_error(
        tracking: Tracking, params: dict[str, str]) -> None:
    query = {"module": "API", "method": "Referrers.getWebsites", "format": "json",
             "token_auth": tracking.token, **params}
    response = tracking.server.client.get(tracking.server.url("/index.php"), params=query)
    assert response.status_code < 500, response.text
    answer = response.json()
    assert isinstance(answer, list) or answer.get("result") == "error", answer


def test_today_still_answers_with_ascii_digits(tracking: Tracking) -> None:
    tracking.ok(url="https://example.com/")
    tracking.drain()
    today = datetime.now(UTC).date().isoformat()
    visits = tracking.server.api("VisitsSummary.getVisits", idSite="1", period="day",
                                 date=today, token_auth=tracking.token)
    assert visits == {"value": 1}
