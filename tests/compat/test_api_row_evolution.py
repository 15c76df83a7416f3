"""Reporting API compatibility: API.getRowEvolution, one report row over several periods.

Fixture: Matomo's VisitsOverSeveralDays (reference V1): on 2010-12-14 site 1 gets a
two-page visit from Facebook (first page /homepage) and a one-page visit from Facebook;
on 12-15 one visit from Facebook and one from Twitter; all visitors from France.
"""

from __future__ import annotations

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture

DAYS = {"idSite": 1, "period": "day", "date": "2010-12-13,2010-12-16"}
SOCIALS = {"apiModule": "Referrers", "apiAction": "getSocials", **DAYS}


def test_one_page_url_in_xml(several_days: Scenario) -> None:
    text = several_days.api("API.getRowEvolution", apiModule="Actions",
                            apiAction="getPageUrls", label="/homepage", **DAYS).text
    assert text.startswith(
        '<?xml version="1.0" encoding="utf-8" ?>\n<result>\n'
        "\t<label>example.org/homepage</label>\n\t<reportData>\n"
        '\t\t<result date="2010-12-13" />\n\t\t<result date="2010-12-14">\n\t\t\t<row>\n'
        "\t\t\t\t<nb_visits>1</nb_visits>\n")
    # Only metrics: no label, url or segment in the rows.
    assert "<url>" not in text and "<segment>" not in text and "<label>/homepage" not in text
    assert '\t\t<result date="2010-12-16" />\n\t</reportData>\n\t<metadata>\n\t\t<metrics>\n' \
        in text
    assert ("\t\t\t<sum_time_spent>\n\t\t\t\t<name>Time on page</name>\n\t\t\t\t<min>0</min>\n"
            "\t\t\t\t<max>360</max>\n\t\t\t</sum_time_spent>\n") in text
    assert text.endswith("\t\t<dimension>Page URL</dimension>\n\t</metadata>\n</result>")


def test_one_country_with_logo_min_max_and_change(several_days: Scenario) -> None:
    answer = several_days.json("API.getRowEvolution", apiModule="UserCountry",
                               apiAction="getCountry", label="France", idSite=1, period="day",
                               date="2010-12-14,2010-12-15")
    assert answer["label"] == "France"
    assert answer["logo"] == "plugins/Morpheus/icons/dist/flags/fr.png"
    day = answer["reportData"]["2010-12-14"]
    assert day == [{"nb_uniq_visitors": 1, "nb_visits": 2, "nb_actions": 3, "nb_users": 0,
                    "max_actions": 2, "sum_visit_length": 361, "bounce_count": 1,
                    "nb_visits_converted": 0, "nb_actions_per_visit": 1.5,
                    "avg_time_on_site": 181, "bounce_rate": "50%"}]
    metrics = answer["metadata"]["metrics"]
    assert metrics["nb_visits"] == {"name": "Visits", "min": 2, "max": 2, "change": "0%"}
    assert metrics["bounce_rate"] == {"name": "Bounce Rate", "min": 50, "max": 50,
                                      "change": "0%"}
    assert metrics["nb_users"] == {"name": "Users"}  # never above zero: no min, max, change
    assert answer["metadata"]["dimension"] == "Country"


def test_change_from_first_to_last_period(several_days: Scenario) -> None:
    answer = several_days.json("API.getRowEvolution", label="Facebook", idSite=1, period="day",
                               date="2010-12-14,2010-12-15", apiModule="Referrers",
                               apiAction="getSocials")
    assert answer["label"] == "Facebook"
    assert answer["metadata"]["metrics"]["nb_visits"] == {
        "name": "Visits", "min": 1, "max": 2, "change": "-50%"}


def test_several_labels_compare_one_metric(several_days: Scenario) -> None:
    answer = several_days.json("API.getRowEvolution", label="Facebook,Twitter",
                               column="nb_visits", **SOCIALS)
    assert answer["column"] == "nb_visits"
    assert answer["reportData"] == {
        "2010-12-13": [{"nb_visits_0": 0, "nb_visits_1": 0}],
        "2010-12-14": [{"nb_visits_0": 2, "nb_visits_1": 0}],
        "2010-12-15": [{"nb_visits_0": 1, "nb_visits_1": 1}],
        "2010-12-16": [{"nb_visits_0": 0, "nb_visits_1": 0}]}
    metrics = answer["metadata"]["metrics"]
    assert metrics["nb_visits_0"] == {
        "name": "Facebook (Visits)", "logo": "plugins/Morpheus/icons/dist/socials/facebook.com.png",
        "min": 0, "max": 2}
    assert metrics["nb_visits_1"]["name"] == "Twitter (Visits)"
    assert list(answer["metadata"]) == ["metrics", "dimension", "columns"]
    assert answer["metadata"]["columns"]["nb_visits"] == "Visits"
    # label[]= works as well, and an unknown label still gets its (zero) column.
    listed = several_days.json("API.getRowEvolution", **{"label[]": "Twitter"}, **SOCIALS)
    assert listed["label"] == "Twitter"
    unknown = several_days.json("API.getRowEvolution", label="Facebook,Nowhere",
                                column="nb_visits", legendAppendMetric=0, **SOCIALS)
    assert unknown["metadata"]["metrics"]["nb_visits_1"] == {"name": "Nowhere"}


