"""Goal conversions (reference §6): goals matched by a hit's action, and manual
conversions (`idgoal=N`), written to log_conversion with copies of visit data."""

from __future__ import annotations

import random
import re
from typing import Any
from urllib.parse import unquote

from footfall.tracker.actions import DOWNLOAD_KIND, EVENT, OUTLINK_KIND, PAGEVIEW, ActionStore
from footfall.tracker.hit import Hit
from footfall.tracker.site_config import Goal
from footfall.tracker.steps import StepContext
from footfall.tracker.urls import normalize_url, unescape
from footfall.tracker.writer import BatchWriter

# Visit columns copied into every conversion row (reference §6.3).
COPIED_VISIT_COLUMNS = (
    "visitor_returning", "visitor_count_visits", "visitor_seconds_since_first",
    "visitor_seconds_since_order", "referer_keyword", "referer_name", "referer_type",
    "config_browser_name", "config_client_type", "config_device_brand", "config_device_model",
    "config_device_type", "location_city", "location_country", "location_latitude",
    "location_longitude", "location_region",
    *(f"custom_dimension_{i}" for i in range(1, 6)),
)
_RANDOM = random.SystemRandom()  # not the global generator other code may be seeding
_ATTRIBUTE_KIND = {"url": PAGEVIEW, "title": PAGEVIEW, "file": DOWNLOAD_KIND,
                   "external_website": OUTLINK_KIND}


def may_convert(ctx: StepContext, hit: Hit) -> bool:
    """Whether the hit's action matches a goal (its action row id is then needed)."""
    hit.matched_goals = matching_goals(ctx, hit)
    return bool(hit.matched_goals)


def matching_goals(ctx: StepContext, hit: Hit) -> list[Goal]:
    if hit.action is None or hit.request.idgoal >= 0 or not ctx.config.goals:
        return []
    return [goal for goal in ctx.config.goals.values() if _matches(goal, hit)]


def _matches(goal: Goal, hit: Hit) -> bool:
    action = hit.action
    assert action is not None
    attribute = goal.match_attribute
    if attribute == "visit_duration":
        if hit.visit is None or hit.is_new_visit:
            return False
        try:
            minutes = float(goal.pattern)
        except ValueError:
            return False
        return (hit.time - hit.visit.first_ts) / 60 > minutes
    if attribute.startswith("event_"):
        if action.kind != EVENT:
            return False
        subject = hit.request.get({"event_category": "e_c", "event_action": "e_a",
                                   "event_name": "e_n"}.get(attribute, ""))
    elif _ATTRIBUTE_KIND.get(attribute) == action.kind:
        subject = hit.request.action_name if attribute == "title" else action.page_url
    else:
        return False
    return pattern_matches(goal, subject)


def pattern_matches(goal: Goal, subject: str) -> bool:
    """contains / exact / regex, case-insensitive unless the goal says otherwise;
    retried with the URL-decoded pattern, as Matomo does."""
    subject = unescape(subject)
    pattern = unescape(goal.pattern)
    if _match_once(goal, pattern, subject):
        return True
    decoded = unquote(pattern)
    return decoded != pattern and _match_once(goal, decoded, subject)


def _match_once(goal: Goal, pattern: str, subject: str) -> bool:
    if not pattern:
        return False
    kind = goal.pattern_type
    if kind == "regex":
        flags = 0 if goal.case_sensitive else re.IGNORECASE
        try:
            return re.search(pattern, subject, flags) is not None
        except re.error:
            return False
    if not goal.case_sensitive:
        pattern, subject = pattern.lower(), subject.lower()
    if kind == "exact":
        return pattern == subject
    return pattern in subject


def record_goals(ctx: StepContext, hit: Hit, writer: BatchWriter, actions: ActionStore) -> bool:
    """Insert the hit's goal conversions (manual, or matched by its action); True when
    the hit converts a goal (even one a visit may convert only once)."""
    request = hit.request
    if request.idgoal > 0:
        goal = ctx.config.goals.get(request.idgoal)
        if goal is None:
            return False
        url = normalize_url(request.url, ctx.config.url_filter) if request.url else ""
        _convert(ctx, hit, writer, goal, url=url, idaction_url=None)
        return True
    matched = hit.matched_goals if hit.matched_goals is not None else matching_goals(ctx, hit)
    for goal in matched:
        action_row = hit.action_row or {}
        url = normalize_url(hit.action.page_url, ctx.config.url_filter) if hit.action else ""
        _convert(ctx, hit, writer, goal, url=url, idaction_url=action_row.get("idaction_url"))
    return bool(matched)


def _convert(ctx: StepContext, hit: Hit, writer: BatchWriter, goal: Goal, *, url: str,
             idaction_url: int | None) -> None:
    visit = hit.visit
    assert visit is not None
    revenue = hit.request.revenue
    if goal.event_value_as_revenue and hit.request.get_number("e_v") is not None:
        revenue = hit.request.get_number("e_v")
    if revenue is None:
        revenue = goal.revenue
    row = conversion_row(hit, idgoal=goal.idgoal, buster=_buster(goal, hit.time), url=url,
                         revenue=revenue)
    row.update(idaction_url=idaction_url, idlink_va=None)
    writer.add_conversion(row, visit, hit.pending_action if idaction_url is not None else None)
    visit.row["visit_goal_converted"] = 1
    writer.touch(visit)


def conversion_row(hit: Hit, *, idgoal: int, buster: int, url: str,
                   revenue: float | None) -> dict[str, Any]:
    """A log_conversion row with the visit's data copied in."""
    visit = hit.visit
    assert visit is not None
    row = visit.row
    values: dict[str, Any] = {
        "idvisit": visit.idvisit, "idsite": hit.idsite, "idvisitor": row["idvisitor"],
        "server_time": hit.server_time, "idgoal": idgoal, "buster": buster, "url": url[:4096],
        "revenue": round_money(revenue), "idorder": None, "items": None,
        "pageviews_before": (row["visit_total_interactions"] or 0)
        - (row["visit_total_searches"] or 0),
        **{name: row.get(name) for name in COPIED_VISIT_COLUMNS},
    }
    values.update(_conversion_referrer(hit))
    return values


def _conversion_referrer(hit: Hit) -> dict[str, Any]:
    """Attribution (reference §5.4): the _rcn/_rck cookie campaign wins over the visit's."""
    name = hit.request.get("_rcn").strip()
    if name and hit.visit is not None and hit.visit.row["referer_type"] != 6:
        return {"referer_type": 6, "referer_name": name.lower()[:255],
                "referer_keyword": hit.request.get("_rck").strip().lower()[:255]}
    return {}


def round_money(value: float | None) -> float | None:
    if value is None:
        return None
    return value if float(value).is_integer() else round(float(value), 2)


def _buster(goal: Goal, when: float) -> int:
    if not goal.allow_multiple:
        return 0
    return int(f"{_RANDOM.randint(1, 3)}{_RANDOM.randint(0, 9)}{str(int(when))[2:]}")
