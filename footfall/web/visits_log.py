"""The Visits Log: the latest visits of the period, one card each, from Live.getLastVisitsDetails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from footfall.web.formatting import as_number, duration
from footfall.web.rendering import render
from footfall.web.security import viewer_required
from footfall.web.site_context import SiteUnavailable, page_context, unavailable_response

VISITS_PER_PAGE = 25
ACTIONS_SHOWN = 20
ACTION_KINDS = {"action": "Page", "outlink": "Outlink", "download": "Download", "search": "Search",
                "event": "Event", "goal": "Goal", "ecommerceOrder": "Order",
                "ecommerceAbandonedCart": "Cart", "13": "Content", "content": "Content"}


@dataclass(frozen=True)
class ActionView:
    kind: str
    css: str
    text: str
    detail: str


@dataclass(frozen=True)
class VisitView:
    when: str
    duration: str
    visitor_type: str
    location: str
    referrer: str
    device: str
    visitor_id: str
    actions: tuple[ActionView, ...]
    more_actions: int
    converted: bool


def _text(visit: dict[str, Any], *keys: str) -> str:
    return " ".join(str(visit[k]) for k in keys if visit.get(k) not in (None, "", "unknown")).strip()


def _referrer(visit: dict[str, Any]) -> str:
    kind = str(visit.get("referrerTypeName") or visit.get("referrerType") or "")
    name = _text(visit, "referrerName")
    keyword = _text(visit, "referrerKeyword")
    parts = [kind, name, f"“{keyword}”" if keyword else ""]
    return " · ".join(p for p in parts if p) or "Direct Entry"


def _action(detail: dict[str, Any]) -> ActionView:
    kind = str(detail.get("type", "action"))
    if kind == "event":
        text = " / ".join(str(detail[k]) for k in ("eventCategory", "eventAction", "eventName")
                          if detail.get(k))
        value = detail.get("eventValue")
        return ActionView("Event", "event", text, f"value {value}" if value not in (None, "") else "")
    if kind == "search":
        return ActionView("Search", "search", str(detail.get("siteSearchKeyword", "")), "")
    if kind == "goal":
        return ActionView("Goal", "goal", str(detail.get("goalName", "")),
                          f"revenue {detail['revenue']}" if detail.get("revenue") else "")
    title = str(detail.get("pageTitle") or detail.get("title") or "")
    url = str(detail.get("url") or "")
    spent = detail.get("timeSpent")
    detail_text = f"{duration(spent)} on page" if as_number(spent) else ""
    return ActionView(ACTION_KINDS.get(kind, kind.title()), kind, title or url,
                      url if title else detail_text)


def _when(visit: dict[str, Any]) -> str:
    """The visit's start in the site's time zone, e.g. 'Fri, Nov 27, 2026 02:55:57'."""
    day = _text(visit, "serverDatePrettyFirstAction") or _text(visit, "serverDatePretty")
    if not day and visit.get("serverDate"):
        try:
            parsed = date.fromisoformat(str(visit["serverDate"]))
            day = f"{parsed:%a, %b} {parsed.day}, {parsed.year}"
        except ValueError:
            day = str(visit["serverDate"])
    clock = _text(visit, "serverTimePrettyFirstAction") or _text(visit, "serverTimePretty")
    return f"{day} {clock}".strip()


def _device(visit: dict[str, Any]) -> str:
    version = ".".join(str(visit.get("browserVersion") or "").split(".")[:2])
    browser = _text(visit, "browser") or f"{_text(visit, 'browserName')} {version}".strip()
    system = _text(visit, "operatingSystem") or _text(visit, "operatingSystemName",
                                                      "operatingSystemVersion")
    parts = (_text(visit, "deviceType"), browser, system, _text(visit, "resolution"))
    return " · ".join(p for p in parts if p) or "Unknown device"


def _location(visit: dict[str, Any]) -> str:
    code = str(visit.get("countryCode") or "")
    fallback = code.upper() if code and code != "xx" else "Unknown location"
    return _text(visit, "location") or _text(visit, "country") or fallback


def visit_view(visit: dict[str, Any]) -> VisitView:
    details = [d for d in visit.get("actionDetails") or [] if isinstance(d, dict)]
    returning = str(visit.get("visitorType", "")).startswith("returning")
    return VisitView(
        when=_when(visit),
        duration=str(visit.get("visitDurationPretty") or duration(visit.get("visitDuration"))),
        visitor_type="Returning visitor" if returning else "New visitor",
        location=_location(visit), referrer=_referrer(visit), device=_device(visit),
        visitor_id=str(visit.get("visitorId", "")),
        actions=tuple(_action(d) for d in details[:ACTIONS_SHOWN]),
        more_actions=max(0, len(details) - ACTIONS_SHOWN),
        converted=bool(as_number(visit.get("visitConverted"))),
    )


@viewer_required
async def visits_log_page(request: Request) -> Response:
    try:
        context = await page_context(request)
    except SiteUnavailable as error:
        return await unavailable_response(request, error)
    try:
        offset = max(0, int(request.query_params.get("offset", "0")))
    except ValueError:
        offset = 0
    result = await context.client.call(
        "Live.getLastVisitsDetails", idSite=context.site.idsite, **context.selection.params(),
        filter_limit=VISITS_PER_PAGE + 1, filter_offset=offset)
    rows = [v for v in result.value if isinstance(v, dict)] if result.ok and isinstance(
        result.value, list) else []
    base = {"period": context.selection.api_period, "date": context.selection.api_date}
    return await render(request, "visits_log.html", {
        **context.template_values(), "page": "visits",
        "visits": [visit_view(v) for v in rows[:VISITS_PER_PAGE]],
        "error": None if result.ok else result.error, "unavailable": result.unavailable,
        "newer_query": urlencode({**base, "offset": max(0, offset - VISITS_PER_PAGE)}) if offset else None,
        "older_query": urlencode({**base, "offset": offset + VISITS_PER_PAGE})
        if len(rows) > VISITS_PER_PAGE else None,
    })
