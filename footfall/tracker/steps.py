"""The pipeline's named steps. Each takes the batch context and a hit; a `drop_*`
step returns a reason (a short string) to end the hit there — it was still
acknowledged and counted as tracked, as in Matomo (reference §9.6) — and a
`put_*` step fills in part of the hit and returns None."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time as clock_time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.engine import Connection

from footfall.config import Settings
from footfall.tracker import fingerprint
from footfall.tracker.actions import add_product_view, classify
from footfall.tracker.clock import local_date
from footfall.tracker.enrich.bots import is_bot_hit
from footfall.tracker.enrich.geo import GeoLocator
from footfall.tracker.enrich.ip import (
    ip_matches,
    ip_to_bytes,
    is_valid_ip,
    mask_ip,
    stored_and_enrichment_ips,
)
from footfall.tracker.enrich.language import browser_language
from footfall.tracker.enrich.referrer import ReferrerClassifier, ReferrerInfo
from footfall.tracker.enrich.site_urls import SiteUrls
from footfall.tracker.enrich.urlparts import host_of
from footfall.tracker.hit import Hit
from footfall.tracker.request import PLUGIN_FLAGS
from footfall.tracker.site_config import SiteConfig
from footfall.tracker.urls import escape, normalize_url


@dataclass
class StepContext:
    """What steps share within one batch."""

    conn: Connection
    settings: Settings
    config: SiteConfig
    referrers: ReferrerClassifier
    geo: GeoLocator
    salts: fingerprint.Salts
    global_excluded_ips: tuple[str, ...]
    global_excluded_agents: tuple[str, ...]
    mask_bytes: int
    enrich_with_masked_ip: bool
    do_not_track: bool
    spam_filter: bool


Step = Callable[[StepContext, Hit], "str | None"]


def drop_not_recorded(ctx: StepContext, hit: Hit) -> str | None:
    return None if hit.request.rec else "rec_missing"


def drop_prefetch(ctx: StepContext, hit: Hit) -> str | None:
    purpose = hit.headers.get("purpose", "").lower()
    if purpose in ("preview", "instant") or "prefetch" in hit.headers.get("xmoz", "").lower():
        return "prefetch"
    return None


def drop_install_check(ctx: StepContext, hit: Hit) -> str | None:
    return "install_check" if hit.request.get("tracker_install_check") else None


def drop_do_not_track(ctx: StepContext, hit: Hit) -> str | None:
    if not ctx.do_not_track:
        return None
    if hit.headers.get("dnt", "").startswith("1") or hit.headers.get("xdnt", "") == "1":
        return "do_not_track"
    return None


def drop_ignore_cookie(ctx: StepContext, hit: Hit) -> str | None:
    return "ignore_cookie" if hit.headers.get("ignore") else None


def drop_bot(ctx: StepContext, hit: Hit) -> str | None:
    """A bot user agent, or a browser agent from a crawler's network (as Matomo excludes)."""
    if not hit.request.bots and is_bot_hit(hit.device, hit.ip, hit.headers):
        return "bot"
    return None


def drop_excluded_ip(ctx: StepContext, hit: Hit) -> str | None:
    patterns = (*ctx.config.site.excluded_ips, *ctx.global_excluded_ips)
    return "excluded_ip" if patterns and ip_matches(hit.ip, patterns) else None


def drop_excluded_user_agent(ctx: StepContext, hit: Hit) -> str | None:
    entries = (*ctx.config.site.excluded_user_agents, *ctx.global_excluded_agents)
    agent = hit.user_agent.lower()
    for entry in entries:
        pattern = _regex(entry)
        if pattern is not None:
            if pattern.search(hit.user_agent):
                return "excluded_user_agent"
        elif entry.lower() in agent:
            return "excluded_user_agent"
    return None


def _regex(entry: str) -> re.Pattern[str] | None:
    if len(entry) > 2 and entry.startswith("/") and entry.rfind("/") > 0:
        end = entry.rfind("/")
        try:
            return re.compile(entry[1:end], re.IGNORECASE if "i" in entry[end + 1:] else 0)
        except re.error:
            return None
    return None


def drop_referrer_spam(ctx: StepContext, hit: Hit) -> str | None:
    referrer = hit.request.urlref
    if not referrer:
        return None
    if ctx.spam_filter and ctx.referrers.is_spam(referrer):
        return "referrer_spam"
    return None


