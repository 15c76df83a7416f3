"""Tracking endpoints: /matomo.php and /piwik.php (filled in by the tracking issue)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

NOTICE = (
    "This resource is part of Matomo. Keep full control of your data with the leading "
    "free and open source web analytics & conversion optimisation platform.<br>\n"
    "This file is the endpoint for the Matomo tracking API. If you want to access the "
    "Matomo UI or use the Reporting API, please use index.php instead.\n"
)


async def tracking_endpoint(request: Request) -> Response:
    if request.method == "GET" and not request.query_params:
        return PlainTextResponse(NOTICE, media_type="text/html")
    return PlainTextResponse(NOTICE, status_code=400, media_type="text/html")
