"""The `actionDetails` of Live visits: action rows, goal conversions and e-commerce
conversions of a set of visits, read from the raw log (reference-reporting §7.3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.schema import (
    CUSTOM_VARIABLE_SLOTS,
    goal,
    log_action,
    log_conversion,
    log_conversion_item,
)
from footfall.db.schema import log_link_visit_action as lva
from footfall.tracker.actions import (
    CONTENT_NAME,
    DOWNLOAD,
    OUTLINK,
    PAGE_URL,
    SITE_SEARCH,
)
from footfall.tracker.urls import with_prefix

# log_link_visit_action columns that point at log_action, and the key each name is read into.
_ACTION_REFS = {
    "idaction_url": "url", "idaction_name": "name",
    "idaction_event_category": "event_category", "idaction_event_action": "event_action",
    "idaction_content_name": "content_name", "idaction_content_piece": "content_piece",
    "idaction_content_target": "content_target",
    "idaction_content_interaction": "content_interaction",
    "idaction_product_sku": "product_sku", "idaction_product_name": "product_name",
    "idaction_product_cat": "product_cat", "idaction_product_cat2": "product_cat2",
    "idaction_product_cat3": "product_cat3", "idaction_product_cat4": "product_cat4",
    "idaction_product_cat5": "product_cat5",
}
_TYPE_BY_URL_ACTION = {PAGE_URL: "action", OUTLINK: "outlink", DOWNLOAD: "download"}
ECOMMERCE_ORDER_GOAL, ABANDONED_CART_GOAL = 0, -1


def unix(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def pretty_duration(seconds: int) -> str:
    """'15 min 0s', '1 hours 2 min', '0s' as the Live API writes durations."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} hours {minutes} min"
    if minutes:
        return f"{minutes} min {secs}s"
    return f"{secs}s"


def _action_query(idvisits: list[int]) -> sa.Select[Any]:
    columns: list[Any] = [lva]
    joins: Any = lva
    for column, key in _ACTION_REFS.items():
        alias = log_action.alias(f"a_{key}")
        joins = joins.outerjoin(alias, alias.c.idaction == lva.c[column])
        columns += [alias.c.name.label(f"{key}_name"), alias.c.type.label(f"{key}_type")]
        if key == "url":
            columns.append(alias.c.url_prefix.label("url_prefix"))
    return (sa.select(*columns).select_from(joins).where(lva.c.idvisit.in_(idvisits))
            .order_by(lva.c.idvisit, lva.c.server_time, lva.c.idlink_va))


def action_kind(row: Mapping[str, Any]) -> str:
    """The Live `type` of an action row."""
    if row["event_category_name"] is not None:
        return "event"
    if row["content_name_name"] is not None:
        return str(row["url_type"] or CONTENT_NAME)  # Matomo keeps the numeric type here
    if row["name_type"] == SITE_SEARCH and row["idaction_url"] in (None, 0):
        return "search"
    return _TYPE_BY_URL_ACTION.get(row["url_type"], "action")


def _product_view(row: Mapping[str, Any]) -> dict[str, Any]:
    if row["product_sku_name"] is None and row["product_name_name"] is None:
        return {}
    categories = [row[f"product_cat{n}_name"] for n in ("", "2", "3", "4", "5")]
    return {"productViewName": row["product_name_name"] or "",
            "productViewSku": row["product_sku_name"] or "",
            "productViewPrice": row["product_price"],
            "productViewCategories": [c for c in categories if c]}


