"""Visitor location: from a MaxMind-format database (GeoLite2, DB-IP) when the
operator configured one, else the country guessed from the browser language,
as Matomo's default location provider does."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache
from typing import Any

from footfall.errors import ConfigError
from footfall.tracker.enrich.datafiles import load_json
from footfall.tracker.enrich.ip import parse_ip
from footfall.tracker.enrich.language import UNKNOWN, country_from_language

_COORDINATE_PLACES = Decimal("0.000001")  # DECIMAL(9,6)


@dataclass(frozen=True)
class Location:
    """The location columns of log_visit."""

    location_country: str = UNKNOWN
    location_region: str | None = None
    location_city: str | None = None
    location_latitude: Decimal | None = None
    location_longitude: Decimal | None = None
    location_provider: str | None = None

    def columns(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@cache
def _continents() -> dict[str, str]:
    data = load_json("countries.json")
    return {**data["extras"], **data["countries"]}


def continent_of(country_code: str | None) -> str:
    """Matomo's continent code of a country: 'de' -> 'eur', 'mx' -> 'amn'; 'unk' if unknown."""
    return _continents().get((country_code or "").lower(), "unk")


def is_country_code(code: str) -> bool:
    return code.lower() in _continents()


class GeoLocator:
    """Locates visitors; open the databases once, at start-up, and share the object."""

    def __init__(self, *, city_db: str | None = None, asn_db: str | None = None) -> None:
        self._city = _open_reader(city_db)
        self._asn = _open_reader(asn_db)
        self._city_is_country_db = bool(
            self._city is not None and "country" in self._city.metadata().database_type.lower()
        )

    @property
    def has_database(self) -> bool:
        return self._city is not None

    def warm_up(self) -> None:
        _continents()
        country_from_language("en-us")

    def close(self) -> None:
        for reader in (self._city, self._asn):
            if reader is not None:
                reader.close()

    def locate(self, ip: str, accept_language: str | None) -> Location:
        """Where `ip` is (database) or, without a database or a match, the language guess."""
        if self._city is None and self._asn is None:
            return Location(location_country=country_from_language(accept_language))
        record = self._city_record(ip)
        provider = self._provider(ip)
        if record is None:
            country = country_from_language(accept_language)
            return Location(location_country=country, location_provider=provider)
        return _location_from(record, provider, accept_language)

    def _city_record(self, ip: str) -> Any | None:
        ip = _lookup_form(ip)
        if self._city is None or not ip:
            return None
        import geoip2.errors

        try:
            if self._city_is_country_db:
                return self._city.country(ip)
            return self._city.city(ip)
        except (geoip2.errors.AddressNotFoundError, ValueError):
            return None

    def _provider(self, ip: str) -> str | None:
        ip = _lookup_form(ip)
        if self._asn is None or not ip:
            return None
        import geoip2.errors

        try:
            answer = self._asn.asn(ip)
        except (geoip2.errors.AddressNotFoundError, ValueError):
            return None
        return (answer.autonomous_system_organization or "")[:200] or None


def _lookup_form(ip: str) -> str:
    """The address to look up ('' if invalid); IPv4-mapped IPv6 is looked up as IPv4."""
    address = parse_ip(ip)
    if address is None:
        return ""
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def _open_reader(path: str | None) -> Any | None:
    """Open a MaxMind-format database, or say clearly which setting points nowhere."""
    if not path:
        return None
    import geoip2.database
    import maxminddb

    try:
        return geoip2.database.Reader(path)
    except FileNotFoundError as error:
        raise ConfigError(f"geolocation: database file not found: {path}") from error
    except (maxminddb.InvalidDatabaseError, ValueError) as error:
        raise ConfigError(f"geolocation: not a MaxMind-format database: {path}: {error}") from error


def _location_from(record: Any, provider: str | None, accept_language: str | None) -> Location:
    country = (record.country.iso_code or "").lower()
    if not country:
        country = country_from_language(accept_language)
    city = getattr(record, "city", None)
    subdivisions = getattr(record, "subdivisions", None)
    location = getattr(record, "location", None)
    region = subdivisions.most_specific.iso_code if subdivisions else None
    return Location(
        location_country=country[:3],
        location_region=(region or None) and region[:3],
        location_city=(city.name if city is not None else None) or None,
        location_latitude=_coordinate(location.latitude if location is not None else None),
        location_longitude=_coordinate(location.longitude if location is not None else None),
        location_provider=provider,
    )


def _coordinate(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(_COORDINATE_PLACES)
