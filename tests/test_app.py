"""The HTTP skeleton answers over a real socket."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from footfall import MATOMO_COMPAT_VERSION, testing


def test_front_page_and_version(server: testing.RunningServer, engine: Engine) -> None:
    # Like Matomo, the version needs view access to some site (a superuser has it).
    token = testing.create_superuser_token(engine)
    testing.create_site(engine)
    assert "Footfall" in server.client.get(server.url("/")).text
    assert server.api("API.getMatomoVersion", token_auth=token) == {"value": MATOMO_COMPAT_VERSION}
    via_root = server.client.get(server.url("/"), params={
        "module": "API", "method": "API.getMatomoVersion", "format": "json", "token_auth": token})
    assert via_root.json() == {"value": MATOMO_COMPAT_VERSION}


def test_unknown_api_method_gets_matomos_error_shape(server: testing.RunningServer) -> None:
    answer = server.api("Nope.nothing")
    # Matomo escapes error messages for XML in every format: '>' arrives as '&gt;'
    assert answer == {"result": "error", "message": "The plugin Nope is not enabled. You can "
                      "activate the plugin on Settings &gt; Plugins page in Matomo."}


def test_tracking_endpoint_without_parameters_is_the_notice(server: testing.RunningServer) -> None:
    for path in ("/matomo.php", "/piwik.php"):
        response = server.client.get(server.url(path))
        assert response.status_code == 200
        assert response.text.startswith("This resource is part of Matomo.")


def test_serve_command_starts_migrates_and_answers(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = testing.migrated_engine(db_url)
    token = testing.create_superuser_token(engine)
    testing.create_site(engine)
    engine.dispose()
    with testing.serve_in_subprocess(tmp_path, db_url) as running:
        response = httpx.get(running.url("/index.php"), params={
            "module": "API", "method": "API.getMatomoVersion", "format": "json",
            "token_auth": token})
        assert response.json() == {"value": MATOMO_COMPAT_VERSION}
        hit = httpx.get(running.url("/matomo.php"), params={"idsite": "1", "rec": "1"})
        assert hit.status_code == 200 and hit.headers["content-type"] == "image/gif"
        assert "server" not in hit.headers  # the software behind the tracker is not advertised
