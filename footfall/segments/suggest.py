"""API.getSuggestedValuesForSegment: what a segment's value box offers.

Like Matomo: a fixed list for segments with a fixed set of values (visitorType,
referrerType, deviceType...), otherwise the 30 most frequent values the site's
raw log holds over the last 60 days, written as the segment expects them
(browser names for `browserName`, full page URLs for `pageUrl`, hex visitor ids).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.db.schema import log_action, log_conversion, log_link_visit_action, log_visit
from footfall.segments import registry, values
from footfall.segments.parser import SegmentError
from footfall.segments.registry import ACTION, CONVERSION, SegmentDef
from footfall.segments.segment import site_dimensions
from footfall.tracker.enrich import device_names
from footfall.tracker.urls import with_prefix

LIMIT = 30
LOOK_BACK = timedelta(days=60)
FIXED: dict[str, list[str]] = {
    "visitorType": list(values.VISITOR_TYPES),
    "referrerType": list(values.REFERRER_TYPES),
    "visitEcommerceStatus": list(values.ECOMMERCE_STATUSES),
    "deviceType": list(device_names.DEVICE_TYPE_IDS),
    "clientType": list(device_names.CLIENT_TYPE_IDS),
    "visitConverted": ["0", "1"],
    "continentCode": ["eur", "asi", "amc", "amn", "ams", "afr", "ant", "oce"],
}
_SHOWN: dict[str, Callable[[Any], str]] = {
    "browserName": device_names.browser_name,
    "operatingSystemName": device_names.os_name,
    "deviceBrand": device_names.brand_name,
    "visitorId": lambda raw: bytes(raw).hex(),
    "fingerprint": lambda raw: bytes(raw).hex(),
    "visitIp": lambda raw: str(ipaddress.ip_address(bytes(raw))),
}
_TABLES = {ACTION: (log_link_visit_action, "server_time"),
           CONVERSION: (log_conversion, "server_time")}


def suggested_values(engine: Engine, idsite: int, name: str, *,
                     now: datetime | None = None) -> list[Any]:
    """The values to offer for segment `name` on site `idsite`."""
    definition = registry.find(name, site_dimensions(engine, [idsite]))
    if definition is None:
        raise SegmentError(f"Segment '{name}' is not a supported segment.")
    if name in FIXED:
        return list(FIXED[name])
    since = (now or datetime.now(UTC).replace(tzinfo=None)) - LOOK_BACK
    with engine.connect() as conn:
        rows = conn.execute(_query(definition, idsite, since)).all()
    show = _SHOWN.get(name, _plain)
    found: list[Any] = []
    for row in rows:
        if not definition.action_types:
            value = show(row[0])
        else:
            value = with_prefix(row[0], row[1]) if definition.url_prefix else row[0]
        if value not in ("", None) and value not in found:
            found.append(value)
    return found


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float)) else str(value)


def _query(definition: SegmentDef, idsite: int, since: datetime) -> sa.Select[Any]:
    table, time_column = _TABLES.get(definition.scope, (log_visit, "visit_last_action_time"))
    column: Any = table.c[definition.column]
    where = [table.c.idsite == idsite, table.c[time_column] >= since, column.is_not(None)]
    if definition.action_types:
        name, prefix = log_action.c.name, log_action.c.url_prefix
        return (sa.select(name, prefix, sa.func.count().label("hits"))
                .select_from(table.join(log_action, log_action.c.idaction == column))
                .where(*where, log_action.c.type.in_(definition.action_types))
                .group_by(name, prefix).order_by(sa.desc("hits"), name).limit(LIMIT))
    if definition.transform is not None:
        column = definition.transform(column)
    return (sa.select(column, sa.func.count().label("hits")).where(*where)
            .group_by(column).order_by(sa.desc("hits"), column).limit(LIMIT))
