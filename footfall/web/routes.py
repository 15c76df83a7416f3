"""The web UI's routes, mounted by `footfall.app`.

`/` is shared with the Reporting API (`/?module=API...`); `app.index` sends
everything else to `front_page` here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from footfall.web.auth_pages import login_page, login_submit, logout
from footfall.web.dashboard import dashboard_page
from footfall.web.rendering import STATIC
from footfall.web.security import anonymous_may_view, current_session
from footfall.web.site_pages import sites_page, tracking_code_page
from footfall.web.visits_log import visits_log_page

Endpoint = Callable[[Request], Awaitable[Response]]
# Matomo's UI modules whose addresses map onto Footfall's dashboard.
MATOMO_UI_MODULES = ("CoreHome", "Dashboard", "MultiSites")


def matomo_link_target(request: Request) -> str | None:
    """Where a Matomo UI address (a bookmark such as `index.php?module=CoreHome&action=index
    &idSite=1&period=day&date=yesterday`) lives in Footfall's UI, if it is one."""
    query = request.query_params
    if request.method != "GET" or query.get("module") not in MATOMO_UI_MODULES:
        return None
    period = urlencode({k: query[k] for k in ("period", "date") if query.get(k)})
    idsite = query.get("idSite", "")
    if query.get("module") == "MultiSites" or not idsite.isdecimal():
        return "/?all=1" + (f"&{period}" if period else "")
    return f"/site/{int(idsite)}" + (f"?{period}" if period else "")


def with_matomo_links(endpoint: Endpoint) -> Endpoint:
    """Send Matomo UI addresses to the UI; everything else goes on to `endpoint`."""

    async def route(request: Request) -> Response:
        target = matomo_link_target(request)
        if target is not None:
            return RedirectResponse(target, status_code=302)
        return await endpoint(request)

    return route


async def front_page(request: Request) -> Response:
    """The site picker when logged in or when some reports are public, else the login form
    (at `/`, as Matomo does)."""
    target = matomo_link_target(request)
    if target is not None:
        return RedirectResponse(target, status_code=302)
    if await current_session(request) is None and not await anonymous_may_view(request):
        return await login_page(request)
    return await sites_page(request)


async def _login(request: Request) -> Response:
    return await login_page(request)


def web_routes() -> list[BaseRoute]:
    """Every UI route except `/` (which app.py shares with the API)."""
    return [
        Route("/login", _login, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/site/{idsite:int}", dashboard_page, methods=["GET"]),
        Route("/site/{idsite:int}/visits", visits_log_page, methods=["GET"]),
        Route("/site/{idsite:int}/tracking-code", tracking_code_page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
