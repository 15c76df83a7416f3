"""Referrer attribution of a visit, as Matomo does it (reference §5).

`ReferrerClassifier.classify` turns a hit's page URL and referrer URL into the
log_visit `referer_*` columns: campaign, direct entry, search engine, social
network or website, in Matomo's order of precedence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from footfall.tracker.enrich.campaign import (
    CAMPAIGN_KEYWORD_PARAMS,
    CAMPAIGN_NAME_PARAMS,
    CampaignDetails,
    campaign_from_url,
)
from footfall.tracker.enrich.search_engines import ReferrerDefinitions
from footfall.tracker.enrich.site_urls import OWN, UrlIndex, url_index
from footfall.tracker.enrich.spam import SpamList
from footfall.tracker.enrich.urlparts import (
    host_of,
    looks_like_url,
    php_trim,
    query_param,
    remove_query_params,
    split_url,
    urldecode,
)

DIRECT_ENTRY = 1
SEARCH_ENGINE = 2
WEBSITE = 3
CAMPAIGN = 6
SOCIAL_NETWORK = 7

REFERRER_TYPE_NAMES = {
    DIRECT_ENTRY: "direct",
    SEARCH_ENGINE: "search",
    WEBSITE: "website",
    CAMPAIGN: "campaign",
    SOCIAL_NETWORK: "social",
}

_MAX_NAME = 255
_ANSWER_MEMO_ENTRIES = 50_000
_MAX_URL = 1500
_ADWORDS_NAME = "AdWords"
_ADWORDS_KEYWORD_PREFIX = "(adwords) "

# Tracking noise that engines add to their referrer URLs (dropped from referer_url).
_NOISE_PARAMS: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("instagram.com",), frozenset({"e", "s"})),
    (("facebook.com",), frozenset({"h", "p"})),
    (
        ("google.", "googleusercontent."),
        frozenset({"ust", "usg", "usd", "sa", "sntz", "ei", "bvm", "ved", "client", "channel"}),
    ),
    (("main.exoclick.com",), frozenset({"data", "wpn"})),
    (("youtube.com",), frozenset({"redir_token", "html_redirect", "continuation", "feature"})),
    (
        ("bing.com",),
        frozenset({"cvid", "refig", "elv", "plvar", "setlang", "qs", "cc", "mkt", "pc", "form",
                   "src"}),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class ReferrerInfo:
    """The referrer columns of a visit (and the detailed campaign dimensions)."""

    referer_type: int = DIRECT_ENTRY
    referer_name: str | None = None
    referer_keyword: str | None = None
    referer_url: str = ""
    campaign_name: str | None = None
    campaign_keyword: str | None = None
    campaign_source: str | None = None
    campaign_medium: str | None = None
    campaign_content: str | None = None
    campaign_id: str | None = None
    campaign_group: str | None = None
    campaign_placement: str | None = None

    def columns(self) -> dict[str, object]:
        """The log_visit columns Matomo core has (referer_type/name/keyword/url)."""
        return {
            "referer_type": self.referer_type,
            "referer_name": self.referer_name,
            "referer_keyword": self.referer_keyword,
            "referer_url": self.referer_url,
        }

    def campaign_columns(self) -> dict[str, object]:
        """Detailed campaign dimensions (MarketingCampaignsReporting's campaign_* set)."""
        return {
            "campaign_name": self.campaign_name,
            "campaign_keyword": self.campaign_keyword,
            "campaign_source": self.campaign_source,
            "campaign_medium": self.campaign_medium,
            "campaign_content": self.campaign_content,
            "campaign_id": self.campaign_id,
            "campaign_group": self.campaign_group,
            "campaign_placement": self.campaign_placement,
        }

    @property
    def is_direct(self) -> bool:
        return self.referer_type == DIRECT_ENTRY

    def anonymized(self, option: str) -> ReferrerInfo:
        """The privacy option `anonymizeReferrer` applied (reference §9.5).

        '' keeps everything; 'exclude_query' cuts the URL at '?', 'exclude_path' keeps
        scheme and host, 'exclude_all' drops the URL and website names. Any option
        empties the keyword of non-campaign referrers; campaign values and engine and
        network names are always kept (they come from the page URL or name no one).
        """
        if not option or option not in _ANONYMIZE_OPTIONS:
            return self
        if self.referer_type == CAMPAIGN:
            return replace(self, referer_url=_anonymized_url(self.referer_url, option))
        keep_name = self.referer_type in (SEARCH_ENGINE, SOCIAL_NETWORK) or option != "exclude_all"
        return replace(
            self,
            referer_name=self.referer_name if keep_name else "",
            referer_keyword="",
            referer_url=_anonymized_url(self.referer_url, option),
        )


_DIRECT = ReferrerInfo()
_ANONYMIZE_OPTIONS = ("exclude_query", "exclude_path", "exclude_all")


def _anonymized_url(url: str, option: str) -> str:
    if option == "exclude_all" or not url:
        return ""
    if option == "exclude_query":
        return url.lstrip("?").split("?", 1)[0]
    parts = split_url(url)
    if parts is None or not parts.netloc or not parts.path:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]  # as written, without user info ...
    host = host if host.startswith("[") else host.split(":", 1)[0]  # ... or port
    scheme = f"{parts.scheme}://" if parts.scheme else ("//" if url.startswith("//") else "")
    return f"{scheme}{host}/"


