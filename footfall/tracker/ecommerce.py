"""Ecommerce orders and cart updates (reference §7): the log_conversion row (goal 0
for an order, -1 for a cart) and its log_conversion_item rows.

An order arriving while the visit has an open cart turns the cart row into the
order row, and the cart's items are synchronised with the order's (missing
SKUs marked deleted), as Matomo does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from footfall.db.schema import log_conversion, log_conversion_item
from footfall.tracker.actions import (
    ECOMMERCE_CATEGORY,
    ECOMMERCE_NAME,
    ECOMMERCE_SKU,
    ActionName,
    ActionStore,
)
from footfall.tracker.goals import conversion_row, round_money
from footfall.tracker.hit import Hit
from footfall.tracker.steps import StepContext
from footfall.tracker.writer import BatchWriter

ORDER_GOAL, CART_GOAL = 0, -1
CART_ORDER_ID = "0"
_BUYER_ORDERED, _BUYER_CART, _BUYER_ORDERED_THEN_CART = 1, 2, 3


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    categories: tuple[str, ...]
    price: float
    quantity: int


def order_buster(order_id: str) -> int:
    """First 8 hex digits of the MD5 of the order id, as an unsigned integer."""
    return int(hashlib.md5(order_id.encode("utf-8", "replace")).hexdigest()[:8], 16)


def parse_items(raw: str) -> list[Item] | None:
    """`ec_items`; [] for absent or invalid JSON, None for JSON that is not a list."""
    if not raw:
        return []
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    if not isinstance(data, list):
        return None
    items: dict[str, Item] = {}
    for entry in data:
        item = _item(entry)
        if item is not None:
            items[item.sku] = item
    return list(items.values())


def _item(entry: Any) -> Item | None:
    if not isinstance(entry, list) or not entry:
        return None
    fields = [*entry, None, None, None, None][:5]
    sku = _text(fields[0])
    if not sku:
        return None
    raw_categories = fields[2]
    if isinstance(raw_categories, list):
        categories = tuple(c for c in (_text(v) for v in raw_categories) if c)[:5]
    else:
        category = _text(raw_categories)
        categories = (category,) if category else ()
    price = _number(fields[3], 0.0)
    quantity = int(_number(fields[4], 1.0))
    return Item(sku=sku[:255], name=_text(fields[1])[:255], categories=categories,
                price=round_money(price) or 0.0, quantity=quantity)


def _text(value: Any) -> str:
    if value is None or isinstance(value, (list, dict)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any, default: float) -> float:
    try:
        return float(str(value).replace(",", ".")) if value not in (None, "") else default
    except ValueError:
        return default


def record_ecommerce(ctx: StepContext, hit: Hit, writer: BatchWriter,
                     actions: ActionStore) -> bool:
    """Write the hit's order or cart update; True when it wrote one."""
    request = hit.request
    if request.idgoal != 0 or hit.visit is None:
        return False
    items = parse_items(request.get("ec_items"))
    if items is None:
        return False  # valid JSON that is not a list: no conversion at all (Matomo)
    visit = hit.visit
    idvisit = writer.visit_id(visit)
    is_order = request.is_order
    order_id = request.ec_id if is_order else None
    row = conversion_row(hit, idgoal=ORDER_GOAL if is_order else CART_GOAL,
                         buster=order_buster(order_id) if order_id else 0, url="",
                         revenue=request.revenue or 0.0)
    row.update(idvisit=idvisit, idaction_url=None, idlink_va=None, idorder=order_id,
               items=sum(item.quantity for item in items))
    if is_order:
        for name, param in (("revenue_subtotal", "ec_st"), ("revenue_tax", "ec_tx"),
                            ("revenue_shipping", "ec_sh"), ("revenue_discount", "ec_dt")):
            row[name] = round_money(request.get_number(param))
    buyer = visit.row["visit_goal_buyer"] or 0
    open_cart = buyer in (_BUYER_CART, _BUYER_ORDERED_THEN_CART)
    if not (open_cart and _update_cart_row(ctx, idvisit, row)):
        ctx.conn.execute(log_conversion.insert(), row)
    _sync_items(ctx, hit, actions, items, order_id or CART_ORDER_ID)
    _update_visit(visit, is_order, buyer)
    writer.touch(visit)
    return True


