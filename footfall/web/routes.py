"""The web UI's routes, mounted by `footfall.app`.

`/` is shared with the Reporting API (`/?module=API...`); `app.index` sends
everything else to `front_page` here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from footfall.web.auth_pages import login_page, login_submit, logout
from footfall.web.dashboard import dashboard_page
from footfall.web.rendering import STATIC
from footfall.web.security import anonymous_may_view, current_session
from footfall.web.site_pages import sites_page, tracking_code_page
from footfall.web.visits_log import visits_log_page


async def front_page(request: Request) -> Response:
    """The site picker when logged in or when some reports are public, else the login form
    (at `/`, as Matomo does)."""
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