@dataclass(frozen=True)
class _Campaign:
    name: str
    keyword: str
    details: CampaignDetails = field(default_factory=CampaignDetails)


class ReferrerClassifier:
    """Classifies referrers with the packaged definitions plus optional user files."""

    def __init__(
        self,
        *,
        extra_definition_files: Sequence[str | Path] = (),
        spam_files: Sequence[str | Path] = (),
        campaign_name_params: Sequence[str] = CAMPAIGN_NAME_PARAMS,
        campaign_keyword_params: Sequence[str] = CAMPAIGN_KEYWORD_PARAMS,
    ) -> None:
        self.definitions = ReferrerDefinitions.load(extra_definition_files)
        self.spam = SpamList.load(spam_files)
        self.campaign_name_params = tuple(campaign_name_params)
        self.campaign_keyword_params = tuple(campaign_keyword_params)
        self.campaign_params = frozenset((*self.campaign_name_params, *self.campaign_keyword_params))
        # Non-campaign answers by (referrer, page host, site index, exclude flag):
        # the same few referrers come back hit after hit.
        self._answers: dict[tuple[str, str, UrlIndex, bool], tuple[int, str | None, str | None]] = {}

    def warm_up(self) -> None:
        """Compile the lazily built patterns now, not on the first hit."""
        self.classify(page_url="https://example.org/", referrer_url="https://www.google.de/", site_urls=())
        self.definitions.social_network("https://warm-up.invalid/")
        self.spam.is_spam("https://warm-up.invalid/")

    def is_spam(self, referrer_url: str, extra_hosts: Sequence[str] = ()) -> bool:
        """Referrer spam: the URL contains (case-insensitively) a listed host."""
        return self.spam.is_spam(referrer_url, extra_hosts)

    def classify(
        self,
        *,
        page_url: str,
        referrer_url: str | None,
        site_urls: Sequence[str],
        campaign_name: str | None = None,
        campaign_keyword: str | None = None,
        excluded_referrers: Sequence[str] = (),
        other_sites_urls: Sequence[str] = (),
        exclude_unknown_urls: bool = False,
        current_visit: ReferrerInfo | None = None,
        url_filter: Callable[[str], str] | None = None,
    ) -> ReferrerInfo:
        """The referrer of a visit whose hit has `page_url` (url) and `referrer_url` (urlref).

        `campaign_name`/`campaign_keyword` are campaign parameters sent on the hit
        itself (`&mtm_campaign=X` next to `url`); they win over the URL, as in Matomo 5.
        (The attribution cookie's `_rcn`/`_rck` no longer attribute visits since
        Matomo 4.14, only conversions: see `conversion_referrer`.) `site_urls` are
        this site's main and alias URLs;
        `other_sites_urls` the URLs of the other sites (a referrer from one of them is
        a website, never direct); `current_visit` the visit being continued, if any;
        `url_filter` the page-URL normaliser (§4.3) applied to `referer_url`.
        """
        page_url = page_url or ""
        if not referrer_url and not campaign_name and "?" not in page_url and "#" not in page_url:
            return _DIRECT  # the commonest case: nothing to classify
        if _ignores_referrer(page_url):
            # Matomo 5 stores '' rather than NULL for name and keyword in this one case;
            # Footfall keeps the NULLs of every other direct entry (reference §5.1).
            return _DIRECT
        referrer = referrer_url or ""
        if referrer and (not looks_like_url(referrer) or _is_excluded(referrer, excluded_referrers)):
            referrer = ""  # an excluded referrer is not stored at all
        campaign = None
        if _campaign_possible(page_url, referrer, campaign_name):
            campaign = self._campaign(page_url, referrer, campaign_name, campaign_keyword, current_visit)
        stored_url = self._stored_referrer_url(referrer, url_filter)
        if campaign is not None:
            return _campaign_info(campaign, stored_url)
        info = self._non_campaign(
            page_url, referrer, url_index(tuple(site_urls), tuple(other_sites_urls)), exclude_unknown_urls,
        )  # fmt: skip
        return ReferrerInfo(
            referer_type=info[0], referer_name=info[1], referer_keyword=info[2],
            referer_url=stored_url,
        )  # fmt: skip

    def conversion_referrer(
        self,
        *,
        visit: ReferrerInfo,
        rcn: str | None,
        rck: str | None,
        attribution_url: str | None,
        site_urls: Sequence[str],
        excluded_referrers: Sequence[str] = (),
    ) -> tuple[int, str | None, str | None]:
        """(referer_type, name, keyword) of a conversion (reference §5.4).

        In Matomo's order: the visit's own campaign when the request names none; else
        the attribution cookie's campaign (`_rcn`/`_rck`); else the cookie's referrer URL
        (`_ref`) when it is a search engine, website or social network; else the visit's.
        """
        name = php_trim(urldecode(rcn or ""))
        if not name and visit.referer_type == CAMPAIGN and visit.referer_name:
            return _lowered_campaign(visit.referer_type, visit.referer_name, visit.referer_keyword)
        if name:
            return _lowered_campaign(CAMPAIGN, name, php_trim(urldecode(rck or "")))
        if attribution_url:
            found = self.classify(
                page_url="", referrer_url=attribution_url, site_urls=site_urls,
                excluded_referrers=excluded_referrers,
            )  # fmt: skip
            if found.referer_type in (SEARCH_ENGINE, WEBSITE, SOCIAL_NETWORK):
                return found.referer_type, found.referer_name, found.referer_keyword
        return _lowered_campaign(visit.referer_type, visit.referer_name, visit.referer_keyword)

    # -- campaign -------------------------------------------------------------------

    def _campaign(
        self,
        page_url: str,
        referrer: str,
        hit_name: str | None,
        hit_keyword: str | None,
        current_visit: ReferrerInfo | None,
    ) -> _Campaign | None:
        """Matomo 5's order: the landing URL, then a keyword from the referrer, then the
        hit's own campaign parameters (they replace the name, and the keyword if given),
        then the keyword of the same campaign's visit or the referrer host."""
        found = campaign_from_url(
            page_url, name_params=self.campaign_name_params,
            keyword_params=self.campaign_keyword_params,
        )  # fmt: skip
        name, keyword = (found.name, found.keyword) if found else ("", "")
        if not keyword:
            name, keyword = self._keyword_from_referrer(name, referrer)
        if hit_name:  # already decoded request parameters
            name, keyword = hit_name, hit_keyword or keyword
        if not name:
            return None
        name = name.lower()[:_MAX_NAME]
        if not keyword:
            keyword = _keyword_of_same_campaign(name, current_visit, host_of(referrer))
        details = found.details if found else CampaignDetails()
        return _Campaign(name=name, keyword=keyword.lower()[:_MAX_NAME], details=details)

    def _keyword_from_referrer(self, name: str, referrer: str) -> tuple[str, str]:
        """A campaign without keyword takes the referrer's search keyword, or AdWords."""
        keyword = ""
        if name:
            hit = self.definitions.search_engine(referrer)
            keyword = hit.keyword if hit and hit.keyword else ""
        if keyword:
            return name, keyword
        adwords_host, ad_type = _adwords_source(referrer)
        if adwords_host:
            if not name:
                name = _ADWORDS_NAME + (f" ({ad_type})" if ad_type else "")
            keyword = _ADWORDS_KEYWORD_PREFIX + adwords_host
        return name, keyword

    # -- direct, search engine, social network, website -----------------------------

    def _non_campaign(
        self,
        page_url: str,
        referrer: str,
        index: UrlIndex,
        exclude_unknown_urls: bool,
    ) -> tuple[int, str | None, str | None]:
        key = (referrer, host_of(page_url), index, exclude_unknown_urls)
        answer = self._answers.get(key)
        if answer is None:
            if len(self._answers) >= _ANSWER_MEMO_ENTRIES:
                self._answers.clear()
            answer = self._answers[key] = self._classify_referrer(
                referrer, key[1], index, exclude_unknown_urls
            )
        return answer

    def _classify_referrer(
        self, referrer: str, page_host: str, index: UrlIndex, exclude_unknown_urls: bool
    ) -> tuple[int, str | None, str | None]:
        """Direct entry, search engine, social network or website (§5.2 steps 4-7)."""
        parts = split_url(referrer) if referrer else None
        host = host_of(referrer) if parts is not None else ""
        if parts is None or not host:
            return DIRECT_ENTRY, None, None
        if _is_direct(host, parts.path, page_host, index, exclude_unknown_urls):
            return DIRECT_ENTRY, None, None
        engine = self.definitions.search_engine(referrer)
        if engine is not None:
            return SEARCH_ENGINE, engine.name[:_MAX_NAME], _cut(engine.keyword)
        network = self.definitions.social_network(referrer)
        if network is not None:
            return SOCIAL_NETWORK, network[:_MAX_NAME], ""
        return WEBSITE, _website_name(host, parts.path, page_host, index), None

    def _stored_referrer_url(self, referrer: str, url_filter: Callable[[str], str] | None) -> str:
        if not referrer:
            return ""
        cleaned = url_filter(referrer) if url_filter else referrer
        if "?" not in cleaned:
            return cleaned[:_MAX_URL]
        return remove_query_params(cleaned, _noise_params(host_of(cleaned).lower()))[:_MAX_URL]