def _update_cart_row(ctx: StepContext, idvisit: int, row: dict[str, Any]) -> bool:
    changes = {k: v for k, v in row.items() if k not in ("idvisit", "idsite")}
    columns = tuple(changes)
    statement = _CART_UPDATES.get(columns)
    if statement is None:
        statement = _CART_UPDATES[columns] = log_conversion.update().where(
            log_conversion.c.idvisit == sa.bindparam("b_idvisit"),
            log_conversion.c.idgoal == CART_GOAL, log_conversion.c.buster == 0,
        ).values({name: sa.bindparam(name) for name in columns})
    result = ctx.conn.execute(statement, {**changes, "b_idvisit": idvisit})
    return bool(result.rowcount)


_CART_UPDATES: dict[tuple[str, ...], Any] = {}  # by the columns an order or cart sets


def _update_visit(visit: Any, is_order: bool, buyer: int) -> None:
    if is_order:
        visit.row["visit_goal_buyer"] = _BUYER_ORDERED
        visit.row["visit_goal_converted"] = 1
        visit.row["visitor_seconds_since_order"] = 0
    else:
        ordered = buyer in (_BUYER_ORDERED, _BUYER_ORDERED_THEN_CART)
        visit.row["visit_goal_buyer"] = _BUYER_ORDERED_THEN_CART if ordered else _BUYER_CART


def _sync_items(ctx: StepContext, hit: Hit, actions: ActionStore, items: list[Item],
                order_id: str) -> None:
    """Insert new SKUs, update known ones, mark the visit's vanished ones deleted."""
    visit = hit.visit
    assert visit is not None
    table = log_conversion_item
    existing = {(row.idorder, row.idaction_sku) for row in ctx.conn.execute(
        sa.select(table.c.idorder, table.c.idaction_sku).where(
            table.c.idvisit == visit.idvisit, table.c.idorder.in_([order_id, CART_ORDER_ID])))}
    names = [ActionName(item.sku, ECOMMERCE_SKU) for item in items]
    names += [ActionName(item.name, ECOMMERCE_NAME) for item in items if item.name]
    names += [ActionName(c, ECOMMERCE_CATEGORY) for item in items for c in item.categories]
    ids = actions.resolve(ctx.conn, names)
    kept_skus: set[int] = set()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for item in items:
        sku_id = ids[(item.sku, ECOMMERCE_SKU)]
        kept_skus.add(sku_id)
        categories = [ids[(c, ECOMMERCE_CATEGORY)] for c in item.categories] + [0] * 5
        values = {
            "idsite": hit.idsite, "idvisitor": visit.row["idvisitor"],
            "server_time": hit.server_time, "idorder": order_id,
            "idaction_name": ids[(item.name, ECOMMERCE_NAME)] if item.name else 0,
            "idaction_category": categories[0], "idaction_category2": categories[1],
            "idaction_category3": categories[2], "idaction_category4": categories[3],
            "idaction_category5": categories[4], "price": item.price,
            "quantity": item.quantity, "deleted": 0,
        }
        previous = next((o for o in (order_id, CART_ORDER_ID) if (o, sku_id) in existing), None)
        if previous is None:
            inserts.append({**values, "idvisit": visit.idvisit, "idaction_sku": sku_id})
        else:
            updates.append({**values, "b_idvisit": visit.idvisit, "b_idorder": previous,
                            "b_sku": sku_id})
    vanished = [{"b_idvisit": visit.idvisit, "b_idorder": o, "b_sku": s}
                for o, s in existing if s not in kept_skus]
    for statement, rows in ((table.insert(), inserts), (_UPDATE_ITEM, updates),
                            (_DELETE_ITEM, vanished)):
        if rows:
            ctx.conn.execute(statement, rows)


_ITEM_KEY = (log_conversion_item.c.idvisit == sa.bindparam("b_idvisit"),
             log_conversion_item.c.idorder == sa.bindparam("b_idorder"),
             log_conversion_item.c.idaction_sku == sa.bindparam("b_sku"))
_ITEM_VALUES = ("idsite", "idvisitor", "server_time", "idorder", "idaction_name",
                "idaction_category", "idaction_category2", "idaction_category3",
                "idaction_category4", "idaction_category5", "price", "quantity", "deleted")
_UPDATE_ITEM = log_conversion_item.update().where(*_ITEM_KEY).values(
    {name: sa.bindparam(name) for name in _ITEM_VALUES})
_DELETE_ITEM = log_conversion_item.update().where(*_ITEM_KEY).values(deleted=1)
