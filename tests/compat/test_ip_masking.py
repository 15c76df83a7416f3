"""Matomo compatibility: IP anonymisation (reference §9.1) and which address the
location is taken from (`use_anonymized_ip_for_visit_enrichment`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from footfall.tracker.enrich.geo import GeoLocator
from footfall.tracker.enrich.ip import bytes_to_ip, ip_to_bytes, mask_ip, stored_and_enrichment_ips
from tests.tracker.enrich.mmdb_builder import build_city_db

IPV4 = "81.2.69.160"
IPV6 = "2001:db8:100:4a3c:1319:8a2e:370:7344"


@pytest.mark.parametrize(
    ("mask", "ipv4", "ipv6", "mapped"),
    [
        (0, "81.2.69.160", "2001:db8:100:4a3c:1319:8a2e:370:7344", "::ffff:81.2.69.160"),
        (1, "81.2.69.0", "2001:db8:100:4a3c::", "::ffff:81.2.69.0"),
        (2, "81.2.0.0", "2001:db8:100::", "::ffff:81.2.0.0"),
        (3, "81.0.0.0", "2001:d00::", "::ffff:81.0.0.0"),
        (4, "0.0.0.0", "::", "::ffff:0.0.0.0"),
    ],
)
def test_mask_bytes(mask, ipv4, ipv6, mapped):
    assert mask_ip(IPV4, mask) == ipv4
    assert mask_ip(IPV6, mask) == ipv6
    assert mask_ip("::ffff:81.2.69.160", mask) == mapped


def test_default_mask_of_vector_20():
    # §12 item 20: cip=198.51.100.7 with the default 2-byte mask is stored as 198.51.0.0
    stored = ip_to_bytes(mask_ip("198.51.100.7", 2))
    assert stored == bytes([198, 51, 0, 0]) and bytes_to_ip(stored) == "198.51.0.0"


@pytest.fixture(scope="module")
def locator(tmp_path_factory) -> Iterator[GeoLocator]:
    built = GeoLocator(city_db=str(build_city_db(tmp_path_factory.mktemp("mask") / "city.mmdb")))
    yield built
    built.close()


@pytest.mark.parametrize("ip", [IPV4, "2001:db8:100::abcd"])
def test_enrichment_uses_the_real_ip_by_default(locator, ip):
    stored, for_geo = stored_and_enrichment_ips(ip, mask_bytes=2, use_anonymized_for_enrichment=False)
    assert stored == mask_ip(ip, 2) and for_geo == ip
    assert locator.locate(for_geo, "fr").location_city in {"London", "Tokyo"}


def test_enrichment_on_the_masked_ip_loses_the_city(locator):
    stored, for_geo = stored_and_enrichment_ips(IPV4, mask_bytes=2, use_anonymized_for_enrichment=True)
    assert stored == for_geo == "81.2.0.0"
    # 81.2.0.0 is outside the London network: the language guess decides.
    assert locator.locate(for_geo, "fr").location_country == "fr"
    assert locator.locate(for_geo, "fr").location_city is None


def test_enrichment_on_a_masked_ipv6_keeps_a_48_bit_network(locator):
    _, for_geo = stored_and_enrichment_ips(
        "2001:db8:100::abcd", mask_bytes=2, use_anonymized_for_enrichment=True
    )
    assert for_geo == "2001:db8:100::"
    assert locator.locate(for_geo, None).location_city == "Tokyo"