@lru_cache(maxsize=16_384)
def _noise_params(host: str) -> frozenset[str]:
    """The engine-specific tracking parameters to drop for a referrer host."""
    noise: set[str] = set()
    for host_parts, params in _NOISE_PARAMS:
        if any(part in host for part in host_parts):
            noise |= params
    return frozenset(noise)


def _campaign_possible(page_url: str, referrer: str, hit_name: str | None) -> bool:
    """Cheap pre-check: a campaign needs hit parameters, a query or fragment, or an ad referrer."""
    return bool(
        hit_name or "?" in page_url or "#" in page_url or "googleads" in referrer or "doubleclick" in referrer
    )


def _ignores_referrer(page_url: str) -> bool:
    parts = split_url(page_url)
    if parts is None or not parts.query:
        return False
    return any(query_param(parts.query, p) == "1" for p in ("ignore_referrer", "ignore_referer"))


def _is_excluded(referrer: str, excluded_referrers: Sequence[str]) -> bool:
    """Does the referrer match the site's or the global excluded referrers (host,
    '.domain' wildcard, path prefix)?"""
    if not excluded_referrers:
        return False
    parts = split_url(referrer)
    host = host_of(referrer) if parts is not None else ""
    if parts is None or not host:
        return False
    return url_index(tuple(excluded_referrers)).owners(host, parts.path) is not None


