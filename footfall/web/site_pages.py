"""The site picker ("All websites") and a site's tracking-code page."""

from __future__ import annotations

from dataclasses import dataclass

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
    visits: float | None
    pageviews: float | None


async def _traffic(client: ApiClient, period: str, date: str) -> dict[int, tuple[float | None, ...]]:
    """Visits and pageviews per site from MultiSites.getAll; empty if that report is missing."""
    result = await client.call("MultiSites.getAll", period=period, date=date, filter_limit=-1)
    rows = result.value if result.ok and isinstance(result.value, list) else []
    return {int(r["idsite"]): (as_number(r.get("nb_visits")), as_number(r.get("nb_pageviews")))
            for r in rows if isinstance(r, dict) and str(r.get("idsite", "")).isdigit()}


@viewer_required
async def sites_page(request: Request) -> Response:
    """Every site the user may view; with exactly one, go straight to its dashboard."""
    client = ApiClient(request, viewer_token(request))
    result, sites = await my_sites(client)
    if len(sites) == 1 and "all" not in request.query_params:
        return RedirectResponse(f"/site/{sites[0].idsite}", status_code=303)
    selection = read_selection(dict(request.query_params), "UTC")
    traffic = await _traffic(client, selection.api_period, selection.api_date) if sites else {}
    rows = [SiteRow(s, *traffic.get(s.idsite, (None, None))) for s in sites]
    return await render(request, "sites.html", {
        "rows": rows, "selection": selection, "has_traffic": bool(traffic),
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
