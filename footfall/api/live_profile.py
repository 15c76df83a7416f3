"""Live.getVisitorProfile and Live.getMostRecentVisitorId: one visitor, summed up."""

from __future__ import annotations

from collections import Counter
from typing import Any

from footfall.api import params
from footfall.api.dispatch import ApiCall, api_method, requested_site_ids
from footfall.api.live import VisitQuery, _visitor_bytes, load_visits, segment_condition
from footfall.db.schema import log_visit

PROFILE_VISIT_LIMIT = 10
_COUNTED_TYPES = {"action": "totalPageViews", "outlink": "totalOutlinks",
                  "download": "totalDownloads", "search": "totalSearches", "event": "totalEvents"}


def _most_recent_visitor(call: ApiCall, idsite: int) -> str | None:
    visits = load_visits(call, VisitQuery(idsites=[idsite], limit=1), with_actions=False)
    return visits[0]["visitorId"] if visits else None


@api_method("Live.getMostRecentVisitorId", access="view")
def get_most_recent_visitor_id(call: ApiCall) -> str | bool:
    """The visitor id of the site's latest visit (false when there is none)."""
    return _most_recent_visitor(call, requested_site_ids(call)[0]) or False


def _visit_summary(visit: dict[str, Any]) -> dict[str, Any]:
    return {"date": visit["serverDate"], "prettyDate": visit["serverDate"],
            "referrerType": visit["referrerType"], "referrerName": visit["referrerName"],
            "referralSummary": visit["referrerName"] or visit["referrerTypeName"]}


def _totals(visits: list[dict[str, Any]]) -> dict[str, Any]:
    kinds: Counter[str] = Counter()
    goal_counts: Counter[str] = Counter()
    goal_revenue: Counter[str] = Counter()
    for visit in visits:
        for action in visit["actionDetails"]:
            kinds[action["type"]] += 1
            if action["type"] == "goal":
                key = f"idgoal={action['goalId']}"
                goal_counts[key] += 1
                goal_revenue[key] += action["revenue"] or 0
    totals: dict[str, Any] = {name: kinds[kind] for kind, name in _COUNTED_TYPES.items()}
    totals.update({
        "totalVisits": len(visits),
        "totalVisitDuration": sum(v["visitDuration"] or 0 for v in visits),
        "totalActions": sum(v["actions"] for v in visits),
        "totalGoalConversions": kinds["goal"],
        "totalConversionsByGoal": dict(goal_counts),
        "totalRevenueByGoal": dict(goal_revenue),
        "totalEcommerceRevenue": round(sum(v["totalEcommerceRevenue"] for v in visits), 2),
        "totalEcommerceConversions": sum(v["totalEcommerceConversions"] for v in visits),
        "totalAbandonedCarts": sum(v["totalAbandonedCarts"] for v in visits),
    })
    return totals


@api_method("Live.getVisitorProfile", access="view")
def get_visitor_profile(call: ApiCall) -> dict[str, Any] | list[Any]:
    """All visits of one visitor (default: the most recent one) summed up, newest first."""
    idsite = requested_site_ids(call)[0]
    visitor = params.text(call.params, "visitorId") or _most_recent_visitor(call, idsite)
    if not visitor:
        return []
    limit = params.integer(call.params, "limitVisits", PROFILE_VISIT_LIMIT)
    query = VisitQuery(idsites=[idsite], limit=None, visitor_id=_visitor_bytes(visitor),
                       segment=segment_condition(call, log_visit, [idsite]))
    visits = load_visits(call, query)
    if not visits:
        return []
    profile = _totals(visits)
    profile.update({
        "visitorId": visitor, "userId": next((v["userId"] for v in visits if v["userId"]), None),
        "firstVisit": _visit_summary(visits[-1]), "lastVisit": _visit_summary(visits[0]),
        "lastVisits": visits[:limit], "hasMoreVisits": len(visits) > limit,
    })
    return profile
