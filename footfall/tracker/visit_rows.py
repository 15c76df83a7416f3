"""The columns a hit writes: a new log_visit row (reference §3.5), the changes to a
continuing visit (§3.6) and the log_link_visit_action row (§4.5, §4.6)."""

from __future__ import annotations

import os
from typing import Any

from footfall.tracker.actions import EVENT, PAGEVIEW, SEARCH, Action
from footfall.tracker.enrich.referrer import ReferrerInfo
from footfall.tracker.hit import Hit
from footfall.tracker.visits import Visit, VisitRules


def new_visit_row(hit: Hit, previous: Visit | None, rules: VisitRules,
                  referrer: ReferrerInfo) -> dict[str, Any]:
    """The log_visit row a hit starts (before its action is counted)."""
    when = hit.server_time
    row: dict[str, Any] = {
        "idsite": hit.idsite,
        "idvisitor": _new_visitor_id(hit, previous, rules),
        "config_id": hit.config_id,
        "location_ip": hit.location_ip,
        "profilable": 1 if hit.visitor_id is not None else 0,
        "user_id": hit.uid,
        "visit_first_action_time": when,
        "visit_last_action_time": when,
        "visit_total_time": rules.one_page_time,
        "visit_total_actions": 0,
        "visit_total_interactions": 0,
        "visit_total_searches": 0,
        "visit_total_events": 0,
        "visit_entry_idaction_url": None,
        "visit_entry_idaction_name": 0,
        "visit_exit_idaction_url": 0,
        "visit_exit_idaction_name": 0,
        "visit_goal_converted": 0,
        "visit_goal_buyer": 0,
        "last_idlink_va": None,
        **_returning_columns(hit, previous),
        **referrer.columns(),
        **referrer.campaign_columns(),
        **hit.visit_columns,
        **hit.visit_dimensions,
    }
    return row


def _new_visitor_id(hit: Hit, previous: Visit | None, rules: VisitRules) -> bytes:
    if hit.uid is not None and rules.uid_overwrites_visitor and hit.visitor_id is not None:
        return hit.visitor_id
    if previous is not None:
        return bytes(previous.row["idvisitor"])
    return hit.visitor_id if hit.visitor_id is not None else os.urandom(8)


def _returning_columns(hit: Hit, previous: Visit | None) -> dict[str, Any]:
    is_order = hit.request.is_order
    if previous is None:
        return {"visitor_returning": 2 if is_order else 0, "visitor_count_visits": 1,
                "visitor_seconds_since_last": 0, "visitor_seconds_since_first": 0,
                "visitor_seconds_since_order": 0 if is_order else None}
    row = previous.row
    since_previous_first = int(hit.time - previous.first_ts)
    ordered_before = row["visitor_seconds_since_order"] is not None or (
        row["visit_goal_buyer"] in (1, 3))
    since_order = None
    if is_order:
        since_order = 0
    elif ordered_before:
        since_order = (row["visitor_seconds_since_order"] or 0) + since_previous_first
    return {
        "visitor_returning": 2 if (ordered_before or is_order) else 1,
        "visitor_count_visits": (row["visitor_count_visits"] or 0) + 1,
        "visitor_seconds_since_last": since_previous_first if since_previous_first >= 0 else None,
        "visitor_seconds_since_first": (row["visitor_seconds_since_first"] or 0)
        + max(since_previous_first, 0),
        "visitor_seconds_since_order": since_order,
    }


def count_action(row: dict[str, Any], action: Action, ids: dict[str, int | None],
                 *, first: bool) -> None:
    """Totals, entry and exit of a visit after one action (§3.5, §3.6)."""
    if action.counts_as_action:
        row["visit_total_actions"] = (row["visit_total_actions"] or 0) + 1
    if action.is_interaction:
        row["visit_total_interactions"] = (row["visit_total_interactions"] or 0) + 1
    if action.kind == SEARCH:
        row["visit_total_searches"] = (row["visit_total_searches"] or 0) + 1
    if action.kind == EVENT:
        row["visit_total_events"] = (row["visit_total_events"] or 0) + 1
    if action.kind == PAGEVIEW:
        exit_url, exit_name = ids["idaction_url"], ids["idaction_name"]
    elif action.kind == SEARCH:
        exit_url, exit_name = (0 if first else None), ids["idaction_name"]
    else:
        return
    row["visit_exit_idaction_url"] = exit_url
    row["visit_exit_idaction_name"] = exit_name
    if first:
        row["visit_entry_idaction_url"] = exit_url
        row["visit_entry_idaction_name"] = exit_name


def continue_visit(visit: Visit, hit: Hit, referrer: ReferrerInfo | None) -> None:
    """Changes a hit makes to the visit it continues, whatever its action (§3.6)."""
    row = visit.row
    when = hit.server_time
    if not hit.request.ping and when > row["visit_last_action_time"]:
        visit.moved_to(when)
    total = 1 + int(hit.time - visit.first_ts)
    row["visit_total_time"] = max(row["visit_total_time"] or 0, total)
    if hit.visitor_id is not None:
        row["idvisitor"] = hit.visitor_id
        row["profilable"] = 1
    if hit.uid is not None:
        row["user_id"] = hit.uid
    if referrer is not None and row["referer_type"] == 1 and not referrer.is_direct:
        row.update(referrer.columns())
        row.update(referrer.campaign_columns())
    if row.get("config_resolution") in (None, "", "unknown"):
        resolution = hit.visit_columns.get("config_resolution")
        if resolution and resolution != "unknown":
            row["config_resolution"] = resolution
    if hit.request.privileged:
        for column, value in hit.visit_columns.items():
            if column in _OVERRIDES:
                row[column] = value
    row.update(hit.visit_dimensions)


_OVERRIDES = frozenset({"location_country", "location_region", "location_city",
                        "location_latitude", "location_longitude"})


def action_row(hit: Hit, visit: Visit, action: Action, ids: dict[str, int | None],
               *, previous_last: float | None, previous_exit: tuple[Any, Any],
               visit_length: int) -> dict[str, Any]:
    """The log_link_visit_action row of a hit (§4.5), before the visit counts it."""
    row = visit.row
    spent = 0 if previous_last is None else int(min(max(hit.time - previous_last, 0), visit_length))
    interactions = row["visit_total_interactions"] or 0
    if action.is_interaction:
        position: int | None = interactions + 1
    else:
        position = interactions or None
    values: dict[str, Any] = {
        "idsite": hit.idsite, "idvisitor": row["idvisitor"], "idvisit": visit.idvisit,
        "server_time": hit.server_time,
        "idaction_url_ref": previous_exit[0] or 0, "idaction_name_ref": previous_exit[1] or 0,
        "time_spent_ref_action": spent, "pageview_position": position,
        "idpageview": hit.request.get("pv_id")[:6],
        **ids, **action.values, **hit.action_dimensions,
    }
    return values