def _is_direct(host: str, path: str, page_host: str, index: UrlIndex, exclude_unknown_urls: bool) -> bool:
    """Direct when the URL's owning site (deepest matching path) includes this one; a
    URL owned only by other sites is not; one owned by none is direct when it has
    the page's host, unless the site excludes unknown URLs (Matomo's fallback)."""
    owners = index.owners(host, path, page_host=page_host)
    if owners is not None:
        return OWN in owners
    return not exclude_unknown_urls and page_host.lower() == host.lower()


def _website_name(host: str, path: str, page_host: str, index: UrlIndex) -> str:
    """Lower-cased host (with 'www.'), plus a matching site URL's path when it has one."""
    name = host.lower()
    site_path = index.matching_path(host, path, page_host=page_host)
    if site_path and site_path != "/":
        name += site_path.rstrip("/")
    return name[:_MAX_NAME]


def _adwords_source(referrer: str) -> tuple[str, str]:
    """(host of the ad's page, ad type) for a googleads/doubleclick referrer, else ('', '')."""
    if "googleads" not in referrer and "doubleclick" not in referrer:
        return "", ""
    parts = split_url(referrer)
    host = host_of(referrer) if parts is not None else ""
    if parts is None or not host or not parts.query:
        return "", ""
    if "googleads" not in host and "doubleclick" not in host:
        return "", ""
    target = php_trim(urldecode(query_param(parts.query, "url") or ""))
    target_host = host_of(target) if target else ""
    ad_type = php_trim(urldecode(query_param(parts.query, "ad_type") or ""))
    return target_host, ad_type


def _keyword_of_same_campaign(name: str, current_visit: ReferrerInfo | None, host: str) -> str:
    """No keyword: keep the visit's own if it is the same campaign, else the referrer host."""
    if (
        current_visit is not None
        and current_visit.referer_type == CAMPAIGN
        and (current_visit.referer_name or "").lower() == name
    ):
        return current_visit.referer_keyword or ""
    return host


def _campaign_info(campaign: _Campaign, stored_url: str) -> ReferrerInfo:
    details = campaign.details
    return ReferrerInfo(
        referer_type=CAMPAIGN,
        referer_name=campaign.name,
        referer_keyword=campaign.keyword,
        referer_url=stored_url,
        campaign_name=campaign.name,
        campaign_keyword=campaign.keyword or None,
        **details.columns(),
    )


def _lowered_campaign(kind: int, name: str | None, keyword: str | None) -> tuple[int, str | None, str | None]:
    """Campaign names and keywords are stored lower-case (and cut to the column)."""
    if kind != CAMPAIGN:
        return kind, name, keyword
    return kind, _cut(name.lower() if name else name), _cut(keyword.lower() if keyword else keyword)


def _cut(value: str | None) -> str | None:
    return value[:_MAX_NAME] if value is not None else None
