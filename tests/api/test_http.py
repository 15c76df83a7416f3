"""The API over a real HTTP server: reports, maps, filters, errors and access control."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.api.dispatch import all_method_names, find_method
from footfall.auth import users
from footfall.reports import registry
from tests.api.conftest import ApiWorld

DAY = {"period": "day", "date": "2026-11-02"}


def test_report_rows_sorted_with_processed_metrics(world: ApiWorld) -> None:
    answer = world.root("FootfallTest.getBrowsers", idSite=1, format="json", **DAY).json()
    assert [r["label"] for r in answer] == ["Chrome", "Firefox", "Safari, mobile"]
    assert answer[1] == {"label": "Firefox", "nb_visits": 3, "nb_actions": 7, "bounce_count": 1,
                         "bounce_rate": "33%", "segment": "browserCode==FF",
                         "logo": "plugins/Morpheus/icons/dist/browsers/FF.png",
                         "idsubdatatable": 1}


def test_default_format_is_xml(world: ApiWorld) -> None:
    response = world.root("FootfallTest.getSummary", idSite=1, **DAY)
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.text == ('<?xml version="1.0" encoding="utf-8" ?>\n<result>\n'
                             "\t<nb_visits>7</nb_visits>\n\t<nb_actions>11</nb_actions>\n"
                             "\t<bounce_count>5</bounce_count>\n\t<bounce_rate>71%</bounce_rate>\n"
                             "</result>")


def test_simple_report_without_data_is_zeros_alone_and_empty_in_maps(world: ApiWorld) -> None:
    alone = world.root("FootfallTest.getSummary", idSite=1, period="day", date="2026-11-05",
                       format="json").json()
    assert alone == {"nb_visits": 0, "nb_actions": 0, "bounce_count": 0, "bounce_rate": "0%"}
    days = world.root("FootfallTest.getSummary", idSite=1, period="day",
                      date="2026-11-01,2026-11-03", format="json").json()
    assert days == {"2026-11-01": [], "2026-11-02": {"nb_visits": 7, "nb_actions": 11,
                                                     "bounce_count": 5, "bounce_rate": "71%"},
                    "2026-11-03": []}


def test_multi_site_and_all_sites_maps(world: ApiWorld) -> None:
    answer = world.root("FootfallTest.getVisits", idSite="1,2", format="json", **DAY).json()
    assert answer == {"1": 7, "2": []}
    weeks = world.root("FootfallTest.getVisits", idSite="all", period="week",
                       date="2026-10-26,2026-11-08", format="json").json()
    assert weeks == {"1": {"2026-10-26,2026-11-01": [], "2026-11-02,2026-11-08": 7},
                     "2": {"2026-10-26,2026-11-01": [], "2026-11-02,2026-11-08": []},
                     "3": {"2026-10-26,2026-11-01": [], "2026-11-02,2026-11-08": []}}
    single = world.root("FootfallTest.getVisits", idSite=1, format="json", **DAY).json()
    assert single == {"value": 7}


def test_generic_filters_over_http(world: ApiWorld) -> None:
    def labels(**params: object) -> list[str]:
        rows = world.root("FootfallTest.getBrowsers", idSite=1, format="json", **DAY,
                          **params).json()
        return [r["label"] for r in rows]

    assert labels(filter_limit=1) == ["Chrome"]
    assert labels(filter_limit=-1, filter_offset=2) == ["Safari, mobile"]
    assert labels(filter_sort_column="nb_actions", filter_sort_order="asc") == \
        ["Safari, mobile", "Chrome", "Firefox"]
    assert labels(filter_sort_column="label", filter_sort_order="asc") == \
        ["Chrome", "Firefox", "Safari, mobile"]
    assert labels(filter_pattern="^(chrome|safari)") == ["Chrome", "Safari, mobile"]
    assert labels(filter_column="segment", filter_pattern="FF") == ["Firefox"]
    assert labels(filter_pattern_recursive="3\\.6") == ["Firefox"]
    assert labels(filter_excludelowpop="nb_visits", filter_excludelowpop_value=2) == \
        ["Chrome", "Firefox"]
    assert labels(filter_truncate=1) == ["Chrome", "Others"]
    assert labels(flat=1) == ["Chrome", "Firefox - Firefox 3.6", "Firefox - Firefox 4.0",
                              "Safari, mobile"]
    assert labels(label="Firefox") == ["Firefox"]
    assert labels(idSubtable=1) == ["Firefox 3.6", "Firefox 4.0"]


def test_columns_metrics_formatting_and_expanded(world: ApiWorld) -> None:
    rows = world.root("FootfallTest.getBrowsers", idSite=1, format="json", showColumns="nb_visits",
                      hideIdSubDatable=1, filter_limit=1, **DAY).json()
    assert rows == [{"label": "Chrome", "nb_visits": 3, "segment": "browserCode==CH"}]
    rows = world.root("FootfallTest.getBrowsers", idSite=1, format="json", format_metrics=0,
                      hideColumns="nb_actions,bounce_count", label="Firefox", **DAY).json()
    assert rows[0]["bounce_rate"] == 0.33 and "nb_actions" not in rows[0]
    rows = world.root("FootfallTest.getBrowsers", idSite=1, format="json", expanded=1,
                      label="Firefox", **DAY).json()
    assert "subtable" not in rows[0]  # expanded is ignored with label, as in Matomo
    rows = world.root("FootfallTest.getBrowsers", idSite=1, format="json", expanded=1,
                      filter_pattern="Firefox", **DAY).json()
    assert [r["label"] for r in rows[0]["subtable"]] == ["Firefox 3.6", "Firefox 4.0"]
    assert rows[0]["subtable"][0]["bounce_rate"] == "50%"
    one = world.root("FootfallTest.getSummary", idSite=1, format="json", showColumns="nb_visits",
                     **DAY).json()
    assert one == {"value": 7}


def test_post_parameters_merge_with_get_winning(world: ApiWorld) -> None:
    query = urlencode({"module": "API", "method": "FootfallTest.getVisits", "format": "json",
                       "idSite": 1})
    body = {"token_auth": world.root_token, "period": "day", "date": "2026-11-02", "idSite": 2,
            "format": "xml"}
    response = world.server.client.post(world.server.url(f"/index.php?{query}"), data=body)
    assert response.json() == {"value": 7}


def test_csv_download_over_http(world: ApiWorld) -> None:
    response = world.root("FootfallTest.getSummary", idSite=1, format="csv", **DAY)
    assert response.headers["content-type"] == "application/vnd.ms-excel"
    assert response.headers["content-disposition"] == \
        "attachment; filename*=UTF-8''Export%20_%20Test%20summary%20_%20Monday%2C%20November%202" \
        "%2C%202026.csv"
    assert response.content == b"\xff\xfe" + \
        "nb_visits,nb_actions,bounce_count,bounce_rate\n7,11,5,71%".encode("utf-16-le")


def test_translated_headers_name_the_dimension(world: ApiWorld) -> None:
    response = world.root("FootfallTest.getBrowsers", idSite=1, format="tsv", convertToUnicode=0,
                          translateColumnNames=1, filter_limit=1, **DAY)
    assert response.text.split("\n")[0] == (
        "Browser\tVisits\tActions\tBounces\tConversions (Goal idgoal=2)\t"
        "Revenue (Goal idgoal=2)\tBounce Rate\tMetadata: segment")


def test_root_path_routes_the_api(world: ApiWorld) -> None:
    response = world.server.client.get(world.server.url("/"), params={
        "module": "API", "method": "FootfallTest.getVisits", "idSite": 1, "format": "json",
        "token_auth": world.root_token, **DAY})
    assert response.json() == {"value": 7}


# --- Errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "message"), [
    ({"period": "day", "date": "2026-11-02"}, "Please specify a value for 'idSite'."),
    ({"idSite": 1, "date": "2026-11-02"}, "Please specify a value for 'period'."),
    ({"idSite": 1, "period": "decade", "date": "2026-11-02"},
     "The period 'decade' is not supported. Try any of the following instead: day, week, "
     "month, year, range"),
    ({"idSite": 1, "period": "day", "date": "foo"},
     "Date format must be: YYYY-MM-DD, or 'today' or 'yesterday' or any keyword supported by "
     "the strtotime function (see http://php.net/strtotime for more information): 'foo'"),
    ({"idSite": 1, "period": "range", "date": "2026-11-02"},
     "The date '2026-11-02' is not a correct date range. It should have the following format:  "
     "'lastN', 'previousN', 'YYYY-MM-DD,YYYY-MM-DD'."),
    ({"idSite": 1, "period": "day", "date": "1990-01-01"},
     "The date '1990-01-01' is a date before first website was online. Try date that's after "
     "Tuesday, August 6, 1991 (timestamp 681436800).: 1990-01-01"),
])
def test_parameter_errors_are_200_with_matomos_messages(world: ApiWorld, params: dict[str, object],
                                                        message: str) -> None:
    response = world.root("FootfallTest.getSummary", format="json", **params)
    assert response.status_code == 200
    assert response.json() == {"result": "error", "message": message}


def test_unknown_method_plugin_and_missing_method(world: ApiWorld) -> None:
    response = world.root("FootfallTest.getFoo", idSite=1, format="json", **DAY)
    assert response.status_code == 400
    assert response.json()["message"] == ("The method 'getFoo' does not exist or is not "
                                          "available in the module '\\Piwik\\Plugins\\"
                                          "FootfallTest\\API'.")
    assert world.root("Foo.bar", format="json").json()["message"] == (
        # Matomo escapes error messages for XML in every format: '>' arrives as '&gt;'
        "The plugin Foo is not enabled. You can activate the plugin on Settings &gt; Plugins "
        "page in Matomo.")
    assert world.root("nodot", format="json").json()["message"] == \
        "The method name is invalid. Expected 'module.methodName'"
    response = world.server.client.get(world.server.url("/index.php"),
                                        params={"module": "API", "format": "json"})
    assert response.json()["message"] == ("The parameter 'method' isn't set in the Request, and "
                                          "a default value wasn't provided.")
    response = world.root("FootfallTest.getVisits", format="foo")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == ("Error: Renderer format 'foo' not valid. Try any of the following "
                             "instead: console, csv, html, json, original, rss, tsv, xml.")


# --- Access ---------------------------------------------------------------------------------


def test_access_levels(world: ApiWorld) -> None:
    anonymous = world.get("FootfallTest.getVisits", idSite=1, format="xml", **DAY)
    assert anonymous.status_code == 401
    assert anonymous.text == (
        '<?xml version="1.0" encoding="utf-8" ?>\n<result>\n\t<error message="You can\'t access '
        "this resource as it requires 'view' access for the website id = 1.\" />\n</result>")
    public = world.get("FootfallTest.getVisits", idSite=3, format="json", **DAY)
    assert public.status_code == 200 and public.json() == {"value": 0}
    viewer = world.get("FootfallTest.getVisits", idSite=1, format="json",
                       token_auth=world.viewer_token, **DAY)
    assert viewer.json() == {"value": 7}
    refused = world.get("FootfallTest.getVisits", idSite="1,2", format="json",
                        token_auth=world.viewer_token, **DAY)
    assert refused.status_code == 401 and refused.json()["message"].endswith("website id = 2.")
    mine = world.get("FootfallTest.getVisits", idSite="all", format="json",
                     token_auth=world.viewer_token, **DAY)
    assert mine.json() == {"1": 7, "3": []}  # all = the sites the caller can view
    assert world.root("FootfallTest.getVisits", idSite=2, format="json", **DAY).json() == \
        {"value": 0}


def test_bad_tokens_are_401(world: ApiWorld) -> None:
    by_get = world.get("FootfallTest.getVisits", idSite=3, format="json", token_auth="0" * 32,
                       **DAY)
    assert by_get.status_code == 401
    assert by_get.json()["message"] == (
        "Unable to authenticate with the provided token. It is either invalid, expired or is "
        "required to be sent as a POST parameter.")
    by_post = world.server.client.post(world.server.url("/index.php"), data={
        "module": "API", "method": "FootfallTest.getVisits", "idSite": 3, "format": "json",
        "token_auth": "0" * 32, **DAY})
    assert by_post.status_code == 401
    assert by_post.json()["message"] == \
        "Unable to authenticate with the provided token. It is either invalid or expired."


# Parameters that let every method get past argument parsing to its access check.
PLAUSIBLE = {
    "idSite": 1, "idSites": 1, "period": "day", "date": "2026-11-02", "format": "json",
    "apiModule": "FootfallTest", "apiAction": "getBrowsers", "userLogin": "root",
    "url": "https://a.example", "siteName": "x", "urls": "https://x.example", "idGoal": 1,
    "name": "g", "matchAttribute": "url", "pattern": "x", "patternType": "contains",
    "idDimension": 1, "scope": "visit", "active": 1, "access": "view", "password": "pw-123456",
    "email": "e@example.com", "lastMinutes": 30, "visitorId": "0123456789abcdef",
    "segmentName": "browserCode", "idSubtable": 1, "pageUrl": "x", "pageName": "x",
}


def test_every_method_refuses_an_anonymous_caller_without_access(world: ApiWorld) -> None:
    users.set_access(world.engine, users.ANONYMOUS, 3, None)  # no public site at all
    checked = []
    for name in all_method_names():
        if find_method(name).access == "none":
            continue
        response = world.get(name, **PLAUSIBLE)
        assert response.status_code == 401, f"{name} answered {response.text[:200]}"
        assert "access" in response.json()["message"], name
        checked.append(name)
    assert "FootfallTest.getBrowsers" in checked and "SitesManager.getSiteFromId" in checked
    assert len(checked) >= len(registry.methods())


# --- Bulk and metadata -------------------------------------------------------------------


def test_bulk_request_runs_each_url_with_the_outer_token(world: ApiWorld) -> None:
    urls = [urlencode({"method": "FootfallTest.getSummary", "idSite": 1, "period": "day",
                       "date": "2026-11-02,2026-11-03"}),
            urlencode({"method": "FootfallTest.getBrowsers", "idSite": 1, "filter_limit": 1,
                       **DAY}),
            urlencode({"method": "FootfallTest.getVisits", "idSite": 1, **DAY}),
            urlencode({"method": "FootfallTest.getFoo", "idSite": 1, **DAY})]
    response = world.root("API.getBulkRequest", format="json",
                          **{f"urls[{i}]": url for i, url in enumerate(urls)})
    assert response.json() == [
        {"2026-11-02": {"nb_visits": 7, "nb_actions": 11, "bounce_count": 5,
                        "bounce_rate": "71%"}, "2026-11-03": []},
        [{"label": "Chrome", "nb_visits": 3, "nb_actions": 3, "bounce_count": 3,
          "goals": {"idgoal=2": {"nb_conversions": 1, "revenue": 1.5}}, "bounce_rate": "100%",
          "segment": "browserCode==CH"}],
        {"value": 7},
        {"result": "error", "message": "The method 'getFoo' does not exist or is not available "
                                       "in the module '\\Piwik\\Plugins\\FootfallTest\\API'."},
    ]
    anonymous = world.get("API.getBulkRequest", format="json", **{"urls[0]": urls[2]})
    assert anonymous.json() == [{"result": "error", "message": "You can't access this resource "
                                 "as it requires 'view' access for the website id = 1."}]


def test_report_metadata_lists_every_registered_report(world: ApiWorld) -> None:
    answer = world.root("API.getReportMetadata", idSite=1, format="json").json()
    listed = {(r["module"], r["action"]) for r in answer}
    expected = {(r.module, r.action) for r in registry.report_definitions()
                if not r.is_subtable_report}
    # Matomo also lists the reports answered by API methods: API.get and the dashboards.
    assert listed == expected | {("API", "get"), ("MultiSites", "getAll"),
                                 ("MultiSites", "getOne")}
    browsers = next(r for r in answer if r["uniqueId"] == "FootfallTest_getBrowsers")
    assert browsers["metrics"] == {"nb_visits": "Visits", "nb_actions": "Actions",
                                   "bounce_count": "Bounces"}
    assert browsers["processedMetrics"] == {"bounce_rate": "Bounce Rate"}
    assert browsers["dimension"] == "Browser"
    assert world.root("API.getReportMetadata", format="json").json() == \
        {"result": "error", "message": "Please specify a value for 'idSite'."}


def test_processed_report(world: ApiWorld) -> None:
    answer = world.root("API.getProcessedReport", idSite=1, apiModule="FootfallTest",
                        apiAction="getBrowsers", format="json", showTimer=0, **DAY).json()
    assert answer["website"] == "Site A"
    assert answer["prettyDate"] == "Monday, November 2, 2026"
    assert answer["columns"] == {"label": "Browser", "nb_visits": "Visits",
                                 "nb_actions": "Actions", "bounce_count": "Bounces",
                                 "bounce_rate": "Bounce Rate"}
    assert answer["reportData"][0]["label"] == "Chrome"
    assert answer["reportData"][0]["bounce_rate"] == "100%"
    assert answer["reportMetadata"][0] == {"segment": "browserCode==CH"}
    assert answer["reportTotal"] == {"nb_visits": 7, "nb_actions": 11, "bounce_count": 5}
    raw = world.root("API.getProcessedReport", idSite=1, apiModule="FootfallTest",
                     apiAction="getBrowsers", format="json", format_metrics=0, **DAY).json()
    assert raw["reportData"][0]["bounce_rate"] == 1 and "timerMillis" in raw


def test_cors_headers_for_configured_domains(tmp_path: Path, db_url: str, engine: Engine) -> None:
    settings = testing.make_settings(tmp_path / "data", db_url,
                                     **{"General.cors_domains": ["https://app.example"]})
    testing.create_site(engine)
    token = testing.create_superuser_token(engine)
    query = {"module": "API", "method": "API.getMatomoVersion", "format": "json",
             "token_auth": token}
    with testing.serve_in_thread(settings) as server:
        allowed = server.client.get(server.url("/index.php"), params=query,
                                    headers={"Origin": "https://app.example"})
        other = server.client.get(server.url("/index.php"), params=query,
                                  headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert allowed.headers["vary"] == "Origin"
    assert "access-control-allow-origin" not in other.headers and other.headers["vary"] == "Origin"


def test_api_by_post_to_the_root_as_import_logs_does(world: ApiWorld) -> None:
    # import_logs.py POSTs every call to '/' with module=API in the form body
    response = world.server.client.post(world.server.url("/"), data={
        "module": "API", "format": "json", "method": "SitesManager.getSiteFromId",
        "filter_limit": "-1", "idSite": "1", "token_auth": world.root_token})
    assert response.json()["main_url"] == "https://a.example"
    token = world.server.client.post(world.server.url("/"), data={
        "module": "API", "format": "json", "method": "UsersManager.createAppSpecificTokenAuth",
        "userLogin": "viewer", "passwordConfirmation": "secret-pass-1",
        "description": "Log importer", "expireHours": "48"}).json()["value"]
    found = world.server.client.post(world.server.url("/"), data={
        "module": "API", "format": "json", "method": "SitesManager.getSitesIdFromSiteUrl",
        "url": "a.example", "token_auth": token})
    assert found.json() == [{"idsite": 1}]


JUNK = ["abc", "-1", "", "[", "%00", "9" * 30, "1,2", "\u2013", "<script>"]
TUNABLES = ["filter_limit", "filter_offset", "filter_truncate", "idSubtable", "flat", "expanded",
            "filter_sort_column", "filter_sort_order", "filter_excludelowpop",
            "filter_excludelowpop_value", "format_metrics", "label", "showColumns",
            "hideColumns", "filter_pattern", "filter_column", "date", "period", "idSite",
            "segment", "hideIdSubDatable", "keep_summary_row", "callback"]


def test_junk_parameters_never_cause_a_server_error(world: ApiWorld) -> None:
    for name in TUNABLES:
        for value in JUNK:
            params = {"idSite": 1, **DAY, "format": "json", name: value}
            for method in ("FootfallTest.getBrowsers", "SitesManager.getSiteFromId"):
                response = world.root(method, **params)
                assert response.status_code in (200, 400, 401), (name, value, response.text)
                if response.status_code != 200:
                    assert response.json()["result"] == "error", (name, value)
