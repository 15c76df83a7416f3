"""Live.getCounters, Live.getMostRecentVisitsDateTime and Live.getFirstVisitForVisitorId:
small answers about recent activity, straight from the raw log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from footfall.api import params
from footfall.api.dispatch import ApiCall, api_method, requested_site_ids
from footfall.api.live import VisitQuery, _visitor_bytes, load_visits, segment_condition
from footfall.db.schema import log_conversion, log_link_visit_action, log_visit
from footfall.errors import BadRequest

MAX_LAST_MINUTES = 2880


def _counts(call: ApiCall, idsites: list[int], since: datetime) -> dict[str, Any]:
    visits_in_window = sa.and_(log_visit.c.idsite.in_(idsites),
                               log_visit.c.visit_last_action_time >= since,
                               *_segmented(call, log_visit, idsites))
    with call.services.db.reader.connect() as conn:
        visits, visitors = conn.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(log_visit.c.idvisitor)))
            .where(visits_in_window)).one()
        if not visits:
            return {"visits": 0, "actions": 0, "visitors": 0, "visitsConverted": 0}
        actions = conn.execute(sa.select(sa.func.count()).where(
            log_link_visit_action.c.idsite.in_(idsites),
            log_link_visit_action.c.server_time >= since,
            *_segmented(call, log_link_visit_action, idsites))).scalar_one()
        converted = conn.execute(sa.select(sa.func.count()).where(
            log_conversion.c.idsite.in_(idsites), log_conversion.c.server_time >= since,
            *_converted_in_segment(call, idsites))).scalar_one()
    # Matomo hands these over as the database returns them: numeric strings.
    return {"visits": str(visits), "actions": str(actions), "visitors": str(visitors),
            "visitsConverted": str(converted)}


def _segmented(call: ApiCall, table: sa.Table, idsites: list[int]) -> list[Any]:
    condition = segment_condition(call, table, idsites)
    return [] if condition is None else [condition]


def _converted_in_segment(call: ApiCall, idsites: list[int]) -> list[Any]:
    """Conversions of the visits in the segment."""
    condition = segment_condition(call, log_visit, idsites)
    if condition is None:
        return []
    return [log_conversion.c.idvisit.in_(sa.select(log_visit.c.idvisit).where(
        log_visit.c.idsite.in_(idsites), condition))]


@api_method("Live.getCounters", access="view")
def get_counters(call: ApiCall) -> list[dict[str, Any]]:
    """Visits, actions, visitors and conversions of the last `lastMinutes` minutes."""
    minutes = params.integer(call.params, "lastMinutes")
    if not 1 <= minutes <= MAX_LAST_MINUTES:
        raise BadRequest(f"lastMinutes only accepts values between 1 and {MAX_LAST_MINUTES}")
    since = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=minutes)
    return [_counts(call, requested_site_ids(call), since)]


@api_method("Live.getMostRecentVisitsDateTime", access="view")
def get_most_recent_visits_date_time(call: ApiCall) -> str:
    """The time (UTC) of the latest action of the site's visits, or '' without visits."""
    idsite = requested_site_ids(call)[0]
    with call.services.db.reader.connect() as conn:
        latest = conn.execute(sa.select(sa.func.max(log_visit.c.visit_last_action_time))
                              .where(log_visit.c.idsite == idsite)).scalar_one()
    return latest.strftime("%Y-%m-%d %H:%M:%S") if latest else ""


@api_method("Live.getFirstVisitForVisitorId", access="view")
def get_first_visit_for_visitor_id(call: ApiCall) -> list[dict[str, Any]]:
    """The visitor's first visit, without its actions."""
    idsite = requested_site_ids(call)[0]
    visitor = _visitor_bytes(params.text(call.params, "visitorId"))
    query = VisitQuery(idsites=[idsite], limit=1, ascending=True, visitor_id=visitor)
    return load_visits(call, query, with_actions=False)
