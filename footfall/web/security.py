"""What every UI page needs to be safe: the session, CSRF checks and protective headers.

Pages are guarded by `viewer_required`; POST forms carry a CSRF token bound
to the session (or, for the login form, to a signed nonce cookie) and must
come from our own origin. Every page is sent with a Content-Security-Policy
that allows nothing but Footfall's own origin.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from footfall.auth import sessions
from footfall.services import Services

SESSION_COOKIE = "footfall_session"
LOGIN_NONCE_COOKIE = "footfall_login_nonce"
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
    "base-uri 'none'", "object-src 'none'",
])
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

Handler = Callable[[Request], Awaitable[Response]]
MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a urlencoded form POST (the UI's forms are small and never multipart)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def secret(request: Request) -> bytes:
    """The session-signing secret, read once per process."""
    services: Services = request.app.state.services
    cached = services.components.get("session_secret")
    if cached is None:
        cached = await run_in_threadpool(sessions.session_secret, services.db.writer)
        services.components["session_secret"] = cached
    return bytes(cached)


async def current_session(request: Request) -> sessions.Session | None:
    """The logged-in session of this request, or None."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    token = sessions.unsign_cookie(await secret(request), cookie)
    if token is None:
        return None
    services: Services = request.app.state.services
    return await run_in_threadpool(sessions.session_for_token, services.db.writer, token)


def redirect_to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


async def anonymous_may_view(request: Request) -> bool:
    """Whether an administrator let anonymous users view some site's reports (as in Matomo)."""
    from footfall.web.api_client import ApiClient

    found = await ApiClient(request, "").call("SitesManager.getSitesIdWithAtLeastViewAccess")
    return found.ok and isinstance(found.value, list) and bool(found.value)


def viewer_token(request: Request) -> str:
    """The token the page calls the API with: the session's, or none for the anonymous user."""
    session = getattr(request.state, "session", None)
    return session.token if session is not None else ""


def viewer_required(handler: Handler) -> Handler:
    """Run `handler` for a logged-in user (`request.state.session`), or for the anonymous user
    when some site's reports are public; anybody else is sent to the login page. The API
    still checks every site's access for whoever the viewer is."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        request.state.session = await current_session(request)
        if request.state.session is None and not await anonymous_may_view(request):
            return redirect_to_login(request)
        return await handler(request)

    return guarded


def same_origin(request: Request) -> bool:
    """A POST must come from one of our pages: check Origin (or Referer) against Host."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return True  # old browsers and non-browser clients: the CSRF token still applies
    return urlsplit(source).netloc == request.headers.get("host", "")


def safe_next(target: str | None) -> str:
    """Only local paths may follow a login (no open redirect to another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def is_secure(request: Request) -> bool:
    """HTTPS here, or behind a TLS proxy (Matomo's `[General] assume_secure_protocol`)."""
    services: Services = request.app.state.services
    return (request.url.scheme == "https"
            or services.settings.get_int("General", "assume_secure_protocol") == 1)


def set_session_cookie(response: Response, request: Request, value: str, *, max_age: int | None) -> None:
    response.set_cookie(SESSION_COOKIE, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=is_secure(request), path="/")


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax",
                           secure=is_secure(request), path="/")
