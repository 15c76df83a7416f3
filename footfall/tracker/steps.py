"""The pipeline's named steps. Each takes the batch context and a hit; a `drop_*`
step returns a reason (a short string) to end the hit there — it was still
acknowledged and counted as tracked, as in Matomo (reference §9.6) — and a
`put_*` step fills in part of the hit and returns None."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from datetime import time as clock_time
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import Any

from sqlalchemy.engine import Connection

from footfall.config import Settings
from footfall.tracker import fingerprint
from footfall.tracker.actions import add_product_view, classify
from footfall.tracker.clock import local_date
from footfall.tracker.enrich.bots import is_bot_hit
from footfall.tracker.enrich.geo import GeoLocator
from footfall.tracker.enrich.ip import NetworkSet, ip_to_bytes, is_valid_ip, mask_ip, network_set
from footfall.tracker.enrich.language import browser_language
from footfall.tracker.enrich.referrer import ReferrerClassifier, ReferrerInfo
from footfall.tracker.enrich.site_urls import SiteUrls
from footfall.tracker.enrich.urlparts import host_of
from footfall.tracker.form import decode_component
from footfall.tracker.hit import Hit
from footfall.tracker.request import LOCATION_PARAMS, PLUGIN_FLAGS, integer
from footfall.tracker.site_config import SiteConfig
from footfall.tracker.urls import escape, normalize_url, query_and_fragment


@dataclass(slots=True)
class StepContext:
    """What steps share within one batch (cheap to build: the pipeline makes one per hit)."""

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
    rules: _SiteRules | None = None  # derived from `config` on first use (see _rules)


Step = Callable[[StepContext, Hit], "str | None"]

# Memoised answers (see docs/tracking.md, "Enrichment per hit"); each dict is emptied
# when it reaches _MEMO_ENTRIES, which bounds the memory whatever the number of sites.
_MEMO_ENTRIES = 50_000
_ANSWERS: dict[tuple[Any, ...], ReferrerInfo] = {}
_CONFIG_IDS: dict[tuple[Any, ...], tuple[Any, bytes]] = {}
_SHARED_COLUMNS: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}


def _remember(memo: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> Any:
    if len(memo) >= _MEMO_ENTRIES:
        memo.clear()
    memo[key] = value
    return value


class _SiteRules:
    """What the steps derive from one site configuration, derived once, not per hit."""

    def __init__(self, ctx: StepContext) -> None:
        config, site = ctx.config, ctx.config.site
        self.config = config
        self.referrers = ctx.referrers
        self.settings = ctx.settings
        self.global_lists = (ctx.global_excluded_ips, ctx.global_excluded_agents)
        patterns = (*site.excluded_ips, *ctx.global_excluded_ips)
        self.excluded_ips: NetworkSet | None = network_set(patterns) if patterns else None
        self.excluded_agents = tuple((_regex(entry), entry.lower())
                                     for entry in (*site.excluded_user_agents,
                                                   *ctx.global_excluded_agents))
        self.site_urls = SiteUrls(site.urls) if site.exclude_unknown_urls else None
        self.across = bool(ctx.settings.get("Tracker", "enable_fingerprinting_across_websites",
                                            idsite=site.idsite))
        self.daily = config.rules.new_after_midnight and not self.across
        self.last_day: tuple[int | None, date | None, str] = (None, None, "")
        # (id, column, visit scope, dimension) of the custom dimensions
        self.dimensions = tuple((d.idcustomdimension, d.column, d.scope == "visit", d)
                                for d in config.dimensions.values())
        self.geo = ctx.geo
        self.locations_shared = ctx.geo.by_language_only

    def fits(self, ctx: StepContext) -> bool:
        return (self.config is ctx.config and self.referrers is ctx.referrers
                and self.settings is ctx.settings and self.geo is ctx.geo
                and self.global_lists == (ctx.global_excluded_ips, ctx.global_excluded_agents))

    def day_of(self, timestamp: float) -> tuple[date | None, str | None]:
        """The site's local date of a hit and the name of that day's fingerprint salt
        (the last quarter hour's answer is kept: hits come in time order)."""
        quarter = int(timestamp // _QUARTER)
        if quarter != self.last_day[0]:
            day = _local_day(timestamp, self.config.site.timezone)
            name = f"fingerprint_salt_{self.config.site.idsite}_{day.isoformat()}"
            if _quarter_day(quarter, self.config.site.timezone) is None:
                return day, name  # midnight falls inside this quarter: not kept
            self.last_day = (quarter, day, name)
        return self.last_day[1], self.last_day[2]


_RULES: dict[int, _SiteRules] = {}


def _rules(ctx: StepContext) -> _SiteRules:
    """The site rules of `ctx.config` (configurations are replaced, never changed)."""
    rules = ctx.rules
    if rules is None:
        rules = _RULES.get(id(ctx.config))
        if rules is None or not rules.fits(ctx):
            if len(_RULES) > 256:
                _RULES.clear()
            rules = _RULES[id(ctx.config)] = _SiteRules(ctx)
        ctx.rules = rules
    return rules


def drop_not_recorded(ctx: StepContext, hit: Hit) -> str | None:
    return None if hit.request.rec else "rec_missing"


def drop_prefetch(ctx: StepContext, hit: Hit) -> str | None:
    headers = hit.headers
    if "purpose" not in headers and "xmoz" not in headers:
        return None
    purpose = hit.headers.get("purpose", "").lower()
    if purpose in ("preview", "instant") or "prefetch" in hit.headers.get("xmoz", "").lower():
        return "prefetch"
    return None


def drop_install_check(ctx: StepContext, hit: Hit) -> str | None:
    if "tracker_install_check" not in hit.request.params:
        return None
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
    networks = _rules(ctx).excluded_ips
    return "excluded_ip" if networks is not None and networks.matches(hit.ip) else None


def drop_excluded_user_agent(ctx: StepContext, hit: Hit) -> str | None:
    entries = _rules(ctx).excluded_agents
    if not entries:
        return None
    agent = hit.user_agent.lower()
    for pattern, lowered in entries:
        if pattern is not None:
            if pattern.search(hit.user_agent):
                return "excluded_user_agent"
        elif lowered in agent:
            return "excluded_user_agent"
    return None


@lru_cache(maxsize=1024)
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
    site_urls = _rules(ctx).site_urls
    if site_urls is None or not hit.request.url:
        return None
    return None if site_urls.matches(host_of(hit.request.url), "/") else "unknown_url"


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
    cip = hit.request.cip
    found = (cip and _address(cip, ctx.mask_bytes)) or _address(hit.ip, ctx.mask_bytes)
    hit.ip, hit.location_ip = found or _address("0.0.0.0", ctx.mask_bytes)
    return None


@lru_cache(maxsize=65_536)
def _address(ip: str, mask_bytes: int) -> tuple[str, bytes] | None:
    """(the address, its masked binary form for location_ip); None if `ip` is none."""
    return (ip, ip_to_bytes(mask_ip(ip, mask_bytes))) if is_valid_ip(ip) else None


def put_language(ctx: StepContext, hit: Hit) -> str | None:
    hit.accept_language = hit.request.get("lang") or hit.headers.get("lang", "")
    hit.browser_lang = browser_language(hit.accept_language)
    return None


def put_config_id(ctx: StepContext, hit: Hit) -> str | None:
    device = hit.device
    rules = _rules(ctx)
    salts, conn = ctx.salts, ctx.conn
    day, salt_name = rules.day_of(hit.time) if rules.daily else (None, None)
    daily_salt = salts.get(conn, salt_name) if salt_name is not None else None
    instance_salt = salts.get(conn, fingerprint.INSTANCE_SALT_OPTION)
    flags = _plugin_flags(hit.request.params)
    # A visitor's hits repeat the same inputs: the hash is memoised on all of them.
    # (The device by identity, as in put_visit_columns.)
    key = (rules, id(device), hit.ip, hit.accept_language, flags, day, daily_salt, instance_salt)
    known = _CONFIG_IDS.get(key)
    if known is None or known[0] is not device:
        config_id = _config_id(device, hit, dict(zip(PLUGIN_FLAGS, flags, strict=True)),
                               instance_salt, daily_salt, day, None if rules.across else hit.idsite)
        known = _remember(_CONFIG_IDS, key, (device, config_id))
    hit.config_id = known[1]
    return None


def _config_id(device: Any, hit: Hit, flags: dict[str, int], instance_salt: str,
               daily_salt: str | None, day: date | None, idsite: int | None) -> bytes:
    is_browser = device is not None and device.config_client_type == 1
    if device is not None and device.config_browser_name == "IE":
        flags["cookie"] = 0
    return fingerprint.config_id(
        os_code=device.config_os if device else "UNK",
        browser_code=device.config_browser_name if is_browser else "UNK",
        browser_version=device.config_browser_version if is_browser else "",
        flags=flags, ip=hit.ip, browser_lang=hit.accept_language.lower()[:20],
        instance_salt=instance_salt, daily_salt=daily_salt, day=day, idsite=idsite)


def _plugin_flags(params: dict[str, Any]) -> tuple[int, ...]:
    """The plugin parameters (PLUGIN_FLAGS order) as PHP (int) casts.

    put_config_id and put_visit_columns both need them: the last answer is kept, with
    a reference to its parameters so that their identity cannot be reused meanwhile."""
    global _last_flags
    last_params, flags = _last_flags
    if last_params is not params:
        raw = tuple(map(params.get, _FLAG_NAMES))
        try:
            flags = _flag_values(raw)
        except TypeError:  # an array parameter: not memoisable
            flags = tuple(integer(params, name) for name in _FLAG_NAMES)
        _last_flags = (params, flags)
    return flags


@lru_cache(maxsize=1024)
def _flag_values(raw: tuple[str | None, ...]) -> tuple[int, ...]:
    return tuple(integer({"v": value}, "v") if value is not None else 0 for value in raw)


_last_flags: tuple[object, tuple[int, ...]] = (None, ())
_FLAG_NAMES = tuple(PLUGIN_FLAGS)
_FLAG_COLUMNS = tuple(PLUGIN_FLAGS.values())


# A day boundary in any current timezone falls on a multiple of 15 minutes (UTC), so
# the local date of a quarter hour is memoised; a quarter hour that straddles midnight
# (old local-mean-time offsets) is not, and is computed per hit.
_QUARTER = 900


def _local_day(timestamp: float, tz_name: str) -> date:
    day = _quarter_day(int(timestamp // _QUARTER), tz_name)
    return day if day is not None else local_date(timestamp, tz_name)


@lru_cache(maxsize=4096)
def _quarter_day(quarter: int, tz_name: str) -> date | None:
    first = local_date(quarter * _QUARTER, tz_name)
    return first if local_date(quarter * _QUARTER + _QUARTER - 1, tz_name) == first else None


def put_visit_columns(ctx: StepContext, hit: Hit) -> str | None:
    """Device, plugin flags, resolution, language, local time and location (§3.5)."""
    request = hit.request
    params = request.params
    resolution = params.get("res")
    device = hit.device
    # The device, flag, resolution and language columns are memoised: few visitors'
    # combinations exist (the device is part of the key by identity: the detector
    # hands out one object per agent, and the memo keeps it alive).
    # Without a location database the location depends on the language alone, and is
    # shared too; with one it is looked up (memoised by the locator) per hit.
    shared_location = _rules(ctx).locations_shared
    memo = resolution is None or isinstance(resolution, str)  # not an array parameter
    key = (id(device), _plugin_flags(params), resolution if memo else None, hit.browser_lang,
           hit.accept_language if shared_location else None)
    shared = _SHARED_COLUMNS.get(key) if memo else None
    if shared is None or shared[0] is not device:
        columns = device.columns() if device is not None else {}
        for column, value in zip(_FLAG_COLUMNS, key[1], strict=True):
            columns[column] = 1 if value == 1 else 0
        columns["config_resolution"] = (request.get("res").strip() or "unknown")[:9]
        columns["location_browser_lang"] = hit.browser_lang[:20]
        if shared_location:
            columns.update(ctx.geo.locate(hit.ip, hit.accept_language).columns())
        if memo:
            _remember(_SHARED_COLUMNS, key, (device, columns))
    else:
        columns = shared[1]
    columns = dict(columns)
    columns["visitor_localtime"] = _local_time(hit)
    if not shared_location:
        # Geolocation sees the real address unless configured otherwise (exclusions and
        # config_id always do); the stored address is always the masked one.
        geo_ip = mask_ip(hit.ip, ctx.mask_bytes) if ctx.enrich_with_masked_ip else hit.ip
        columns.update(ctx.geo.locate(geo_ip, hit.accept_language).columns())
    if not params.keys().isdisjoint(LOCATION_PARAMS):
        columns.update(_location_overrides(request))
    if "_cvar" in params:
        hit.visit_dimensions.update(custom_variables(request.get_json("_cvar")))
    hit.visit_columns = columns
    return None


def _local_time(hit: Hit) -> clock_time:
    params = hit.request.params
    if "h" not in params and "m" not in params and "s" not in params:
        return hit.server_time.time()
    hour, minute, second = integer(params, "h"), integer(params, "m"), integer(params, "s")
    return clock_time(hour if 0 <= hour < 24 else 0, minute if 0 <= minute < 60 else 0,
                      second if 0 <= second < 60 else 0)


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
    sent = hit.request.dimensions
    for idcustomdimension, column, visit_scope, dimension in _rules(ctx).dimensions:
        value = sent.get(idcustomdimension)
        if value is not None:
            value = escape(value)[:250]
        elif dimension.extractions:
            value = _extract(dimension, hit)
        if value is not None:
            (hit.visit_dimensions if visit_scope else hit.action_dimensions)[column] = value
    return None


def _extract(dimension: Any, hit: Hit) -> str | None:
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
        if "cvar" in hit.request.params:
            hit.action.values.update(custom_variables(hit.request.get_json("cvar")))
    return None


def custom_variables(data: object) -> dict[str, str]:
    """Legacy custom variables `{"1": ["name", "value"], ...}` as custom_var_k/v columns."""
    columns: dict[str, str] = {}
    if not isinstance(data, dict):
        return columns
    for slot, pair in data.items():
        if (str(slot).isdigit() and str(slot).isascii() and 1 <= int(slot) <= 5 and isinstance(pair, list)
                and len(pair) == 2 and all(isinstance(v, (str, int, float)) for v in pair)):
            columns[f"custom_var_k{int(slot)}"] = str(pair[0]).strip()[:200]
            columns[f"custom_var_v{int(slot)}"] = str(pair[1]).strip()[:200]
    return columns


def put_referrer(ctx: StepContext, hit: Hit) -> str | None:
    """Prepare referrer classification; it runs only when a visit needs it.

    Answers are memoised by site configuration: the same referrers and landing pages
    come back hit after hit. The key holds everything the answer depends on besides
    the configuration: the referrer, the page (its host alone when it has no query or
    fragment, since only those can carry a campaign or `ignore_referrer`), the hit's
    campaign parameters and the visit being continued.
    """
    hit.referrer_of = partial(_referrer_of, ctx, _rules(ctx), hit.request)
    return None


def _referrer_of(ctx: StepContext, rules: _SiteRules, request: Any,
                 current: ReferrerInfo | None) -> ReferrerInfo:
    params = request.params
    referrers = ctx.referrers
    campaign_name = campaign_keyword = None
    if not params.keys().isdisjoint(referrers.campaign_params):  # the rare case
        campaign_name = next((request.get(p) for p in referrers.campaign_name_params
                              if p in params and request.get(p).strip()), None)
        campaign_keyword = next((request.get(p) for p in referrers.campaign_keyword_params
                                 if p in params and request.get(p).strip()), None)
    page_url = request.url
    referrer_url = request.urlref
    page_key = page_url if "?" in page_url or "#" in page_url else host_of(page_url)
    key = (rules, referrer_url, page_key, campaign_name, campaign_keyword, current)
    answer = _ANSWERS.get(key)
    if answer is None:
        answer = _remember(_ANSWERS, key, _classify(
            rules.config, referrers, page_url, referrer_url, campaign_name, campaign_keyword,
            current))
    return answer


def _classify(config: SiteConfig, referrers: ReferrerClassifier, page_url: str, referrer_url: str,
              campaign_name: str | None, campaign_keyword: str | None,
              current: ReferrerInfo | None) -> ReferrerInfo:
    site = config.site
    url_filter = config.url_filter
    return referrers.classify(
        page_url=page_url, referrer_url=referrer_url, site_urls=site.urls,
        campaign_name=campaign_name, campaign_keyword=campaign_keyword,
        excluded_referrers=site.excluded_referrers, exclude_unknown_urls=site.exclude_unknown_urls,
        current_visit=current, url_filter=lambda url: normalize_url(url, url_filter))


STEPS: list[Step] = [
    drop_not_recorded, drop_prefetch, drop_install_check, drop_do_not_track,
    drop_ignore_cookie, put_ip, drop_bot, drop_excluded_ip, drop_excluded_user_agent,
    drop_referrer_spam, drop_unknown_url,
    put_visitor_ids, put_language, put_config_id, put_visit_columns,
    put_dimensions, put_action, put_referrer,
]  # fmt: skip
