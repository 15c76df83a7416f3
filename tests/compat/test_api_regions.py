"""Reporting API compatibility: UserCountry.getRegion / getCity name regions as Matomo does.

Matomo labels a region 'Region name, Country' with the ISO 3166-2 subdivision name
(region_name metadata; 'Unknown' when the code has none), and a city 'City, Region name,
Country'. Visits come from a test-built GeoIP database (London, Berlin, Auckland) and one
address it does not know (its country guessed from Accept-Language).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from tests.compat.api_support import Scenario
from tests.tracker.enrich.mmdb_builder import build_city_db

DAY = {"idSite": 1, "period": "day", "date": "2010-12-14"}


@pytest.fixture
def located(tmp_path: Path, db_url: str, engine: Engine) -> Iterator[Scenario]:
    city = build_city_db(tmp_path / "city.mmdb")
    settings = testing.make_settings(tmp_path / "data", db_url,
                                     **{"General.geoip_city_database": str(city)})
    testing.create_site(engine, name="Site", urls=["http://example.org"])
    with testing.serve_in_thread(settings) as server:
        scenario = Scenario(server, engine, testing.create_superuser_token(engine))
        scenario.created(1, "2010-12-13 00:00:00")
        for number, ip in enumerate(("81.2.69.160", "81.2.69.160", "198.51.100.7",
                                     "2a02:cf40:1::99", "192.0.2.1")):
            scenario.hit(1, f"2010-12-14 0{number}:00:00", "http://example.org/", cip=ip,
                         _id=f"{number:016x}")
        server.drain()
        yield scenario


def test_regions_are_named_from_iso_3166_2(located: Scenario) -> None:
    rows = located.json("UserCountry.getRegion", **DAY)
    by_label = {r["label"]: r for r in rows}
    assert list(by_label) == ["England, United Kingdom", "Auckland, New Zealand",
                              "Berlin, Germany", "Unknown, France"]
    england = by_label["England, United Kingdom"]
    assert england["nb_visits"] == 2
    assert {k: england[k] for k in ("region", "country", "country_name", "region_name",
                                    "logo", "segment")} == {
        "region": "ENG", "country": "gb", "country_name": "United Kingdom",
        "region_name": "England", "logo": "plugins/Morpheus/icons/dist/flags/gb.png",
        "segment": "regionCode==ENG;countryCode==gb"}
    unknown = by_label["Unknown, France"]
    assert (unknown["region"], unknown["region_name"]) == ("xx", "Unknown")
    assert "segment" not in unknown


def test_cities_carry_the_region_name(located: Scenario) -> None:
    labels = [r["label"] for r in located.json("UserCountry.getCity", **DAY)]
    assert labels == ["London, England, United Kingdom", "Auckland, Auckland, New Zealand",
                      "Berlin, Berlin, Germany", "Unknown, France"]
    berlin = next(r for r in located.json("UserCountry.getCity", **DAY)
                  if r["label"].startswith("Berlin"))
    assert berlin["region_name"] == "Berlin" and berlin["city_name"] == "Berlin"


def test_region_names_in_xml(located: Scenario) -> None:
    text = located.api("UserCountry.getRegion", idSite=1, period="day", date="2010-12-14",
                       filter_limit=1).text
    assert "\t\t<label>England, United Kingdom</label>\n" in text
    assert "\t\t<region_name>England</region_name>\n" in text
