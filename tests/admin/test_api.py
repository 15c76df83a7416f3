"""Goals.* and CustomDimensions.* configuration through the real Reporting API over HTTP."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from footfall import testing
from footfall.auth import users


def _setup(engine: Engine) -> tuple[int, str, str]:
    idsite = testing.create_site(engine)
    root = testing.create_superuser_token(engine)
    users.add_user(engine, "viewer", email="viewer@example.com", password=None)
    users.set_access(engine, "viewer", idsite, "view")
    return idsite, root, users.create_token(engine, "viewer")


def test_goal_lifecycle_over_http(server: testing.RunningServer, engine: Engine) -> None:
    idsite, root, _ = _setup(engine)
    added = server.api("Goals.addGoal", idSite=idsite, name="Bought", matchAttribute="url",
                       pattern="/checkout/complete", patternType="contains", revenue="10",
                       allowMultipleConversionsPerVisit="1", token_auth=root)
    assert added == {"value": 1}
    server.api("Goals.addGoal", idSite=idsite, name="Called", matchAttribute="manually",
               token_auth=root)
    server.api("Goals.updateGoal", idSite=idsite, idGoal=1, name="Bought it",
               matchAttribute="title", pattern="Thank you", patternType="contains",
               token_auth=root)
    one = server.api("Goals.getGoal", idSite=idsite, idGoal=1, token_auth=root)
    assert {k: one[k] for k in ("idgoal", "name", "match_attribute", "pattern", "allow_multiple",
                                "revenue")} == {"idgoal": 1, "name": "Bought it",
                                                "match_attribute": "title", "pattern": "Thank you",
                                                "allow_multiple": 0, "revenue": 0}
    server.api("Goals.deleteGoal", idSite=idsite, idGoal=2, token_auth=root)
    listed = server.api("Goals.getGoals", idSite=idsite, token_auth=root)
    assert [g["idgoal"] for g in listed] == [1]


def test_goal_mistakes_are_errors_not_crashes(server: testing.RunningServer,
                                              engine: Engine) -> None:
    idsite, root, _ = _setup(engine)
    missing = server.api("Goals.addGoal", idSite=idsite, matchAttribute="url", token_auth=root)
    bad = server.api("Goals.addGoal", idSite=idsite, name="X", matchAttribute="url",
                     pattern="(", patternType="regex", token_auth=root)
    unknown = server.api("Goals.getGoal", idSite=idsite, idGoal=99, token_auth=root)
    assert missing["result"] == "error" and "'name'" in missing["message"]
    assert bad["result"] == "error" and "regular expression" in bad["message"]
    assert unknown["result"] == "error" and "no goal with id 99" in unknown["message"]


def _raw(server: testing.RunningServer, method: str, **params: Any) -> Any:
    query = {"module": "API", "method": method, "format": "json", **params}
    return server.client.get(server.url("/index.php"), params=query)


def test_configuration_needs_write_access_and_reading_needs_view(
        server: testing.RunningServer, engine: Engine) -> None:
    idsite, root, viewer = _setup(engine)
    refused = _raw(server, "Goals.addGoal", idSite=idsite, name="X", matchAttribute="manually",
                   token_auth=viewer)
    anonymous = _raw(server, "Goals.getGoals", idSite=idsite)
    assert refused.status_code == 401 and "'write' access" in refused.json()["message"]
    assert anonymous.status_code == 401
    server.api("Goals.addGoal", idSite=idsite, name="X", matchAttribute="manually",
               token_auth=root)
    assert [g["name"] for g in server.api("Goals.getGoals", idSite=idsite,
                                          token_auth=viewer)] == ["X"]
    dim_refused = _raw(server, "CustomDimensions.configureNewCustomDimension", idSite=idsite,
                       name="Plan", scope="visit", active="1", token_auth=viewer)
    assert dim_refused.status_code == 401


def test_custom_dimensions_over_http(server: testing.RunningServer, engine: Engine) -> None:
    idsite, root, viewer = _setup(engine)
    visit = server.api("CustomDimensions.configureNewCustomDimension", idSite=idsite,
                       name="Plan", scope="visit", active="1", token_auth=root)
    action = server.api("CustomDimensions.configureNewCustomDimension", idSite=idsite,
                        name="Category", scope="action", active="1", caseSensitive="0",
                        **{"extractions[0][dimension]": "url",
                           "extractions[0][pattern]": "/shop/(.+)/"}, token_auth=root)
    assert (visit, action) == ({"value": 1}, {"value": 2})
    listed = server.api("CustomDimensions.getConfiguredCustomDimensions", idSite=idsite,
                        token_auth=viewer)
    assert listed == [
        {"idcustomdimension": 1, "idsite": idsite, "name": "Plan", "index": 1, "scope": "visit",
         "active": True, "extractions": [], "case_sensitive": True},
        {"idcustomdimension": 2, "idsite": idsite, "name": "Category", "index": 1,
         "scope": "action", "active": True,
         "extractions": [{"dimension": "url", "pattern": "/shop/(.+)/"}],
         "case_sensitive": False},
    ]
    bad_scope = server.api("CustomDimensions.configureNewCustomDimension", idSite=idsite,
                           name="X", scope="page", active="1", token_auth=root)
    assert bad_scope["result"] == "error" and "scope" in bad_scope["message"]
