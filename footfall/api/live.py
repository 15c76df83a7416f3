"""The Live API: individual visits straight from the raw log (reference-reporting §7).

`Live.getLastVisitsDetails` lists visits, most recent first, with their actions;
`Live.getVisitorProfile` sums up one visitor's visits. Paging happens in SQL, as
in Matomo, so a site with millions of visits answers as fast as a small one;
`segment=` is applied in the same query.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall import sites
from footfall.api import params
from footfall.api.dispatch import ApiCall, api_method, requested_site_ids
from footfall.api.live_actions import action_details, custom_variables, pretty_duration, unix
from footfall.archive.periods import local_now, make_period, select_periods, site_tzinfo
from footfall.db.dialects import one_snapshot
from footfall.db.schema import custom_dimensions, log_visit
from footfall.errors import BadRequest
from footfall.segments import segment_for_site
from footfall.tracker.enrich import device_names
from footfall.tracker.enrich.referrer import REFERRER_TYPE_NAMES

DEFAULT_LIMIT = 100
REFERRER_TYPE_LABELS = {"direct": "Direct Entry", "search": "Search Engines", "website": "Websites",
                        "campaign": "Campaigns", "social": "Social Networks"}
VISITOR_TYPES = {0: "new", 1: "returning", 2: "returningCustomer"}
ECOMMERCE_STATUS = {0: "none", 1: "ordered", 2: "abandonedCart", 3: "orderedThenAbandonedCart"}
PLUGIN_COLUMNS = {"config_cookie": "cookie", "config_flash": "flash", "config_java": "java",
                  "config_pdf": "pdf", "config_quicktime": "quicktime",
                  "config_realplayer": "realplayer", "config_silverlight": "silverlight",
                  "config_windowsmedia": "windowsmedia"}


@dataclass(frozen=True)
class VisitQuery:
    """Which visits a Live call asks for."""

    idsites: list[int]
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = DEFAULT_LIMIT
    offset: int = 0
    ascending: bool = False
    visitor_id: bytes | None = None
    segment: Any = None  # a condition on log_visit (segment_condition)


def _period_window(period: str, date_text: str, tz: str) -> tuple[datetime, datetime | None]:
    """[since, until) in UTC for `period` + `date`.

    As in Matomo, a window reaching today has no end, and a single period containing today
    starts at the beginning of the period containing yesterday (visits still going on).
    """
    selection = select_periods(period, date_text, tz=tz)
    first, last = selection.periods[0], selection.periods[-1]
    since, until = first.utc_bounds(tz)[0], last.utc_bounds(tz)[1]
    today = local_now(tz).date()
    if not last.contains(today):
        return since, until
    if not selection.multiple and first.kind != "range":
        since = make_period(first.kind, today - timedelta(days=1)).utc_bounds(tz)[0]
    return since, None


def _time_window(call: ApiCall, idsite: int) -> tuple[datetime | None, datetime | None]:
    period, date_text = params.text(call.params, "period"), params.text(call.params, "date")
    since: datetime | None = None
    until: datetime | None = None
    if period and date_text:
        tz = sites.get_site(call.services.db.reader, idsite).timezone
        since, until = _period_window(period, date_text, tz)
    minimum = params.integer(call.params, "minTimestamp", 0)
    if minimum > 0:
        from_minimum = datetime.fromtimestamp(minimum, UTC).replace(tzinfo=None)
        since = max(since, from_minimum) if since else from_minimum
    return since, until


def segment_condition(call: ApiCall, table: sa.Table, idsites: list[int]) -> Any:
    """The request's `segment` as a condition on `table` (log_visit or log_link_visit_action),
    or None. Each site reads its own custom dimensions, so `dimensionN` is resolved per site."""
    definition = params.text(call.params, "segment")
    if not definition.strip():
        return None
    engine = call.services.db.reader
    groups = [(idsites, segment_for_site(definition, engine, idsites[0]))]
    if "dimension" in definition:
        groups = [([i], segment_for_site(definition, engine, i)) for i in idsites]
    build = "visit_condition" if table is log_visit else "action_condition"
    if len(groups) == 1:
        return getattr(groups[0][1], build)(table)
    return sa.or_(*(sa.and_(table.c.idsite.in_(ids), getattr(segment, build)(table))
                    for ids, segment in groups))


def parse_visit_query(call: ApiCall) -> VisitQuery:
    idsites = requested_site_ids(call)
    since, until = _time_window(call, idsites[0])
    limit: int | None = params.integer(call.params, "filter_limit", DEFAULT_LIMIT)
    offset = max(0, params.integer(call.params, "filter_offset", 0))
    count = params.integer(call.params, "countVisitorsToFetch", 0)
    if count > 0:
        limit, offset = count, 0
    if limit is not None and limit < 0:
        limit = None
    order = params.text(call.params, "filter_sort_order", "desc").lower()
    # The API's post-processing applies filter_offset/filter_limit to every list result, so
    # SQL fetches the first offset + limit visits and leaves the slicing to it.
    return VisitQuery(idsites=idsites, since=since, until=until,
                      limit=None if limit is None else limit + offset, ascending=order == "asc",
                      segment=segment_condition(call, log_visit, idsites))


def fetch_visits(conn: Connection, query: VisitQuery) -> list[Mapping[str, Any]]:
    select = sa.select(log_visit).where(log_visit.c.idsite.in_(query.idsites))
    if query.since is not None:
        select = select.where(log_visit.c.visit_last_action_time >= query.since)
    if query.until is not None:
        select = select.where(log_visit.c.visit_last_action_time < query.until)
    if query.visitor_id is not None:
        select = select.where(log_visit.c.idvisitor == query.visitor_id)
    if query.segment is not None:
        select = select.where(query.segment)
    columns = (log_visit.c.visit_last_action_time, log_visit.c.idvisit)
    select = select.order_by(*(c.asc() if query.ascending else c.desc() for c in columns))
    if query.limit is not None:
        select = select.limit(query.limit)
    if query.offset:
        select = select.offset(query.offset)
    return list(conn.execute(select).mappings())


def dimensions_by_scope(conn: Connection, idsites: list[int]) -> dict[str, dict[int, list[tuple[int, int]]]]:
    """scope -> idsite -> [(idcustomdimension, index)] of the active custom dimensions."""
    table = custom_dimensions
    query = sa.select(table.c.idsite, table.c.idcustomdimension, table.c.index, table.c.scope).where(
        table.c.idsite.in_(idsites), table.c.active == 1)
    found: dict[str, dict[int, list[tuple[int, int]]]] = {"visit": {}, "action": {}}
    for row in conn.execute(query):
        found.setdefault(row.scope, {}).setdefault(row.idsite, []).append(
            (row.idcustomdimension, row.index))
    return found


def _ip_text(raw: bytes | None) -> str:
    if not raw:
        return ""
    try:
        address = ipaddress.ip_address(bytes(raw))
    except ValueError:
        return ""
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def _referrer_fields(visit: Mapping[str, Any]) -> dict[str, Any]:
    kind = REFERRER_TYPE_NAMES.get(visit["referer_type"] or 1, "direct")
    return {"referrerType": kind, "referrerTypeName": REFERRER_TYPE_LABELS[kind],
            "referrerName": visit["referer_name"] or "", "referrerKeyword": visit["referer_keyword"] or "",
            "referrerUrl": visit["referer_url"] or ""}


def _device_fields(visit: Mapping[str, Any]) -> dict[str, Any]:
    browser, os_code = visit["config_browser_name"], visit["config_os"]
    plugins = [name for column, name in PLUGIN_COLUMNS.items() if visit[column]]
    return {
        "languageCode": visit["location_browser_lang"] or "",
        "deviceType": device_names.device_type_name(visit["config_device_type"]),
        "deviceBrand": device_names.brand_name(visit["config_device_brand"]),
        "deviceModel": visit["config_device_model"] or "",
        "operatingSystemCode": os_code or "", "operatingSystemName": device_names.os_name(os_code),
        "operatingSystemVersion": visit["config_os_version"] or "",
        "browserCode": browser or "", "browserName": device_names.browser_name(browser),
        "browserVersion": visit["config_browser_version"] or "",
        "browserFamily": visit["config_browser_engine"] or "",
        "resolution": visit["config_resolution"] or "", "plugins": ", ".join(plugins),
        "countryCode": (visit["location_country"] or "xx").lower(),
        "region": visit["location_region"] or "", "city": visit["location_city"] or "",
    }


def _times(visit: Mapping[str, Any], tz: str) -> dict[str, Any]:
    first, last = visit["visit_first_action_time"], visit["visit_last_action_time"]
    local_last = local_now(site_tzinfo(tz), last)
    local_time = visit["visitor_localtime"]
    return {
        "serverDate": local_last.date().isoformat(), "visitServerHour": str(local_last.hour),
        "lastActionTimestamp": unix(last), "lastActionDateTime": last.strftime("%Y-%m-%d %H:%M:%S"),
        "serverTimestamp": unix(last), "firstActionTimestamp": unix(first),
        "serverTimePretty": local_last.strftime("%H:%M:%S"),
        "visitLocalTime": local_time.strftime("%H:%M:%S") if local_time else "",
        "visitLocalHour": str(local_time.hour) if local_time else "",
        "visitDuration": visit["visit_total_time"], "visitDurationPretty":
        pretty_duration(visit["visit_total_time"]),
    }


def format_visit(visit: Mapping[str, Any], site: sites.Site, actions: list[dict[str, Any]],
                 visit_dimensions: list[tuple[int, int]]) -> dict[str, Any]:
    goal_conversions = sum(1 for a in actions if a["type"] == "goal")
    formatted: dict[str, Any] = {
        "idSite": visit["idsite"], "idVisit": visit["idvisit"], "visitIp": _ip_text(visit["location_ip"]),
        "visitorId": bytes(visit["idvisitor"]).hex(), "fingerprint": bytes(visit["config_id"]).hex(),
        "siteName": site.name, "siteCurrency": site.currency, "userId": visit["user_id"],
        "actionDetails": actions, "actions": visit["visit_total_actions"] or 0,
        "interactions": visit["visit_total_interactions"] or 0,
        "searches": visit["visit_total_searches"] or 0, "events": visit["visit_total_events"] or 0,
        "goalConversions": goal_conversions,
        "visitorType": VISITOR_TYPES.get(visit["visitor_returning"] or 0, "new"),
        "visitConverted": 1 if visit["visit_goal_converted"] else 0,
        "visitCount": visit["visitor_count_visits"],
        "visitEcommerceStatus": ECOMMERCE_STATUS.get(visit["visit_goal_buyer"] or 0, "none"),
        "secondsSinceFirstVisit": visit["visitor_seconds_since_first"] or 0,
        "daysSinceFirstVisit": (visit["visitor_seconds_since_first"] or 0) // 86400,
        "secondsSinceLastVisit": visit["visitor_seconds_since_last"] or 0,
        "daysSinceLastVisit": (visit["visitor_seconds_since_last"] or 0) // 86400,
        **_times(visit, site.timezone), **_referrer_fields(visit), **_device_fields(visit),
    }
    formatted.update(_ecommerce_totals(actions))
    variables = custom_variables(visit)
    if variables:
        formatted["customVariables"] = variables
    for idcustomdimension, index in visit_dimensions:
        formatted[f"dimension{idcustomdimension}"] = visit[f"custom_dimension_{index}"]
    return formatted


def _ecommerce_totals(actions: list[dict[str, Any]]) -> dict[str, Any]:
    orders = [a for a in actions if a["type"] == "ecommerceOrder"]
    carts = [a for a in actions if a["type"] == "ecommerceAbandonedCart"]
    return {"totalEcommerceRevenue": round(sum(a["revenue"] or 0 for a in orders), 2),
            "totalEcommerceConversions": len(orders),
            "totalEcommerceItems": sum(a["items"] or 0 for a in orders),
            "totalAbandonedCartsRevenue": round(sum(a["revenue"] or 0 for a in carts), 2),
            "totalAbandonedCarts": len(carts),
            "totalAbandonedCartsItems": sum(a["items"] or 0 for a in carts)}


def load_visits(call: ApiCall, query: VisitQuery, *, with_actions: bool = True) -> list[dict[str, Any]]:
    """The visits `query` selects, formatted for the Live API."""
    engine = call.services.db.reader
    with engine.connect() as conn:
        conn = one_snapshot(conn)  # a hit committed between the reads would split a visit
        visits = fetch_visits(conn, query)
        dims = dimensions_by_scope(conn, query.idsites)
        details = action_details(conn, visits, dims["action"]) if with_actions else {}
    known = {idsite: sites.get_site(engine, idsite) for idsite in {v["idsite"] for v in visits}}
    return [format_visit(v, known[v["idsite"]], details.get(v["idvisit"], []),
                         dims["visit"].get(v["idsite"], [])) for v in visits]


# flat=1: keys added per action (N is the action's 1-based position), by action type.
_FLAT_KEYS = {
    "action": (("pageUrl", "url"), ("pageTitle", "pageTitle")),
    "outlink": (("outlinkUrl", "url"),), "download": (("downloadUrl", "url"),),
    "search": (("siteSearchKeyword", "siteSearchKeyword"),),
    "event": (("eventUrl", "url"), ("eventCategory", "eventCategory"),
              ("eventAction", "eventAction"), ("eventName", "eventName"),
              ("eventValue", "eventValue")),
    "goal": (("visitConvertedGoalId", "goalId"),),
}


def flatten_visit(visit: dict[str, Any]) -> dict[str, Any]:
    """Add Matomo's flat=1 keys (pageUrl__1, eventCategory__2, entryPageUrl...) to a visit."""
    flat = dict(visit)
    for position, action in enumerate(visit["actionDetails"], start=1):
        for key, source in _FLAT_KEYS.get(action["type"], ()):
            flat[f"{key}__{position}"] = action.get(source)
    pages = [a for a in visit["actionDetails"] if a["type"] == "action"]
    if pages:
        flat.update({"entryPageUrl": pages[0]["url"], "entryPageTitle": pages[0]["pageTitle"],
                     "exitPageUrl": pages[-1]["url"], "exitPageTitle": pages[-1]["pageTitle"]})
    return flat


@api_method("Live.getLastVisitsDetails", access="view")
def get_last_visits_details(call: ApiCall) -> list[dict[str, Any]]:
    """The most recent visits of the sites, with their actions."""
    query = parse_visit_query(call)
    visits = load_visits(call, query,
                         with_actions=not params.flag(call.params, "doNotFetchActions", False))
    return [flatten_visit(v) for v in visits] if params.flag(call.params, "flat") else visits


def _visitor_bytes(text: str) -> bytes:
    if len(text) != 16:
        raise BadRequest(f"The visitor id must be 16 hexadecimal characters, not '{text}'.")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise BadRequest(f"The visitor id must be 16 hexadecimal characters, not '{text}'.") from None


# Registers the other Live methods with this module.
from footfall.api import live_counters, live_profile  # noqa: E402,F401
