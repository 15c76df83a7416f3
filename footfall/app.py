"""The ASGI application: tracker endpoints, Reporting API, UI and static JavaScript."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from footfall.api.dispatch import handle_api, is_api_request
from footfall.archive.scheduler import install as install_archiving_scheduler
from footfall.config import Settings, load_settings
from footfall.db import migrate
from footfall.db.engine import Database, open_database
from footfall.errors import FootfallError
from footfall.js.serve import js_routes, with_optout_pages
from footfall.services import Services
from footfall.tracker.http import (
    TrackerFastPath,
    drain_endpoint,
    handle_request,
    tracking_endpoint,
)
from footfall.tracker.service import COMPONENT as TRACKER_COMPONENT
from footfall.tracker.service import install as install_tracker
from footfall.web.routes import front_page, web_routes, with_matomo_links

log = logging.getLogger("footfall")


async def index(request: Request) -> Response:
    """`/`: the API when asked for module=API (query or form body), else the UI's front page."""
    if await is_api_request(request):
        return await handle_api(request)
    return await front_page(request)


async def _error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, FootfallError)
    return Response(str(error), status_code=error.status_code, media_type="text/plain")


def tracker_paths(settings: Settings) -> list[str]:
    return ["/matomo.php", "/piwik.php", *settings.get_list("Tracker", "tracker_url")]


def create_app(settings: Settings, db: Database | None = None) -> Starlette:
    """Build the application for `settings` (opening the database unless given)."""
    database = db or open_database(settings)
    services = Services(settings=settings, db=database)
    install_tracker(services)
    install_archiving_scheduler(services)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.stop()

    routes = [
        Route("/", index, methods=["GET", "POST"]),
        Route("/index.php", with_matomo_links(with_optout_pages(handle_api)), methods=["GET", "POST"]),
        *(Route(path, tracking_endpoint, methods=["GET", "POST", "OPTIONS"])
          for path in tracker_paths(settings)),
        Route("/_footfall/ingest/drain", drain_endpoint, methods=["GET", "POST"]),
        *js_routes(settings, handle_request),
        *web_routes(),
    ]
    fast_tracker = Middleware(TrackerFastPath, paths=tracker_paths(settings))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[fast_tracker],
                    exception_handlers={FootfallError: _error_handler})
    app.state.services = services
    return app


def fast_tracker_app(app: Starlette, settings: Settings) -> TrackerFastPath:
    """`app` behind a tracker fast path that answers tracking requests before any
    Starlette layer (they need none of them): what `footfall serve` runs."""
    tracker = app.state.services.components[TRACKER_COMPONENT]
    return TrackerFastPath(app, tracker_paths(settings), tracker=tracker)


def app_from_env() -> TrackerFastPath:
    """Factory for uvicorn workers: settings come from the FOOTFALL_* environment."""
    settings = load_settings(config_file=os.environ.get("FOOTFALL_CONFIG") or None)
    database = open_database(settings)
    migrate.upgrade(database.writer)
    return fast_tracker_app(create_app(settings, database), settings)
