"""Visit-dimension reports over raw-log rows: labels, metrics, metadata, fixed row sets."""

from __future__ import annotations

from datetime import time

import pytest

from footfall.services import Services
from footfall.sites import Site
from tests.archive.rawlog import Hit, RawLog, at
from tests.reports.helpers import report, rows


@pytest.fixture
def site(make_site, raw: RawLog) -> Site:  # type: ignore[no-untyped-def]
    """Three visits on 2010-03-06: two by a French Firefox user, one by a German Chrome user."""
    site = make_site()
    raw.visit(site.idsite, "aa", [Hit(at("2010-03-06 11:22:33"), url="http://example.org/a"),
                                  Hit(at("2010-03-06 11:49:33"), url="http://example.org/b")],
              visitor_localtime=time(12, 34, 6), config_flash=1, config_cookie=1,
              user_id="alice@example.org", visit_goal_converted=1)
    raw.visit(site.idsite, "aa", [Hit(at("2010-03-06 12:22:33"), url="http://example.org/c")],
              visitor_localtime=time(13, 34, 6), visitor_returning=1, visitor_count_visits=2,
              visitor_seconds_since_last=3600, config_cookie=1)
    raw.visit(site.idsite, "bb", [Hit(at("2010-03-06 20:00:00"), url="http://example.org/a")],
              location_country="de", location_browser_lang="de-de,de", config_browser_name="CH",
              config_os="MAC", config_os_version="10.15", config_browser_version="120.0",
              config_browser_engine="Blink", config_device_type=1, config_device_brand="AP",
              config_device_model="iPhone", config_resolution="390x844",
              visitor_localtime=time(21, 0, 0), location_region="BE", location_city="Berlin")
    return site


def test_countries_continents_regions_cities(services: Services, site: Site) -> None:
    countries = report(services, site, "UserCountry.getCountry")
    assert [r.label for r in countries] == ["France", "Germany"]
    france = countries.rows[0]
    assert france.columns["nb_visits"] == 2 and france.columns["nb_uniq_visitors"] == 1
    assert france.metadata == {"code": "fr", "logo": "plugins/Morpheus/icons/dist/flags/fr.png",
                               "segment": "countryCode==fr", "logoHeight": 16}
    assert rows(report(services, site, "UserCountry.getContinent"))["Europe"]["nb_visits"] == 3
    regions = rows(report(services, site, "UserCountry.getRegion"))
    assert regions["Berlin, Germany"]["nb_visits"] == 1 and regions["Unknown, France"]["nb_visits"] == 2
    cities = report(services, site, "UserCountry.getCity")
    berlin = next(r for r in cities if r.label.startswith("Berlin"))
    assert berlin.metadata["segment"] == "city==Berlin;regionCode==BE;countryCode==de"


def test_devices_and_software(services: Services, site: Site) -> None:
    types = rows(report(services, site, "DevicesDetection.getType"))
    assert types["Desktop"]["nb_visits"] == 2 and types["Smartphone"]["nb_visits"] == 1
    assert types["Tablet"] == {"nb_visits": 0}  # every type is listed
    assert rows(report(services, site, "DevicesDetection.getBrand"))["Apple"]["nb_visits"] == 1
    assert "Apple - iPhone" in rows(report(services, site, "DevicesDetection.getModel"))
    browsers = report(services, site, "DevicesDetection.getBrowsers")
    assert [(r.label, r.columns["nb_visits"]) for r in browsers] == [("Firefox", 2), ("Chrome", 1)]
    assert browsers.rows[1].metadata["segment"] == "browserCode==CH"
    versions = rows(report(services, site, "DevicesDetection.getBrowserVersions"))
    assert versions["Chrome 120.0"]["nb_visits"] == 1
    assert rows(report(services, site, "DevicesDetection.getOsFamilies"))["Mac"]["nb_visits"] == 1
    os_versions = report(services, site, "DevicesDetection.getOsVersions")
    mac = next(r for r in os_versions if r.label == "Mac 10.15")
    assert mac.metadata["segment"] == "operatingSystemCode==MAC;operatingSystemVersion==10.15"
    engines = rows(report(services, site, "DevicesDetection.getBrowserEngines"))
    assert engines["Blink (Chrome, Opera)"]["nb_visits"] == 1
    assert rows(report(services, site, "Resolution.getResolution"))["1024x768"]["nb_visits"] == 2
    configurations = rows(report(services, site, "Resolution.getConfiguration"))
    assert configurations["Windows / Firefox / 1024x768"]["nb_visits"] == 2


