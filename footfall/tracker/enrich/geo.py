"""Visitor location: from a MaxMind-format database (GeoLite2, DB-IP) when the
operator configured one, else the country guessed from the browser language,
as Matomo's default location provider does."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache, cached_property, lru_cache
from typing import Any

from footfall.errors import ConfigError
from footfall.tracker.enrich.datafiles import load_json
from footfall.tracker.enrich.ip import parse_ip
from footfall.tracker.enrich.language import UNKNOWN, country_from_language
from footfall.tracker.enrich.lru import MemoryLru

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
        return dict(self._column_items)

    @cached_property
    def _column_items(self) -> tuple[tuple[str, object], ...]:
        # Locations are memoised and shared by many hits: build the pairs once.
        return tuple((f.name, getattr(self, f.name)) for f in fields(self))


@cache
def _continents() -> dict[str, str]:
    data = load_json("countries.json")
    return {**data["extras"], **data["countries"]}


def continent_of(country_code: str | None) -> str:
    """Matomo's continent code of a country: 'de' -> 'eur', 'mx' -> 'amn'; 'unk' if unknown."""
    return _continents().get((country_code or "").lower(), "unk")


@cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    data = load_json("countries.json")
    return data["names"], data["continent_names"]


def country_name(country_code: str | None) -> str:
    """'de' -> 'Germany'; 'xx' and unknown codes -> 'Unknown'."""
    return _names()[0].get((country_code or "").lower(), "Unknown")


def continent_name(continent_code: str | None) -> str:
    """'eur' -> 'Europe', 'amc' -> 'Central America'; unknown -> 'Unknown'."""
    return _names()[1].get((continent_code or "").lower(), "Unknown")


def is_country_code(code: str) -> bool:
    return code.lower() in _continents()


class GeoLocator:
    """Locates visitors; open the databases once, at start-up, and share the object.

    The databases are read with `maxminddb` directly (plain records are many times
    cheaper than geoip2's model objects), and answers are memoised per address:
    a visitor's hits come from the same address and browser.
    """

    def __init__(
        self, *, city_db: str | None = None, asn_db: str | None = None, memory_entries: int = 65_536
    ) -> None:
        self._city = _open_reader(city_db)
        self._asn = _open_reader(asn_db)
        self._memo: MemoryLru[Location] = MemoryLru(memory_entries)

    @property
    def has_database(self) -> bool:
        return self._city is not None

    @property
    def by_language_only(self) -> bool:
        """No database at all: a location depends on the browser language alone."""
        return self._city is None and self._asn is None

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
            return _language_location(accept_language)
        key = f"{ip}\n{accept_language or ''}"
        known = self._memo.get(key)
        if known is None:
            known = self._locate(ip, accept_language)
            self._memo.put(key, known)
        return known

    def _locate(self, ip: str, accept_language: str | None) -> Location:
        address = _lookup_form(ip)
        record = _record(self._city, address)
        asn = _record(self._asn, address)
        provider = str(asn.get("autonomous_system_organization") or "")[:200] or None if asn else None
        if record is None:
            country = country_from_language(accept_language)
            return Location(location_country=country, location_provider=provider)
        return _location_from(record, provider, accept_language)


@lru_cache(maxsize=8192)
def _language_location(accept_language: str | None) -> Location:
    """The location guessed from the browser language alone (no database)."""
    return Location(location_country=country_from_language(accept_language))


def _record(reader: Any | None, address: str) -> dict[str, Any] | None:
    if reader is None or not address:
        return None
    try:
        found = reader.get(address)
    except ValueError:  # e.g. an IPv6 address in an IPv4-only database
        return None
    return found if isinstance(found, dict) else None


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
    import maxminddb

    try:
        return maxminddb.open_database(path)
    except FileNotFoundError as error:
        raise ConfigError(f"geolocation: database file not found: {path}") from error
    except (maxminddb.InvalidDatabaseError, ValueError) as error:
        raise ConfigError(f"geolocation: not a MaxMind-format database: {path}: {error}") from error


def _name(entry: Any) -> str | None:
    """The English name of a city (what geoip2 gives by default)."""
    names = entry.get("names") if isinstance(entry, dict) else None
    return str(names.get("en")) if isinstance(names, dict) and names.get("en") else None


def _location_from(record: dict[str, Any], provider: str | None, accept_language: str | None) -> Location:
    country = str((record.get("country") or {}).get("iso_code") or "").lower()
    if not country:
        country = country_from_language(accept_language)
    subdivisions = record.get("subdivisions") or []
    region = str(subdivisions[-1].get("iso_code") or "") if subdivisions else ""  # most specific
    location = record.get("location") or {}
    return Location(
        location_country=country[:3],
        location_region=region[:3] or None,
        location_city=_name(record.get("city")),
        location_latitude=_coordinate(location.get("latitude")),
        location_longitude=_coordinate(location.get("longitude")),
        location_provider=provider,
    )


def _coordinate(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(_COORDINATE_PLACES)
