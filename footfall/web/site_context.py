"""What every per-site page starts from: the site, the user's other sites, the period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from footfall.web.api_client import ApiClient, ApiResult
from footfall.web.period_picker import Selection, neighbour, presets, read_selection
from footfall.web.rendering import render
from footfall.web.security import redirect_to_login, viewer_token


@dataclass(frozen=True)
class SiteInfo:
    idsite: int
    name: str
    main_url: str = ""
    timezone: str = "UTC"
    currency: str = "USD"


@dataclass(frozen=True)
class PageContext:
    """The site a page is about, where the user can go from it, and the period shown."""

    client: ApiClient
    site: SiteInfo
    sites: tuple[SiteInfo, ...]
    selection: Selection

    def template_values(self) -> dict[str, Any]:
        return {"site": self.site, "sites": self.sites, "selection": self.selection,
                "previous_query": neighbour(self.selection, -1),
                "next_query": neighbour(self.selection, 1), "presets": presets()}


class SiteUnavailable(Exception):
    """The site does not exist or the user may not see it (the API said why)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def site_from_row(row: dict[str, Any]) -> SiteInfo:
    return SiteInfo(idsite=int(row.get("idsite", 0)), name=str(row.get("name", "")),
                    main_url=str(row.get("main_url", "")),
                    timezone=str(row.get("timezone") or "UTC"),
                    currency=str(row.get("currency") or "USD"))


async def my_sites(client: ApiClient) -> tuple[ApiResult, tuple[SiteInfo, ...]]:
    """The sites this user may view (the API decides), in the API's order."""
    result = await client.call("SitesManager.getSitesWithAtLeastViewAccess")
    rows = result.value if result.ok and isinstance(result.value, list) else []
    return result, tuple(site_from_row(r) for r in rows if isinstance(r, dict) and "idsite" in r)


async def page_context(request: Request) -> PageContext:
    """Load the site of `/site/{idsite}/...` as the logged-in user, and read the period."""
    client = ApiClient(request, viewer_token(request))
    idsite = int(request.path_params["idsite"])
    found = await client.call("SitesManager.getSiteFromId", idSite=idsite)
    _, sites = await my_sites(client)
    if found.ok and isinstance(found.value, dict):
        site = site_from_row(found.value)
    elif found.unavailable:  # older API without the method: the reports still check access
        site = next((s for s in sites if s.idsite == idsite), SiteInfo(idsite, f"Website {idsite}"))
    else:
        raise SiteUnavailable(found.error or "This website is not available.",
                              missing=found.status == 404)
    selection = read_selection(dict(request.query_params), site.timezone)
    return PageContext(client=client, site=site, sites=sites, selection=selection)


async def unavailable_response(request: Request, error: SiteUnavailable) -> Response:
    """A site the viewer may not see: anonymous viewers may log in, users are told why."""
    if getattr(request.state, "session", None) is None:
        return redirect_to_login(request)
    return await render(request, "error.html", {"message": str(error)},
                        status_code=404 if error.missing else 403)