def test_plugins_languages_user_ids(services: Services, site: Site) -> None:
    plugins = report(services, site, "DevicePlugins.getPlugin")
    assert [r.label for r in plugins][:2] == ["Cookie", "Flash"]
    assert plugins.rows[0].columns == {"nb_visits": 2, "nb_visits_percentage": 0.67}
    assert len(plugins) == 8
    languages = report(services, site, "UserLanguage.getLanguage")
    assert [(r.label, r.columns["nb_visits"]) for r in languages] == [("French", 2), ("German", 1)]
    assert languages.rows[0].metadata["segment"] == "languageCode==fr,languageCode=@fr-"
    codes = rows(report(services, site, "UserLanguage.getLanguageCode"))
    assert codes["German - Germany (de-de)"]["nb_visits"] == 1
    users = report(services, site, "UserId.getUsers")
    assert [r.label for r in users] == ["alice@example.org"]
    assert users.rows[0].metadata["idvisitor"] == "aa00000000000000"


def test_visit_time(services: Services, site: Site) -> None:
    server = report(services, site, "VisitTime.getVisitInformationPerServerTime")
    assert len(server) == 24 and server.rows[0].label == "00"
    assert rows(server)["11"]["nb_visits"] == 1 and rows(server)["20"]["nb_visits"] == 1
    assert rows(server)["05"] == {"nb_visits": 0}
    local = rows(report(services, site, "VisitTime.getVisitInformationPerLocalTime"))
    assert local["12"]["nb_visits"] == 1 and local["21"]["nb_visits"] == 1
    by_day = report(services, site, "VisitTime.getByDayOfWeek", period="week")
    saturday = by_day.rows[5]
    assert saturday.label == "Saturday" and saturday.metadata == {"day_of_week": 6}
    assert saturday.columns["nb_visits"] == 3 and by_day.rows[0].columns == {"nb_visits": 0}


def test_visit_time_follows_site_timezone(services: Services, make_site, raw: RawLog) -> None:
    site = make_site(timezone="Asia/Kolkata")  # UTC+5:30
    raw.visit(site.idsite, "aa", [Hit(at("2010-03-06 05:00:00"), url="http://example.org/")])
    server = rows(report(services, site, "VisitTime.getVisitInformationPerServerTime"))
    assert server["10"]["nb_visits"] == 1


def test_visitor_interest(services: Services, site: Site) -> None:
    duration = report(services, site, "VisitorInterest.getNumberOfVisitsPerVisitDuration")
    assert [r.label for r in duration][:3] == ["0\u201310s", "11\u201330s", "31\u201360s"]
    assert rows(duration)["0\u201310s"]["nb_visits"] == "2"  # strings on day periods (V12)
    assert rows(duration)["15-30 min"]["nb_visits"] == "1"
    assert duration.rows[0].metadata == {"segment": "visitDuration>=0;visitDuration<=10"}
    pages = rows(report(services, site, "VisitorInterest.getNumberOfVisitsPerPage"))
    assert pages["1 page"]["nb_visits"] == "2" and pages["2 pages"]["nb_visits"] == "1"
    by_count = report(services, site, "VisitorInterest.getNumberOfVisitsByVisitCount")
    assert rows(by_count)["1 visit"] == {"nb_visits": "2", "nb_visits_percentage": 0.67}
    assert by_count.rows[0].metadata == {"segment": "visitCount==1"}
    since = rows(report(services, site, "VisitorInterest.getNumberOfVisitsByDaysSinceLast"))
    assert since["New visits"]["nb_visits"] == "2" and since["0 days"]["nb_visits"] == "1"
    week = rows(report(services, site, "VisitorInterest.getNumberOfVisitsPerPage", period="week"))
    assert week["1 page"]["nb_visits"] == 2  # summed periods give numbers


def test_visit_frequency(services: Services, site: Site) -> None:
    values = report(services, site, "VisitFrequency.get").rows[0].columns
    assert values["nb_visits_new"] == 2 and values["nb_visits_returning"] == 1
    assert values["nb_uniq_visitors_new"] == 2 and values["bounce_rate_new"] == 0.5
    assert list(values)[:3] == ["nb_uniq_visitors_new", "nb_users_new", "nb_visits_new"]
    month = report(services, site, "VisitFrequency.get", period="month").rows[0].columns
    assert month["nb_uniq_visitors_new"] == 2 and month["nb_visits_returning"] == 1


def test_scalar_getters(services: Services, site: Site) -> None:
    assert report(services, site, "VisitsSummary.getVisits") == 3
    assert report(services, site, "VisitsSummary.getSumVisitsLength") == 1621
    assert report(services, site, "VisitsSummary.getSumVisitsLengthPretty") == "27 min 1s"
    assert report(services, site, "VisitsSummary.getUsers") == 1