def drop_unknown_url(ctx: StepContext, hit: Hit) -> str | None:
    site = ctx.config.site
    if not site.exclude_unknown_urls or not hit.request.url:
        return None
    host = host_of(hit.request.url)
    return None if SiteUrls(site.urls).matches(host, "/") else "unknown_url"


def put_visitor_ids(ctx: StepContext, hit: Hit) -> str | None:
    """Visitor id by Matomo's precedence: uid hash, cid, then _id (reference §3.1)."""
    request = hit.request
    hit.uid = escape(request.uid)[:200] if request.uid else None
    if request.uid and ctx.config.rules.uid_overwrites_visitor:
        hit.visitor_id = hashlib.sha1(request.uid.encode("utf-8", "replace")).digest()[:8]
    elif request.cid is not None:
        hit.visitor_id = request.cid
    else:
        hit.visitor_id = request.visitor_id
    return None


def put_ip(ctx: StepContext, hit: Hit) -> str | None:
    ip = hit.request.cip if hit.request.cip and is_valid_ip(hit.request.cip) else hit.ip
    hit.ip = ip if is_valid_ip(ip) else "0.0.0.0"
    hit.location_ip = ip_to_bytes(mask_ip(hit.ip, ctx.mask_bytes))
    return None


def put_language(ctx: StepContext, hit: Hit) -> str | None:
    hit.accept_language = hit.request.get("lang") or hit.headers.get("lang", "")
    hit.browser_lang = browser_language(hit.accept_language)
    return None


def put_config_id(ctx: StepContext, hit: Hit) -> str | None:
    device = hit.device
    rules_site = hit.idsite
    across = bool(ctx.settings.get("Tracker", "enable_fingerprinting_across_websites",
                                   idsite=rules_site))
    daily = ctx.config.rules.new_after_midnight and not across
    day = local_date(hit.time, hit.site.timezone) if daily else None
    daily_salt = (ctx.salts.get(ctx.conn, f"fingerprint_salt_{hit.idsite}_{day.isoformat()}")
                  if day is not None else None)
    is_browser = device is not None and device.config_client_type == 1
    flags = {name: hit.request.get_int(name) for name in PLUGIN_FLAGS}
    if device is not None and device.config_browser_name == "IE":
        flags["cookie"] = 0
    hit.config_id = fingerprint.config_id(
        os_code=device.config_os if device else "UNK",
        browser_code=device.config_browser_name if is_browser else "UNK",
        browser_version=device.config_browser_version if is_browser else "",
        flags=flags, ip=hit.ip, browser_lang=hit.accept_language.lower()[:20],
        instance_salt=ctx.salts.get(ctx.conn, fingerprint.INSTANCE_SALT_OPTION),
        daily_salt=daily_salt, day=day, idsite=None if across else hit.idsite)
    return None


def put_visit_columns(ctx: StepContext, hit: Hit) -> str | None:
    """Device, plugin flags, resolution, language, local time and location (§3.5)."""
    request = hit.request
    columns: dict[str, Any] = dict(hit.device.columns()) if hit.device is not None else {}
    for name, column in PLUGIN_FLAGS.items():
        columns[column] = 1 if request.get_int(name) == 1 else 0
    columns["config_resolution"] = (request.get("res").strip() or "unknown")[:9]
    columns["location_browser_lang"] = hit.browser_lang[:20]
    columns["visitor_localtime"] = _local_time(hit)
    _stored, geo_ip = stored_and_enrichment_ips(
        hit.ip, mask_bytes=ctx.mask_bytes, use_anonymized_for_enrichment=ctx.enrich_with_masked_ip)
    columns.update(ctx.geo.locate(geo_ip, hit.accept_language).columns())
    columns.update(_location_overrides(request))
    hit.visit_dimensions.update(custom_variables(request.get_json("_cvar")))
    hit.visit_columns = columns
    return None


def _local_time(hit: Hit) -> clock_time:
    request = hit.request
    if not any(name in request.params for name in ("h", "m", "s")):
        return hit.server_time.time()
    values = [request.get_int(name) for name in ("h", "m", "s")]
    hour, minute, second = (v if 0 <= v < limit else 0 for v, limit in zip(values, (24, 60, 60),
                                                                           strict=True))
    return clock_time(hour, minute, second)


