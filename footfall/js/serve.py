"""HTTP routes for the JavaScript tracker and the opt-out: caching, ETag and compression.

The minified tracker is read and compressed once per process; every response is
then a dictionary lookup. Browsers revalidate with If-None-Match and get a
304 without a body once their week-long cache entry is stale.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from footfall.config import Settings

try:  # optional: `pip install footfall[brotli]` saves about 10% over gzip on the tracker
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None

TRACKER_PATHS = ("/matomo.js", "/piwik.js", "/footfall.js")
# Matomo serves the tracker here too, and forwards hits to the tracking endpoint (ad-blocker workaround).
PROXY_PATHS = ("/js/", "/js/index.php", "/js/tracker.php")
OPTOUT_SCRIPT_PATH = "/footfall-optout.js"
OPTOUT_PAGE_PATH = "/footfall-optout.html"
# A week, then a cheap revalidation: the URL carries no version, so updates must reach browsers.
CACHE_CONTROL = "public, max-age=604800"
JS_MEDIA_TYPE = "application/javascript; charset=UTF-8"


@dataclass(frozen=True)
class Asset:
    """One file to serve, with its precompressed forms and its validator."""

    body: bytes
    media_type: str
    etag: str
    gzipped: bytes
    brotli: bytes | None

    def encoded(self, encoding: str | None) -> bytes:
        if encoding == "br" and self.brotli is not None:
            return self.brotli
        if encoding == "gzip":
            return self.gzipped
        return self.body


def make_asset(body: bytes, media_type: str) -> Asset:
    digest = hashlib.sha256(body).hexdigest()[:32]
    # mtime=0 keeps the gzip bytes identical across processes (and so across workers).
    gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    compressed_br = brotli.compress(body, quality=11) if brotli is not None else None
    # Weak: the same validator covers the identity, gzip and brotli representations.
    return Asset(body=body, media_type=media_type, etag=f'W/"{digest}"', gzipped=gzipped,
                 brotli=compressed_br)


@cache
def packaged_asset(filename: str, media_type: str) -> Asset:
    """A file shipped in footfall/js, loaded and compressed once."""
    body = resources.files("footfall.js").joinpath(filename).read_bytes()
    return make_asset(body, media_type)


def tracker_asset() -> Asset:
    return packaged_asset("footfall.min.js", JS_MEDIA_TYPE)


def choose_encoding(accept_encoding: str, *, has_brotli: bool) -> str | None:
    """The best encoding the client accepts: br, then gzip, else None (identity)."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        accepted[name.strip().lower()] = quality
    for encoding in ("br", "gzip"):
        if encoding == "br" and not has_brotli:
            continue
        if accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return None


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 prescribes for If-None-Match."""
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def asset_response(request: Request, asset: Asset) -> Response:
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": asset.etag, "Vary": "Accept-Encoding",
               "Access-Control-Allow-Origin": "*"}
    if etag_matches(request.headers.get("if-none-match", ""), asset.etag):
        return Response(status_code=304, headers=headers)
    encoding = choose_encoding(request.headers.get("accept-encoding", ""),
                               has_brotli=asset.brotli is not None)
    if encoding:
        headers["Content-Encoding"] = encoding
    body = b"" if request.method == "HEAD" else asset.encoded(encoding)
    response = Response(body, media_type=asset.media_type, headers=headers)
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(asset.encoded(encoding)))
    return response


async def serve_tracker(request: Request) -> Response:
    return asset_response(request, tracker_asset())


async def serve_optout_script(request: Request) -> Response:
    return asset_response(request, packaged_asset("optout.min.js", JS_MEDIA_TYPE))


async def serve_optout_page(request: Request) -> Response:
    return asset_response(request, packaged_asset("optout.html", "text/html; charset=UTF-8"))


def with_optout_pages(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Matomo's opt-out embed URLs on index.php (module=CoreAdminHome&action=optOut|optOutJS),
    so that opt-out code copied from Matomo keeps working; everything else goes to `endpoint`."""

    async def dispatch(request: Request) -> Response:
        if request.query_params.get("module") == "CoreAdminHome":
            action = request.query_params.get("action")
            if action == "optOut":
                return await serve_optout_page(request)
            if action == "optOutJS":
                return await serve_optout_script(request)
        return await endpoint(request)

    return dispatch


def proxy_endpoint(
    tracking: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """/js/...: a hit when POSTed (or preflighted) or given a query string, else the tracker."""

    async def endpoint(request: Request) -> Response:
        if request.method in ("POST", "OPTIONS") or request.url.query:
            return await tracking(request)
        return await serve_tracker(request)

    return endpoint


def custom_tracker_paths(settings: Settings) -> list[str]:
    """Extra tracker paths from `[Tracker] javascript_url[]` (and Matomo's `tracker_js_url`)."""
    tracker = settings.values.get("Tracker", {})
    names = list(tracker.get("javascript_url") or [])
    matomo_name = tracker.get("tracker_js_url")
    if isinstance(matomo_name, str) and matomo_name:
        names.append(matomo_name)
    return ["/" + str(name).lstrip("/") for name in names if str(name).strip()]


def js_routes(settings: Settings,
              tracking: Callable[[Request], Awaitable[Response]]) -> list[Route]:
    """Every route this module serves, for app.create_app."""
    methods = ["GET", "HEAD"]
    tracker_paths = dict.fromkeys([*TRACKER_PATHS, *custom_tracker_paths(settings)])
    return [
        *(Route(path, serve_tracker, methods=methods) for path in tracker_paths),
        *(Route(path, proxy_endpoint(tracking), methods=["GET", "HEAD", "POST", "OPTIONS"])
          for path in PROXY_PATHS),
        Route(OPTOUT_SCRIPT_PATH, serve_optout_script, methods=methods),
        Route(OPTOUT_PAGE_PATH, serve_optout_page, methods=methods),
    ]
