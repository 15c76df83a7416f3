"""Campaign parameters in a landing URL (reference §5.2 step 3).

Matomo core reads a campaign name and keyword; the detailed fields (source,
medium, content, id, group, placement) follow the parameter families of Matomo's
MarketingCampaignsReporting plugin and are returned separately, so that storing
them is the caller's choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from footfall.tracker.enrich.urlparts import php_trim, query_params, split_url, urldecode

# [Tracker] campaign_var_name and campaign_keyword_var_name defaults, in priority order.
CAMPAIGN_NAME_PARAMS: tuple[str, ...] = (
    "pk_cpn", "pk_campaign", "piwik_campaign", "mtm_campaign", "matomo_campaign",
    "utm_campaign", "utm_source", "utm_medium",
)  # fmt: skip
CAMPAIGN_KEYWORD_PARAMS: tuple[str, ...] = (
    "pk_kwd", "pk_keyword", "piwik_kwd", "mtm_kwd", "mtm_keyword", "matomo_kwd", "utm_term",
)  # fmt: skip

# Detailed campaign dimensions: parameter families per field, in priority order.
_DETAIL_PARAMS: dict[str, tuple[str, ...]] = {
    "campaign_source": ("mtm_source", "matomo_source", "pk_source", "piwik_source", "utm_source"),
    "campaign_medium": ("mtm_medium", "matomo_medium", "pk_medium", "piwik_medium", "utm_medium"),
    "campaign_content": (
        "mtm_content", "matomo_content", "pk_content", "piwik_content", "utm_content",
    ),
    "campaign_id": ("mtm_cid", "matomo_cid", "pk_cid", "piwik_cid", "utm_id"),
    "campaign_group": ("mtm_group", "matomo_group", "pk_group", "piwik_group"),
    "campaign_placement": ("mtm_placement", "matomo_placement", "pk_placement", "piwik_placement"),
}  # fmt: skip


@dataclass(frozen=True)
class CampaignDetails:
    """Campaign dimensions beyond name and keyword (lower-cased, None when absent)."""

    campaign_source: str | None = None
    campaign_medium: str | None = None
    campaign_content: str | None = None
    campaign_id: str | None = None
    campaign_group: str | None = None
    campaign_placement: str | None = None

    def columns(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class UrlCampaign:
    """What the landing URL says: name (raw case) and keyword ('' when none)."""

    name: str
    keyword: str
    details: CampaignDetails


def _first_value(params: dict[str, str], names: Sequence[str]) -> str:
    for name in names:
        raw = params.get(name)
        if raw:
            value = php_trim(urldecode(raw))
            if value:
                return value
    return ""


def _campaign_in(query: str, name_params: Sequence[str], keyword_params: Sequence[str]) -> UrlCampaign | None:
    params = query_params(query)
    name = _first_value(params, name_params)
    if not name:
        return None
    keyword = _first_value(params, keyword_params)
    details = {
        field_name: (_first_value(params, names).lower() or None)
        for field_name, names in _DETAIL_PARAMS.items()
    }
    return UrlCampaign(name=name, keyword=keyword, details=CampaignDetails(**details))


def campaign_from_url(
    page_url: str,
    *,
    name_params: Sequence[str] = CAMPAIGN_NAME_PARAMS,
    keyword_params: Sequence[str] = CAMPAIGN_KEYWORD_PARAMS,
) -> UrlCampaign | None:
    """The campaign of a landing URL: its query first, then its #fragment as a query.

    As in Matomo, the fragment is searched when the query has no campaign *or* has
    one without a keyword; a fragment campaign then replaces the query's.
    """
    parts = split_url(page_url)
    if parts is None:
        return None
    found = _campaign_in(parts.query, name_params, keyword_params) if parts.query else None
    if (found is None or not found.keyword) and parts.fragment:
        in_fragment = _campaign_in(parts.fragment, name_params, keyword_params)
        if in_fragment is not None:
            found = in_fragment
    return found