def _specific_fields(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "event":
        return {"eventCategory": row["event_category_name"], "eventAction": row["event_action_name"],
                "eventName": row["name_name"], "eventValue": row["custom_float"],
                "title": row["event_category_name"], "subtitle": row["event_action_name"]}
    if kind == "search":
        return {"siteSearchKeyword": row["name_name"], "siteSearchCategory": row["search_cat"],
                "siteSearchCount": row["search_count"], "title": row["name_name"]}
    if row["content_name_name"] is not None:
        return {"contentName": row["content_name_name"], "contentPiece": row["content_piece_name"],
                "contentTarget": row["content_target_name"],
                "contentInteraction": row["content_interaction_name"]}
    if kind == "action":
        spent = row["time_spent"] or 0
        fields = {"pageTitle": row["name_name"] or "", "title": row["name_name"] or "",
                  "timeSpent": spent, "timeSpentPretty": pretty_duration(spent)}
        return {**fields, **_product_view(row), **_performance(row)}
    return {"title": row["url_name"]}


def _performance(row: Mapping[str, Any]) -> dict[str, Any]:
    parts = [row[c] for c in ("time_network", "time_server", "time_transfer",
                              "time_dom_processing", "time_dom_completion", "time_on_load")]
    if all(p is None for p in parts):
        return {}
    total = sum(p or 0 for p in parts)
    return {"pageLoadTimeMilliseconds": total, "pageLoadTime": f"{total / 1000:.2f}s"}


def custom_variables(row: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The custom_var_k/v slots of a row, as the Live API shows them (slot -> name, value)."""
    found: dict[str, dict[str, Any]] = {}
    for slot in range(1, CUSTOM_VARIABLE_SLOTS + 1):
        name = row.get(f"custom_var_k{slot}")
        if name:
            found[str(slot)] = {f"customVariableName{slot}": name,
                                f"customVariableValue{slot}": row.get(f"custom_var_v{slot}") or ""}
    return found


def _action_entry(row: Mapping[str, Any], dimensions: Iterable[tuple[int, int]]) -> dict[str, Any]:
    kind = action_kind(row)
    entry: dict[str, Any] = {
        "type": kind,
        "url": with_prefix(row["url_name"], row["url_prefix"]) if row["url_name"] else None,
        "pageIdAction": row["idaction_url"],
        "pageId": row["idlink_va"],
        "idpageview": row["idpageview"],
        "serverTimePretty": row["server_time"].strftime("%b %d, %Y %H:%M:%S"),
        "pageviewPosition": row["pageview_position"],
        "timestamp": unix(row["server_time"]),
    }
    entry.update(_specific_fields(kind, row))
    variables = custom_variables(row)
    if variables:
        entry["customVariables"] = variables
    for idcustomdimension, index in dimensions:
        value = row[f"custom_dimension_{index}"]
        if value is not None:
            entry[f"dimension{idcustomdimension}"] = value
    return entry


def _item_details(conn: Connection, idvisits: list[int]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    sku, name, cat = (log_action.alias(n) for n in ("item_sku", "item_name", "item_cat"))
    query = (sa.select(log_conversion_item, sku.c.name.label("sku"), name.c.name.label("name"),
                       cat.c.name.label("category"))
             .select_from(log_conversion_item
                          .outerjoin(sku, sku.c.idaction == log_conversion_item.c.idaction_sku)
                          .outerjoin(name, name.c.idaction == log_conversion_item.c.idaction_name)
                          .outerjoin(cat, cat.c.idaction == log_conversion_item.c.idaction_category))
             .where(log_conversion_item.c.idvisit.in_(idvisits),
                    log_conversion_item.c.deleted == 0))
    items: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        items[(row["idvisit"], row["idorder"])].append({
            "itemSKU": row["sku"], "itemName": row["name"] or "", "itemCategory": row["category"] or "",
            "price": row["price"], "quantity": row["quantity"],
            "categories": [row["category"]] if row["category"] else [],
        })
    return items


def _conversion_entry(row: Mapping[str, Any], goal_names: Mapping[tuple[int, int], str],
                      items: Mapping[tuple[int, str], list[dict[str, Any]]]) -> dict[str, Any]:
    entry: dict[str, Any] = {"timestamp": unix(row["server_time"]), "revenue": row["revenue"],
                             "url": row["url"], "serverTimePretty":
                             row["server_time"].strftime("%b %d, %Y %H:%M:%S")}
    if row["idgoal"] > 0:
        name = goal_names.get((row["idsite"], row["idgoal"]), "")
        return {"type": "goal", "goalId": row["idgoal"], "goalName": name, "title": name,
                "goalPageId": row["idlink_va"], **entry}
    # An abandoned cart's items are stored under order id '0'.
    details = items.get((row["idvisit"], row["idorder"] or "0"), [])
    entry.update({"items": row["items"], "itemDetails": details})
    if row["idgoal"] == ABANDONED_CART_GOAL:
        return {"type": "ecommerceAbandonedCart", **entry}
    return {"type": "ecommerceOrder", "orderId": row["idorder"],
            "revenueSubTotal": row["revenue_subtotal"], "revenueTax": row["revenue_tax"],
            "revenueShipping": row["revenue_shipping"], "revenueDiscount": row["revenue_discount"],
            **entry}


def _goal_names(conn: Connection, idsites: set[int]) -> dict[tuple[int, int], str]:
    query = sa.select(goal.c.idsite, goal.c.idgoal, goal.c.name).where(goal.c.idsite.in_(idsites))
    return {(r.idsite, r.idgoal): r.name for r in conn.execute(query)}


def action_details(conn: Connection, visits: list[Mapping[str, Any]],
                   action_dimensions: Mapping[int, list[tuple[int, int]]]) -> dict[int, list[dict[str, Any]]]:
    """idvisit -> its actions and conversions in time order."""
    idvisits = [v["idvisit"] for v in visits]
    site_of = {v["idvisit"]: v["idsite"] for v in visits}
    details: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not idvisits:
        return details
    for row in conn.execute(_action_query(idvisits)).mappings():
        dims = action_dimensions.get(site_of[row["idvisit"]], [])
        details[row["idvisit"]].append(_action_entry(row, dims))
    goal_names = _goal_names(conn, set(site_of.values()))
    items = _item_details(conn, idvisits)
    conversions = sa.select(log_conversion).where(log_conversion.c.idvisit.in_(idvisits))
    for row in conn.execute(conversions).mappings():
        details[row["idvisit"]].append(_conversion_entry(row, goal_names, items))
    for entries in details.values():
        entries.sort(key=lambda entry: entry["timestamp"])  # stable: actions before their goal
    return details
