"""Matomo compatibility: geolocation from a MaxMind-format database built by the
test (IPv4 and IPv6), and the browser-language fallback without a database."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from footfall.tracker.enrich.geo import GeoLocator, continent_of
from tests.tracker.enrich.mmdb_builder import CITY_NETWORKS, build_asn_db, build_city_db


@pytest.fixture(scope="module")
def locator(tmp_path_factory) -> Iterator[GeoLocator]:
    folder = tmp_path_factory.mktemp("compat-geo")
    built = GeoLocator(
        city_db=str(build_city_db(folder / "city.mmdb")), asn_db=str(build_asn_db(folder / "asn.mmdb"))
    )
    yield built
    built.close()


@pytest.mark.parametrize(
    ("ip", "country", "region", "city", "continent"),
    [
        ("81.2.69.160", "gb", "ENG", "London", "eur"),
        ("89.160.20.112", "se", "E", "Linköping", "eur"),
        ("198.51.100.7", "de", "BE", "Berlin", "eur"),
        ("2001:db8:100::1", "jp", "13", "Tokyo", "asi"),
        ("2a02:cf40:1::99", "nz", "AUK", "Auckland", "oce"),
    ],
)
def test_location_from_database(locator, ip, country, region, city, continent):
    found = locator.locate(ip, "en-US")
    assert (found.location_country, found.location_region, found.location_city) == (country, region, city)
    assert continent_of(found.location_country) == continent
    network = next(n for n, row in CITY_NETWORKS.items() if row[2] == city)
    latitude, longitude = CITY_NETWORKS[network][3:]
    assert found.location_latitude == Decimal(str(latitude)).quantize(Decimal("0.000001"))
    assert found.location_longitude == Decimal(str(longitude)).quantize(Decimal("0.000001"))


def test_provider_from_asn_database(locator):
    assert locator.locate("81.2.69.160", None).location_provider == "Andrews & Arnold Ltd"
    assert locator.locate("2001:db8:100::1", None).location_provider == "Example IPv6 Carrier"
    assert locator.locate("198.51.100.7", None).location_provider is None


@pytest.mark.parametrize(
    ("accept_language", "country"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr", "fr"),  # bare language: Matomo's language-to-country table
        ("ja", "jp"),
        ("en", "xx"),  # too ambiguous to guess
        ("en-GB", "gb"),
        ("zh-TW,zh", "tw"),
        ("", "xx"),
    ],
)
def test_language_fallback_without_database(accept_language, country):
    assert GeoLocator().locate("81.2.69.160", accept_language).location_country == country


def test_language_fallback_when_the_database_has_no_match(locator):
    assert locator.locate("192.0.2.1", "es-MX").location_country == "mx"