def test_unique_counts_stay_exact_when_rolled_up(services: Services, site: Site,
                                                 raw: RawLog) -> None:
    """One GROUP BY serves type, brand and model (archive/rollup): a repeat visitor counts
    once per row, whatever finer groups its visits fell into."""
    raw.visit(site.idsite, "aa", [Hit(at("2010-03-06 22:00:00"), url="http://example.org/d")],
              config_device_type=1, config_device_brand="AP", config_device_model="iPad",
              config_browser_name="FF", config_browser_version="121.0",
              user_id="alice@example.org")
    types = rows(report(services, site, "DevicesDetection.getType"))
    assert types["Desktop"]["nb_visits"] == 2 and types["Desktop"]["nb_uniq_visitors"] == 1
    assert types["Smartphone"]["nb_visits"] == 2
    assert types["Smartphone"]["nb_uniq_visitors"] == 2  # "aa" once, "bb" once
    brands = rows(report(services, site, "DevicesDetection.getBrand"))
    assert brands["Apple"]["nb_uniq_visitors"] == 2 and brands["Apple"]["nb_users"] == 1
    versions = rows(report(services, site, "DevicesDetection.getBrowserVersions"))
    firefox = {label: columns for label, columns in versions.items() if "Firefox" in label}
    assert sum(c["nb_visits"] for c in firefox.values()) == 3
    browsers = rows(report(services, site, "DevicesDetection.getBrowsers"))
    assert browsers["Firefox"]["nb_visits"] == 3 and browsers["Firefox"]["nb_uniq_visitors"] == 1
    assert browsers["Firefox"]["nb_users"] == 1


def test_interest_buckets_at_their_edges(services: Services, make_site, raw: RawLog) -> None:
    """Buckets are found by halving (visitor_interest._bucket_key): each edge value lands in
    the bucket that a plain first-match chain would give, the ones past the last included."""
    site = make_site()
    lengths = [0, 10, 11, 30, 31, 60, 61, 900, 901, 1800, 1801, 99999]
    for number, length in enumerate(lengths):
        raw.visit(site.idsite, f"{number:02x}", [Hit(at("2010-03-06 10:00:00"),
                                                     url="http://example.org/")],
                  visit_total_time=length, visit_total_actions=number + 1,
                  visitor_count_visits=number * 20)
    duration = rows(report(services, site, "VisitorInterest.getNumberOfVisitsPerVisitDuration"))
    assert {label: int(c["nb_visits"]) for label, c in duration.items()} == {
        "0\u201310s": 2, "11\u201330s": 2, "31\u201360s": 2, "1-2 min": 1, "2-4 min": 0,
        "4-7 min": 0, "7-10 min": 0, "10-15 min": 1, "15-30 min": 2, "30+ min": 2}
    pages = rows(report(services, site, "VisitorInterest.getNumberOfVisitsPerPage"))
    assert [int(c["nb_visits"]) for c in pages.values()] == [1, 1, 1, 1, 1, 2, 3, 2, 0, 0]
    by_count = rows(report(services, site, "VisitorInterest.getNumberOfVisitsByVisitCount"))
    # visit counts 0 (in no bucket), 20, 40, ..., 220
    assert [int(c["nb_visits"]) for c in by_count.values()] == [0] * 8 + [0, 1, 1, 3, 5, 1]


def test_server_hours_on_a_daylight_saving_day(services: Services, make_site,
                                               raw: RawLog) -> None:
    """The site hour comes from a halving CASE over the day's hour ends (visit_time):
    a visit just before and just after every hour end lands in the right hour, on a day
    the clocks go back (25 local hours: 02:00-02:59 twice)."""
    site = make_site(timezone="Europe/Paris")
    starts = [f"2010-10-30 {hour:02d}:59:59" for hour in range(22, 24)] + \
        [f"2010-10-31 {hour:02d}:{minute}" for hour in range(0, 23)
         for minute in ("00:00", "59:59")]
    for number, start in enumerate(starts):
        raw.visit(site.idsite, f"{number:02x}", [Hit(at(start), url="http://example.org/")])
    hours = rows(report(services, site, "VisitTime.getVisitInformationPerServerTime",
                        date="2010-10-31"))
    counts = {label: c["nb_visits"] for label, c in hours.items()}
    # UTC 22:59:59 and 23:59:59 on the 30th are 00:59:59 and 01:59:59 in Paris (UTC+2);
    # local 02 is UTC 00:00-01:59:59 (both 02:00s); from then on UTC+1, one UTC hour each.
    assert counts["00"] == 1 and counts["01"] == 1 and counts["02"] == 4
    assert all(counts[f"{hour:02d}"] == 2 for hour in range(3, 24))
    assert sum(counts.values()) == len(starts)