def test_without_label_every_label_up_to_filter_limit(several_days: Scenario) -> None:
    every = several_days.json("API.getRowEvolution", column="nb_visits", **SOCIALS)
    names = [m["name"] for m in every["metadata"]["metrics"].values()]
    assert names == ["Facebook (Visits)", "Twitter (Visits)"]
    first = several_days.json("API.getRowEvolution", filter_limit=1, **SOCIALS)
    assert first["label"] == "Facebook"


def test_range_is_answered_day_by_day(several_days: Scenario) -> None:
    answer = several_days.json("API.getRowEvolution", apiModule="UserCountry",
                               apiAction="getCountry", label="France", idSite=1,
                               period="range", date="2010-12-14,2010-12-16")
    assert list(answer["reportData"]) == ["2010-12-14", "2010-12-15", "2010-12-16"]


def test_every_format_renders(several_days: Scenario) -> None:
    query = {"label": "Facebook", "showColumns": "nb_visits", **SOCIALS}
    csv = several_days.api("API.getRowEvolution", format="csv", convertToUnicode=0,
                           **query).text.split("\n")
    # The outer request's parameters reach the report, as in Matomo (showColumns here).
    assert csv == ["date,nb_visits", "2010-12-14,2", "2010-12-15,1"]
    tsv = several_days.api("API.getRowEvolution", format="tsv", convertToUnicode=0,
                           **query).text
    assert tsv.split("\n")[1] == "2010-12-14\t2"
    html = several_days.api("API.getRowEvolution", format="html", **query).text
    assert "<th>_date</th>" in html and "<td>2010-12-15</td>" in html
    original = several_days.api("API.getRowEvolution", format="original", serialize=1, **query)
    assert original.text.startswith('a:4:{s:5:"label";s:8:"Facebook";s:10:"reportData";')


def test_bad_parameters_get_matomo_errors(several_days: Scenario) -> None:
    one_day = several_days.json("API.getRowEvolution", apiModule="Referrers",
                                apiAction="getSocials", idSite=1, period="day",
                                date="2010-12-14")
    assert one_day == {"result": "error", "message": (
        "Row evolutions can not be processed with this combination of \\'date\\' and "
        "\\'period\\' parameters.")}
    simple = several_days.json("API.getRowEvolution", apiModule="VisitsSummary",
                               apiAction="get", **DAYS)
    assert simple["message"] == ("Reports like VisitsSummary.get which do not have a "
                                 "dimension are not supported by row evolution")
    unknown = several_days.json("API.getRowEvolution", apiModule="Foo", apiAction="bar", **DAYS)
    assert unknown == {"result": "error", "message": "Requested report Foo.bar for Website "
                       "id=1 not found in the list of available reports."}
    missing = several_days.json("API.getRowEvolution", apiModule="Referrers", **DAYS)
    assert missing["message"] == "Please specify a value for 'apiAction'."
    anonymous = several_days.server.client.get(several_days.server.url("/index.php"), params={
        "module": "API", "method": "API.getRowEvolution", "format": "json", **SOCIALS})
    assert anonymous.status_code == 401


def test_nested_page_urls_and_folders(several_days: Scenario) -> None:
    leaf = several_days.json("API.getRowEvolution", apiModule="Actions", apiAction="getPageUrls",
                             label="sub1>sub2>sub3>/news", **DAYS)
    assert leaf["label"] == "example.org/sub1/sub2/sub3/news"
    assert leaf["reportData"]["2010-12-14"][0]["nb_hits"] == 1
    folder = several_days.json("API.getRowEvolution", apiModule="Actions",
                               apiAction="getPageUrls", label="sub1", **DAYS)
    # A folder has no URL: Matomo shows the site's host and the path.
    assert folder["label"] == "piwik.net/sub1/"
    assert folder["reportData"]["2010-12-15"][0]["nb_hits"] == 1
