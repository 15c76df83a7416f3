"""UserCountry: visits by country, continent, region and city (reference §6.3, V9)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable, Row
from footfall.reports.common import (
    add_or_sum,
    continent_of_country,
    dimension_table,
    english_names,
    join_key,
    relabel,
    relabel_build,
    segment_value,
    split_key,
    visit_report,
)
from footfall.reports.metrics import metric
from footfall.reports.registry import Family, ReportDefinition, ReportRequest

UNKNOWN_CODE = "xx"
UNKNOWN = "Unknown"
FLAG = "plugins/Morpheus/icons/dist/flags/{}.png"


def _country(ctx: DayContext) -> Any:
    return sa.func.coalesce(sa.func.lower(ctx.visits.c.location_country), UNKNOWN_CODE)


def archive_day(ctx: DayContext) -> Records:
    """One GROUP BY (city, region, country); regions and countries are sums of it (Matomo)."""
    v = ctx.visits.c
    region = sa.func.coalesce(v.location_region, "")
    city = sa.func.coalesce(v.location_city, "")
    cities = dimension_table(ctx, [city, region, _country(ctx)])
    regions, countries = DataTable(), DataTable()
    region_rows: dict[str, Row] = {}
    country_rows: dict[str, Row] = {}
    for row in cities.rows:
        _, region_code, country = split_key(row.label)
        add_or_sum(regions, region_rows, join_key(region_code, country), row.columns)
        add_or_sum(countries, country_rows, country, row.columns)
    tables = {"UserCountry_country": countries, "UserCountry_region": regions,
              "UserCountry_city": cities}
    distinct = sum(1 for row in countries.rows if row.label != UNKNOWN_CODE)
    return Records(numerics={"UserCountry_distinctCountries": distinct}, tables=tables)


def country_name(code: str) -> str:
    return english_names()["countries"].get(code, UNKNOWN)


def _country_row(code: str) -> tuple[str, dict[str, Any]]:
    code = code or UNKNOWN_CODE
    return country_name(code), {"code": code, "logo": FLAG.format(code),
                                "segment": f"countryCode=={segment_value(code)}",
                                "logoHeight": 16}


def _continent_row(code: str) -> tuple[str, dict[str, Any]]:
    continent = continent_of_country().get(code, "unk")
    name = english_names()["continents"].get(continent, UNKNOWN)
    return name, {"code": continent, "segment": f"continentCode=={continent}"}


@lru_cache(maxsize=4096)
def region_name(country: str, region: str) -> str:
    """The ISO 3166-2 name of a subdivision ('ca', 'BC' -> 'British Columbia'), as Matomo
    names regions; 'Unknown' for a code the standard does not have."""
    import pycountry

    if not region or not country or country == UNKNOWN_CODE:
        return UNKNOWN
    found = pycountry.subdivisions.get(code=f"{country.upper()}-{region.upper()}")
    return str(found.name) if found is not None else UNKNOWN


def _with_country(text: str, country: str) -> str:
    """Region and city labels end with the country's name when it is known."""
    return f"{text}, {country_name(country)}" if country not in ("", UNKNOWN_CODE) else text


def _region_row(key: str) -> tuple[str, dict[str, Any]]:
    region, country = split_key(key)
    label = _with_country(region_name(country, region), country)
    metadata: dict[str, Any] = {"region": region or UNKNOWN_CODE, "country": country,
                                "country_name": country_name(country),
                                "region_name": region_name(country, region),
                                "logo": FLAG.format(country)}
    if region:
        metadata["segment"] = (f"regionCode=={segment_value(region)};"
                               f"countryCode=={segment_value(country)}")
    return label, metadata


def _city_row(key: str) -> tuple[str, dict[str, Any]]:
    city, region, country = split_key(key)
    known_region = region not in ("", UNKNOWN_CODE) and country not in ("", UNKNOWN_CODE)
    place = f"{city or UNKNOWN}, {region_name(country, region)}" if known_region else \
        city or UNKNOWN
    label = _with_country(place, country)
    metadata: dict[str, Any] = {"city_name": city or UNKNOWN, "region": region,
                                "country": country, "country_name": country_name(country),
                                "region_name": region_name(country, region),
                                "logo": FLAG.format(country)}
    if city:
        metadata["segment"] = (f"city=={segment_value(city)};regionCode=={segment_value(region)};"
                               f"countryCode=={segment_value(country)}")
    return label, metadata


def build_continent(view: ArchiveView, request: ReportRequest) -> DataTable:
    return relabel(view.table("UserCountry_country"), _continent_row)


def _report(action: str, name: str, dimension: str, build: Any, doc: str) -> Any:
    return visit_report("UserCountry", action, name, category="Visitors",
                        subcategory="Locations", dimension=dimension, build=build,
                        documentation=doc)


def build_distinct(view: ArchiveView, request: ReportRequest) -> DataTable:
    value = view.numeric("UserCountry_distinctCountries")
    return DataTable([Row("", {"UserCountry_distinctCountries": value})],
                     metadata={"simple": True, "empty": not value})


DISTINCT_COUNTRIES = ReportDefinition(
    module="UserCountry", action="getDistinctCountries", name="Distinct countries",
    category="Visitors", subcategory="Locations", build=build_distinct, simple=True,
    default_sort=None, metrics=(metric("UserCountry_distinctCountries", "Distinct countries"),),
    documentation="How many countries visits came from.")

FAMILY = Family(
    name="UserCountry", archive_day=archive_day,
    scalars={"getNumberOfDistinctCountries": ("getDistinctCountries",
                                              "UserCountry_distinctCountries")},
    table_limits={name: ("datatable_archiving_maximum_rows_standard", None)
                  for name in ("UserCountry_country", "UserCountry_region", "UserCountry_city")},
    reports=[
        DISTINCT_COUNTRIES,
        _report("getCountry", "Country", "Country",
                relabel_build("UserCountry_country", _country_row),
                "Visits by the country the visitor was in."),
        _report("getContinent", "Continent", "Continent", build_continent,
                "Visits by continent."),
        _report("getRegion", "Region", "Region", relabel_build("UserCountry_region", _region_row),
                "Visits by region (from a geolocation database)."),
        _report("getCity", "City", "City", relabel_build("UserCountry_city", _city_row),
                "Visits by city (from a geolocation database)."),
    ],
)
