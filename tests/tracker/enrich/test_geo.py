from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from footfall.tracker.enrich.geo import GeoLocator, Location, continent_of, is_country_code
from tests.tracker.enrich.mmdb_builder import build_asn_db, build_city_db


@pytest.fixture(scope="module")
def locator(tmp_path_factory) -> Iterator[GeoLocator]:
    folder = tmp_path_factory.mktemp("geo")
    built = GeoLocator(
        city_db=str(build_city_db(folder / "city.mmdb")), asn_db=str(build_asn_db(folder / "asn.mmdb"))
    )
    yield built
    built.close()


@pytest.mark.parametrize(
    ("country", "continent"),
    [
        ("de", "eur"),
        ("US", "amn"),
        ("mx", "amn"),
        ("cr", "amc"),
        ("br", "ams"),
        ("jp", "asi"),
        ("au", "oce"),
        ("ng", "afr"),
        ("aq", "ant"),
        ("xx", "unk"),
        ("", "unk"),
        (None, "unk"),
    ],
)
def test_continent_of(country, continent):
    assert continent_of(country) == continent


def test_is_country_code():
    assert is_country_code("FR") and not is_country_code("zz")


def test_city_and_coordinates_from_the_database(locator):
    found = locator.locate("81.2.69.160", "fr-FR")
    assert found == Location(
        location_country="gb",
        location_region="ENG",
        location_city="London",
        location_latitude=Decimal("51.514200"),
        location_longitude=Decimal("-0.093100"),
        location_provider="Andrews & Arnold Ltd",
    )


def test_ipv6_and_ipv4_mapped_addresses(locator):
    assert locator.locate("2001:db8:100::1", None).location_city == "Tokyo"
    assert locator.locate("::ffff:81.2.69.1", None).location_country == "gb"


def test_address_missing_from_database_falls_back_to_language(locator):
    found = locator.locate("192.0.2.55", "de-AT,de")
    assert found == Location(location_country="at")


def test_invalid_ip_falls_back_to_language(locator):
    assert locator.locate("not an ip", "fr").location_country == "fr"


def test_without_database_the_language_decides():
    plain = GeoLocator()
    assert not plain.has_database
    assert plain.locate("81.2.69.160", "pt-BR").columns() == {
        "location_country": "br",
        "location_region": None,
        "location_city": None,
        "location_latitude": None,
        "location_longitude": None,
        "location_provider": None,
    }
    assert plain.locate("81.2.69.160", None).location_country == "xx"


def test_missing_or_broken_database_is_a_clear_config_error(tmp_path):
    from footfall.errors import ConfigError

    with pytest.raises(ConfigError, match="not found"):
        GeoLocator(city_db=str(tmp_path / "nowhere.mmdb"))
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"this is not a database")
    with pytest.raises(ConfigError, match="not a MaxMind-format database"):
        GeoLocator(city_db=str(broken))


def test_memoised_answers_still_depend_on_the_language(locator):
    assert locator.locate("192.0.2.56", "fr").location_country == "fr"
    assert locator.locate("192.0.2.56", "de").location_country == "de"
    assert locator.locate("192.0.2.56", "fr").location_country == "fr"
    assert locator.locate("81.2.69.160", "fr") is locator.locate("81.2.69.160", "fr")


def test_country_and_continent_names():
    from footfall.tracker.enrich.geo import continent_name, country_name

    assert (country_name("de"), country_name("GB"), country_name("xx"), country_name(None)) == (
        "Germany", "United Kingdom", "Unknown", "Unknown")
    assert (continent_name("amc"), continent_name(continent_of("jp")), continent_name("zzz")) == (
        "Central America", "Asia", "Unknown")
