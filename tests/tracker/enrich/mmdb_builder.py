"""Builds small MaxMind-format databases for tests (nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path

from mmdb_writer import MmdbF64, MmdbU32, MMDBWriter
from netaddr import IPSet

# network -> (country, region, city, latitude, longitude)
CITY_NETWORKS = {
    "81.2.69.0/24": ("GB", "ENG", "London", 51.5142, -0.0931),
    "89.160.20.0/24": ("SE", "E", "Linköping", 58.4167, 15.6167),
    "198.51.0.0/16": ("DE", "BE", "Berlin", 52.5244, 13.4105),
    "2001:db8:100::/48": ("JP", "13", "Tokyo", 35.6895, 139.6917),
    "2a02:cf40::/32": ("NZ", "AUK", "Auckland", -36.8485, 174.7633),
}
ASN_NETWORKS = {
    "81.2.69.0/24": (20712, "Andrews & Arnold Ltd"),
    "2001:db8:100::/48": (64500, "Example IPv6 Carrier"),
}


def build_city_db(path: Path) -> Path:
    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="GeoLite2-City",
        languages=["en"],
        description={"en": "Footfall test city database"},
    )
    for network, (country, region, city, lat, lon) in CITY_NETWORKS.items():
        writer.insert_network(
            IPSet([network]),
            {
                "country": {"iso_code": country, "names": {"en": country}},
                "subdivisions": [{"iso_code": region, "names": {"en": region}}],
                "city": {"names": {"en": city}},
                "location": {"latitude": MmdbF64(lat), "longitude": MmdbF64(lon)},
            },
        )
    writer.to_db_file(str(path))
    return path


def build_asn_db(path: Path) -> Path:
    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="GeoLite2-ASN",
        languages=["en"],
        description={"en": "Footfall test ASN database"},
    )
    for network, (number, organisation) in ASN_NETWORKS.items():
        writer.insert_network(
            IPSet([network]),
            {
                "autonomous_system_number": MmdbU32(number),
                "autonomous_system_organization": organisation,
            },
        )
    writer.to_db_file(str(path))
    return path
