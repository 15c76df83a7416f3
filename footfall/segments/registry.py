"""The segments Footfall understands: Matomo's names, where each one reads, how values map.

Each entry says which raw-log table and column a segment compares (visit:
log_visit, action: log_link_visit_action, conversion: log_conversion), whether
the column holds a log_action id (then names are compared through log_action,
restricted to the action types), an SQL transform of the column (hour of a
datetime, days from seconds) and the value mapping Matomo applies. Facts from
reference §4.3-4.5; `API.getSegmentsMetadata` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from footfall.segments import values
from footfall.tracker import actions as action_types

VISIT, ACTION, CONVERSION = "visit", "action", "conversion"
TABLES = {VISIT: "log_visit", ACTION: "log_link_visit_action", CONVERSION: "log_conversion"}
DIMENSION, METRIC = "dimension", "metric"
CUSTOM_DIMENSION = re.compile(r"dimension([1-9][0-9]*)")

Transform = Callable[[Any], Any]


@dataclass(frozen=True)
class SegmentDef:
    """One segment: its public name and what it compares."""

    segment: str
    name: str
    category: str
    scope: str
    column: str
    type: str = DIMENSION
    accepted_values: str = ""
    action_types: tuple[int, ...] = ()  # the column holds a log_action id of these types
    url_prefix: bool = False  # page URLs: stored without scheme and www.
    value: Callable[[str], Any] | None = None
    transform: Transform | None = None
    sql: str = ""  # the sqlSegment shown to super users when not table.column

    @property
    def sql_segment(self) -> str:
        return self.sql or f"{TABLES[self.scope]}.{self.column}"

    def metadata(self) -> dict[str, Any]:
        """The entry API.getSegmentsMetadata lists (sqlSegment dropped unless allowed)."""
        entry: dict[str, Any] = {"type": self.type, "category": self.category,
                                 "name": self.name, "segment": self.segment}
        if self.accepted_values:
            entry["acceptedValues"] = self.accepted_values
        entry["sqlSegment"] = self.sql_segment
        return entry


def _hour(column: Any) -> Any:
    return sa.extract("hour", column)


def _minute(column: Any) -> Any:
    return sa.extract("minute", column)


def _days(column: Any) -> Any:
    """Whole days (FLOOR); integer division because SQLite has no FLOOR()."""
    return column // 86400


def _rounded_days(column: Any) -> Any:
    return (column + 43200) // 86400


def _d(segment: str, name: str, category: str, scope: str, column: str, **more: Any) -> SegmentDef:
    return SegmentDef(segment, name, category, scope, column, **more)


def _m(segment: str, name: str, category: str, scope: str, column: str, **more: Any) -> SegmentDef:
    return SegmentDef(segment, name, category, scope, column, type=METRIC, **more)


_VISITORS, _LOCATION, _BEHAVIOUR = "Visitors", "Visitor location", "Behaviour"
_ACQUISITION, _DEVICES, _SOFTWARE = "Acquisition", "Devices", "Software"
_EVENTS, _CONTENTS, _ECOMMERCE, _GOALS, _VISIT = "Events", "Contents", "Ecommerce", "Goals", "Visit"
_PAGE_TYPES = (action_types.PAGE_URL,)
_ANY_URL_TYPES = (action_types.PAGE_URL, action_types.OUTLINK, action_types.DOWNLOAD,
                  action_types.EVENT_CATEGORY)
_URL_ACCEPTED = "All these segments must be URL-encoded, e.g. http%3A%2F%2Fexample.org%2F"
_DAYS = {"transform": _days}

SEGMENTS: tuple[SegmentDef, ...] = (
    # Visitors
    _d("visitId", "Visit ID", _VISITORS, VISIT, "idvisit", accepted_values="any integer"),
    _d("visitorId", "Visitor ID", _VISITORS, VISIT, "idvisitor", value=values.hex_id,
       accepted_values="34c31e04394bdc63 - any 16 hexadecimal characters"),
    _d("fingerprint", "Visitor fingerprint", _VISITORS, VISIT, "config_id", value=values.hex_id,
       accepted_values="any 16 hexadecimal characters"),
    _d("userId", "User ID", _VISITORS, VISIT, "user_id",
       accepted_values="any text, e.g. a login or an email address"),
    _d("visitIp", "Visit IP", _VISITORS, VISIT, "location_ip", value=values.ip_bytes,
       accepted_values="13.54.122.1; ranges with visitIp>=13.54.122.1;visitIp<=13.54.122.255"),
    _d("visitorType", "Visit type", _VISITORS, VISIT, "visitor_returning",
       value=values.visitor_type, accepted_values="new, returning, returningCustomer"),
    _m("visitCount", "Number of visits", _VISITORS, VISIT, "visitor_count_visits",
       accepted_values="any positive integer"),
    _m("daysSinceFirstVisit", "Days since first visit", _VISITORS, VISIT,
       "visitor_seconds_since_first", transform=_rounded_days,
       sql="ROUND(log_visit.visitor_seconds_since_first / 86400)"),
    _m("daysSinceLastVisit", "Days since last visit", _VISITORS, VISIT,
       "visitor_seconds_since_last", sql="FLOOR(log_visit.visitor_seconds_since_last / 86400)",
       **_DAYS),
    _m("daysSinceLastEcommerceOrder", "Days since last ecommerce order", _ECOMMERCE, VISIT,
       "visitor_seconds_since_order",
       sql="FLOOR(log_visit.visitor_seconds_since_order / 86400)", **_DAYS),
    _m("secondsSinceFirstVisit", "Seconds since first visit", _VISITORS, VISIT,
       "visitor_seconds_since_first"),
    _m("secondsSinceLastVisit", "Seconds since last visit", _VISITORS, VISIT,
       "visitor_seconds_since_last"),
    _m("secondsSinceLastEcommerceOrder", "Seconds since last ecommerce order", _ECOMMERCE, VISIT,
       "visitor_seconds_since_order"),
    _d("profilable", "Profilable", _VISITORS, VISIT, "profilable", accepted_values="0, 1"),
    # The visit
    _m("visitDuration", "Visit duration (in seconds)", _BEHAVIOUR, VISIT, "visit_total_time",
       accepted_values="any number of seconds, e.g. 60"),
    _m("actions", "Number of actions", _BEHAVIOUR, VISIT, "visit_total_actions",
       accepted_values="any positive integer"),
    _m("interactions", "Number of interactions", _BEHAVIOUR, VISIT, "visit_total_interactions"),
    _m("searches", "Number of site searches", _BEHAVIOUR, VISIT, "visit_total_searches"),
    _m("events", "Number of events", _EVENTS, VISIT, "visit_total_events"),
    _d("visitConverted", "Visit converted at least one goal", _GOALS, VISIT,
       "visit_goal_converted", accepted_values="0, 1"),
    _d("visitEcommerceStatus", "Visit ecommerce status", _ECOMMERCE, VISIT, "visit_goal_buyer",
       value=values.ecommerce_status,
       accepted_values="none, ordered, abandonedCart, orderedThenAbandonedCart"),
    _d("visitConvertedGoalId", "Visit converted a specific goal ID", _GOALS, CONVERSION,
       "idgoal", accepted_values="a goal id, e.g. 1"),
    # Time (stored in UTC)
    _d("visitServerHour", "Visit hour (UTC)", _VISIT, VISIT, "visit_last_action_time",
       transform=_hour, sql="HOUR(log_visit.visit_last_action_time)", accepted_values="0 - 23"),
    _d("visitStartServerHour", "Visit start hour (UTC)", _VISIT, VISIT,
       "visit_first_action_time", transform=_hour,
       sql="HOUR(log_visit.visit_first_action_time)", accepted_values="0 - 23"),
    _d("visitStartServerMinute", "Visit start minute (UTC)", _VISIT, VISIT,
       "visit_first_action_time", transform=_minute,
       sql="MINUTE(log_visit.visit_first_action_time)", accepted_values="0 - 59"),
    _d("visitLocalHour", "Visit hour (local time)", _VISIT, VISIT, "visitor_localtime",
       transform=_hour, sql="HOUR(log_visit.visitor_localtime)", accepted_values="0 - 23"),
    _d("visitLocalMinute", "Visit minute (local time)", _VISIT, VISIT, "visitor_localtime",
       transform=_minute, sql="MINUTE(log_visit.visitor_localtime)", accepted_values="0 - 59"),
    _d("actionServerHour", "Action hour (UTC)", _BEHAVIOUR, ACTION, "server_time",
       transform=_hour, sql="HOUR(log_link_visit_action.server_time)", accepted_values="0 - 23"),
    # Devices and software
    _d("deviceType", "Device type", _DEVICES, VISIT, "config_device_type",
       value=values.device_type,
       accepted_values="desktop, smartphone, tablet, feature phone, console, tv, car browser, "
                       "smart display, camera, portable media player, phablet, smart speaker, "
                       "wearable, peripheral"),
    _d("deviceBrand", "Device brand", _DEVICES, VISIT, "config_device_brand",
       value=values.brand_code, accepted_values="Apple, Samsung, Huawei, ..."),
    _d("deviceModel", "Device model", _DEVICES, VISIT, "config_device_model",
       accepted_values="iPad, Nexus 5, Galaxy S5, ..."),
    _d("resolution", "Resolution", _DEVICES, VISIT, "config_resolution",
       accepted_values="1280x1024, 800x600, ..."),
    _d("operatingSystemCode", "Operating system code", _SOFTWARE, VISIT, "config_os",
       accepted_values="WIN, LIN, MAC, AND, IOS, ..."),
    _d("operatingSystemName", "Operating system", _SOFTWARE, VISIT, "config_os",
       value=values.os_code, accepted_values="Windows, Linux, Mac, Android, iOS, ..."),
    _d("operatingSystemVersion", "Operating system version", _SOFTWARE, VISIT,
       "config_os_version", accepted_values="XP, 7, 2.3, 5.1, ..."),
    _d("browserCode", "Browser code", _SOFTWARE, VISIT, "config_browser_name",
       accepted_values="FF, CH, SF, IE, OP, ..."),
    _d("browserName", "Browser", _SOFTWARE, VISIT, "config_browser_name",
       value=values.browser_code, accepted_values="Firefox, Chrome, Safari, Opera, ..."),
    _d("browserVersion", "Browser version", _SOFTWARE, VISIT, "config_browser_version",
       accepted_values="1.0, 8.0, ..."),
    _d("browserEngine", "Browser engine", _SOFTWARE, VISIT, "config_browser_engine",
       accepted_values="Trident, WebKit, Presto, Gecko, Blink, ..."),
    _d("clientType", "Client type", _SOFTWARE, VISIT, "config_client_type",
       value=values.client_type, accepted_values="browser, library, feed reader, mobile app"),
    # Location and language
    _d("countryCode", "Country code", _LOCATION, VISIT, "location_country", value=values.lower,
       accepted_values="de, us, fr, in, es, ... (ISO 3166-1 alpha-2, lower case)"),
    _d("continentCode", "Continent", _LOCATION, VISIT, "location_country",
       value=values.continent_countries, accepted_values="eur, asi, amc, amn, ams, afr, ant, oce"),
    _d("regionCode", "Region", _LOCATION, VISIT, "location_region",
       accepted_values="01, 02, OR, P8, ..."),
    _d("city", "City", _LOCATION, VISIT, "location_city", accepted_values="Sydney, Rome, ..."),
    _m("latitude", "Latitude", _LOCATION, VISIT, "location_latitude",
       accepted_values="-33.578, 40.830, ..."),
    _m("longitude", "Longitude", _LOCATION, VISIT, "location_longitude",
       accepted_values="-70.664, 14.326, ..."),
    _d("languageCode", "Browser language", _LOCATION, VISIT, "location_browser_lang",
       value=values.lower, accepted_values="de, fr, en-gb, zh-cn, ..."),
    # Acquisition
    _d("referrerType", "Channel type", _ACQUISITION, VISIT, "referer_type",
       value=values.referrer_type, accepted_values="direct, search, website, campaign, social"),
    _d("referrerName", "Referrer name", _ACQUISITION, VISIT, "referer_name",
       accepted_values="twitter.com, www.facebook.com, Bing, Google, Yahoo, campaign name, ..."),
    _d("referrerKeyword", "Keyword", _ACQUISITION, VISIT, "referer_keyword",
       accepted_values="any keyword or campaign keyword"),
    _d("referrerUrl", "Referrer URL", _ACQUISITION, VISIT, "referer_url",
       accepted_values=_URL_ACCEPTED),
    # Actions
    _d("pageUrl", "Page URL", _BEHAVIOUR, ACTION, "idaction_url", action_types=_PAGE_TYPES,
       url_prefix=True, accepted_values=_URL_ACCEPTED),
    _d("pageTitle", "Page title", _BEHAVIOUR, ACTION, "idaction_name",
       action_types=(action_types.PAGE_TITLE,), accepted_values="any page title"),
    _d("entryPageUrl", "Entry page URL", _BEHAVIOUR, VISIT, "visit_entry_idaction_url",
       action_types=_PAGE_TYPES, url_prefix=True, accepted_values=_URL_ACCEPTED),
    _d("entryPageTitle", "Entry page title", _BEHAVIOUR, VISIT, "visit_entry_idaction_name",
       action_types=(action_types.PAGE_TITLE,), accepted_values="any page title"),
    _d("exitPageUrl", "Exit page URL", _BEHAVIOUR, VISIT, "visit_exit_idaction_url",
       action_types=_PAGE_TYPES, url_prefix=True, accepted_values=_URL_ACCEPTED),
    _d("exitPageTitle", "Exit page title", _BEHAVIOUR, VISIT, "visit_exit_idaction_name",
       action_types=(action_types.PAGE_TITLE,), accepted_values="any page title"),
    _d("downloadUrl", "Download URL", _BEHAVIOUR, ACTION, "idaction_url",
       action_types=(action_types.DOWNLOAD,), accepted_values=_URL_ACCEPTED),
    _d("outlinkUrl", "Outlink URL", _BEHAVIOUR, ACTION, "idaction_url",
       action_types=(action_types.OUTLINK,), accepted_values=_URL_ACCEPTED),
    _d("actionUrl", "Action URL", _BEHAVIOUR, ACTION, "idaction_url", action_types=_ANY_URL_TYPES,
       url_prefix=True, accepted_values=_URL_ACCEPTED),
    _d("siteSearchKeyword", "Site search keyword", _BEHAVIOUR, ACTION, "idaction_name",
       action_types=(action_types.SITE_SEARCH,), accepted_values="any search term"),
    _d("siteSearchCategory", "Site search category", _BEHAVIOUR, ACTION, "search_cat",
       accepted_values="any search category"),
    _m("siteSearchCount", "Site search results count", _BEHAVIOUR, ACTION, "search_count"),
    _d("eventCategory", "Event category", _EVENTS, ACTION, "idaction_event_category",
       action_types=(action_types.EVENT_CATEGORY,)),
    _d("eventAction", "Event action", _EVENTS, ACTION, "idaction_event_action",
       action_types=(action_types.EVENT_ACTION,)),
    _d("eventName", "Event name", _EVENTS, ACTION, "idaction_name",
       action_types=(action_types.EVENT_NAME,)),
    _m("eventValue", "Event value", _EVENTS, ACTION, "custom_float",
       accepted_values="any number, e.g. 1.5"),
    _d("contentName", "Content name", _CONTENTS, ACTION, "idaction_content_name",
       action_types=(action_types.CONTENT_NAME,)),
    _d("contentPiece", "Content piece", _CONTENTS, ACTION, "idaction_content_piece",
       action_types=(action_types.CONTENT_PIECE,)),
    _d("contentTarget", "Content target", _CONTENTS, ACTION, "idaction_content_target",
       action_types=(action_types.CONTENT_TARGET,)),
    _d("contentInteraction", "Content interaction", _CONTENTS, ACTION,
       "idaction_content_interaction", action_types=(action_types.CONTENT_INTERACTION,)),
    _d("productViewSku", "Product SKU (viewed)", _ECOMMERCE, ACTION, "idaction_product_sku",
       action_types=(action_types.ECOMMERCE_SKU,)),
    _d("productViewName", "Product name (viewed)", _ECOMMERCE, ACTION, "idaction_product_name",
       action_types=(action_types.ECOMMERCE_NAME,)),
    _m("productViewPrice", "Product price (viewed)", _ECOMMERCE, ACTION, "product_price"),
    _d("orderId", "Order ID", _ECOMMERCE, CONVERSION, "idorder", accepted_values="any order id"),
)

_BY_NAME = {definition.segment: definition for definition in SEGMENTS}


def find(name: str, dimensions: Mapping[int, tuple[str, int]] | None = None) -> SegmentDef | None:
    """The segment called `name`; `dimensionN` needs the site's custom dimensions."""
    found = _BY_NAME.get(name)
    if found is not None:
        return found
    match = CUSTOM_DIMENSION.fullmatch(name)
    if match is None or not dimensions:
        return None
    slot = dimensions.get(int(match.group(1)))
    return custom_dimension(int(match.group(1)), *slot) if slot else None


def custom_dimension(idcustomdimension: int, scope: str, index: int,
                     name: str = "") -> SegmentDef:
    """`dimensionN` reads the slot the dimension was given in its scope's table."""
    return SegmentDef(f"dimension{idcustomdimension}", name or f"Dimension {idcustomdimension}",
                      "Custom dimensions", VISIT if scope == "visit" else ACTION,
                      f"custom_dimension_{index}")


def segments_metadata(extra: Iterable[SegmentDef] = ()) -> list[dict[str, Any]]:
    """Every segment's API.getSegmentsMetadata entry."""
    return [definition.metadata() for definition in (*SEGMENTS, *extra)]
