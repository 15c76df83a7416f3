"""[Tracker] debug and debug_on_demand: single hits are answered with a text log of what
the endpoint did (reference §1.4), and are still tracked."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from footfall import testing
from footfall.config import Settings
from footfall.db.schema import log_link_visit_action


def _settings(tmp_path: Path, **tracker: int) -> Settings:
    url = f"sqlite:///{tmp_path / 'footfall.sqlite3'}"
    engine = testing.migrated_engine(url)
    testing.create_site(engine)
    engine.dispose()
    overrides = {f"Tracker.{key}": value for key, value in tracker.items()}
    return testing.make_settings(tmp_path, url, **overrides)


def _actions(url: str) -> int:
    engine = testing.make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(log_link_visit_action))
        found = int(count.scalar_one())
    engine.dispose()
    return found


def test_debug_answers_with_a_text_log_and_tracks_the_hit(tmp_path: Path) -> None:
    settings = _settings(tmp_path, debug=1)
    with testing.serve_in_thread(settings) as server:
        response = server.track({"idsite": 1, "rec": 1, "url": "https://example.com/",
                                 "send_image": 0, "token_auth": "secret-token"})
        server.drain()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert text.startswith("Footfall tracker debug output\n")
    assert "one hit for site 1" in text and "Answer without debug: HTTP 204" in text
    assert "token_auth=<hidden>" in text and "secret-token" not in text
    assert _actions(settings.database_url) == 1


def test_debug_on_demand_needs_the_debug_parameter(tmp_path: Path) -> None:
    settings = _settings(tmp_path, debug_on_demand=1)
    with testing.serve_in_thread(settings) as server:
        plain = server.track({"idsite": 1, "rec": 1})
        asked = server.track({"idsite": 1, "rec": 1, "debug": 1})
        refused = server.track({"idsite": 99, "rec": 1, "debug": 1})
        server.drain()
    assert (plain.status_code, plain.headers["content-type"]) == (200, "image/gif")
    assert asked.status_code == 200 and "Answer without debug: HTTP 200" in asked.text
    assert refused.status_code == 400  # a refusal keeps its status and reason
    assert _actions(settings.database_url) == 2