def _location_overrides(request: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if request.get("country").strip():
        found["location_country"] = request.get("country").strip().lower()[:3]
    if request.get("region").strip():
        found["location_region"] = request.get("region").strip()[:3]
    if request.get("city").strip():
        found["location_city"] = request.get("city").strip()[:255]
    for name, column in (("lat", "location_latitude"), ("long", "location_longitude")):
        value = request.get_number(name)
        if value is not None and -180 <= value <= 180:
            try:
                found[column] = Decimal(str(value)).quantize(Decimal("0.000001"))
            except InvalidOperation:
                continue
    return found


def put_dimensions(ctx: StepContext, hit: Hit) -> str | None:
    """Custom dimensions: `dimension<ID>` parameters, else the extractions (§8.4)."""
    for dimension in ctx.config.dimensions.values():
        value = hit.request.dimensions.get(dimension.idcustomdimension)
        value = escape(value)[:250] if value is not None else _extract(dimension, hit)
        if value is None:
            continue
        target = hit.visit_dimensions if dimension.scope == "visit" else hit.action_dimensions
        target[dimension.column] = value
    return None


def _extract(dimension: Any, hit: Hit) -> str | None:
    from footfall.tracker.form import decode_component
    from footfall.tracker.urls import query_and_fragment

    flags = 0 if dimension.case_sensitive else re.IGNORECASE
    for source, pattern in dimension.extractions:
        if source == "urlparam":
            for pair in query_and_fragment(hit.request.url).split("&"):
                name, _, raw = pair.partition("=")
                if name == pattern and raw:
                    return decode_component(raw)[:250]
            continue
        subject = hit.request.url if source == "url" else hit.request.action_name
        try:
            match = re.search(pattern, subject, flags)
        except re.error:
            continue
        if match and match.groups() and match.group(1):
            return decode_component(match.group(1))[:250]
    return None


def put_action(ctx: StepContext, hit: Hit) -> str | None:
    config = ctx.config
    hit.action = classify(hit.request, url_filter=config.url_filter,
                          sitesearch=config.site.sitesearch,
                          search_params=config.search_params,
                          category_params=config.category_params)
    if hit.action is None and hit.request.ca and not hit.request.ping and hit.request.idgoal < 0:
        return "custom_action_without_type"
    if hit.action is not None:
        add_product_view(hit.action, hit.request)
        hit.action.values.update(custom_variables(hit.request.get_json("cvar")))
    return None


def custom_variables(data: object) -> dict[str, str]:
    """Legacy custom variables `{"1": ["name", "value"], ...}` as custom_var_k/v columns."""
    columns: dict[str, str] = {}
    if not isinstance(data, dict):
        return columns
    for slot, pair in data.items():
        if (str(slot).isdigit() and 1 <= int(slot) <= 5 and isinstance(pair, list)
                and len(pair) == 2 and all(isinstance(v, (str, int, float)) for v in pair)):
            columns[f"custom_var_k{int(slot)}"] = str(pair[0]).strip()[:200]
            columns[f"custom_var_v{int(slot)}"] = str(pair[1]).strip()[:200]
    return columns


def put_referrer(ctx: StepContext, hit: Hit) -> str | None:
    """Prepare referrer classification; it runs only when a visit needs it."""
    request = hit.request
    config = ctx.config
    url_filter = config.url_filter
    params = request.params
    campaign_name = next((request.get(p) for p in ctx.referrers.campaign_name_params
                          if p in params and request.get(p).strip()), None)
    campaign_keyword = next((request.get(p) for p in ctx.referrers.campaign_keyword_params
                             if p in params and request.get(p).strip()), None)
    page_url = request.url

    def classify_for(current: ReferrerInfo | None) -> ReferrerInfo:
        return ctx.referrers.classify(
            page_url=page_url, referrer_url=request.urlref, site_urls=config.site.urls,
            campaign_name=campaign_name, campaign_keyword=campaign_keyword,
            excluded_referrers=config.site.excluded_referrers,
            exclude_unknown_urls=config.site.exclude_unknown_urls,
            current_visit=current, url_filter=lambda url: normalize_url(url, url_filter))

    hit.referrer_of = classify_for
    return None


STEPS: list[Step] = [
    drop_not_recorded, drop_prefetch, drop_install_check, drop_do_not_track,
    drop_ignore_cookie, put_ip, drop_bot, drop_excluded_ip, drop_excluded_user_agent,
    drop_referrer_spam, drop_unknown_url,
    put_visitor_ids, put_language, put_config_id, put_visit_columns,
    put_dimensions, put_action, put_referrer,
]  # fmt: skip
