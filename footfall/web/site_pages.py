"""The site picker ("All websites") and a site's tracking-code page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from footfall.web.api_client import ApiClient
from footfall.web.dashboard import tracking_tag
from footfall.web.formatting import as_number
from footfall.web.period_picker import read_selection
from footfall.web.rendering import render
from footfall.web.security import viewer_required, viewer_token
from footfall.web.site_context import (
    SiteInfo,
    SiteUnavailable,
    my_sites,
    page_context,
    unavailable_response,
)


@dataclass(frozen=True)
class SiteRow:
    site: SiteInfo
    visits: float | None = None
    pageviews: float | None = None
    bounce_rate: str | None = None


async def _per_site(client: ApiClient, method: str, period: str, date: str) -> dict[str, Any]:
    """One report for all the viewer's sites at once (the API's idSite=all, keyed by id)."""
    result = await client.call(method, idSite="all", period=period, date=date)
    return result.value if result.ok and isinstance(result.value, dict) else {}


async def _site_rows(client: ApiClient, sites: tuple[SiteInfo, ...],
                     period: str, date: str) -> list[SiteRow]:
    visits = await _per_site(client, "VisitsSummary.get", period, date)
    actions = await _per_site(client, "Actions.get", period, date)
    rows = []
    for site in sites:
        summary = visits.get(str(site.idsite))
        pages = actions.get(str(site.idsite))
        summary = summary if isinstance(summary, dict) else {}
        pages = pages if isinstance(pages, dict) else {}
        rows.append(SiteRow(site, as_number(summary.get("nb_visits", 0 if visits else None)),
                            as_number(pages.get("nb_pageviews", 0 if actions else None)),
                            summary.get("bounce_rate")))
    return rows


@viewer_required
async def sites_page(request: Request) -> Response:
    """Every site the user may view; with exactly one, go straight to its dashboard."""
    client = ApiClient(request, viewer_token(request))
    result, sites = await my_sites(client)
    if len(sites) == 1 and "all" not in request.query_params:
        return RedirectResponse(f"/site/{sites[0].idsite}", status_code=303)
    selection = read_selection(dict(request.query_params), "UTC")
    rows = await _site_rows(client, sites, **selection.params())
    return await render(request, "sites.html", {
        "rows": rows, "selection": selection,
        "error": None if result.ok else result.error, "page": "sites",
    })


@viewer_required
async def tracking_code_page(request: Request) -> Response:
    try:
        context = await page_context(request)
    except SiteUnavailable as error:
        return await unavailable_response(request, error)
    tag = await tracking_tag(context.client, context.site.idsite, request)
    image = await context.client.call("SitesManager.getImageTrackingCode",
                                      idSite=context.site.idsite, piwikUrl=str(request.base_url))
    return await render(request, "tracking_code.html", {
        **context.template_values(), "page": "tracking", "tag": tag, "image": image,
        "tracker_url": str(request.base_url) + "matomo.php",
    })
