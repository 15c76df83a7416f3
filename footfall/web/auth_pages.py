"""Login and logout pages.

The login form is protected against CSRF by a random nonce in a short-lived
cookie and its MAC in the form (an attacker's page can read neither). Failed
logins are counted per client address; too many in a window are refused for a
while, as Matomo's brute-force protection does.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from footfall.api import access
from footfall.auth import sessions
from footfall.services import Services
from footfall.web.rendering import render
from footfall.web.security import (
    CSRF_FIELD,
    LOGIN_NONCE_COOKIE,
    clear_session_cookie,
    current_session,
    is_secure,
    read_form,
    safe_next,
    same_origin,
    secret,
    set_session_cookie,
)

MAX_FAILURES = 10
FAILURE_WINDOW_SECONDS = 15 * 60
TOO_MANY = "Too many failed logins. Please wait and try logging in again later."
WRONG = "Wrong username or password."
EXPIRED_FORM = "The login form has expired. Please try again."


class LoginThrottle:
    """Failed login times per client address, kept in memory for the window."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, address: str) -> deque[float]:
        times = self._failures[address]
        while times and times[0] < time.monotonic() - FAILURE_WINDOW_SECONDS:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= MAX_FAILURES

    def failed(self, address: str) -> None:
        self._recent(address).append(time.monotonic())

    def succeeded(self, address: str) -> None:
        self._failures.pop(address, None)


def _throttle(request: Request) -> LoginThrottle:
    services: Services = request.app.state.services
    return services.components.setdefault("login_throttle", LoginThrottle())


async def login_page(request: Request, *, error: str | None = None, status_code: int = 200,
                     login: str = "") -> Response:
    """The login form, with a fresh nonce cookie for its CSRF token."""
    if error is None and await current_session(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    nonce = secrets.token_urlsafe(16)
    engine = request.app.state.services.db.writer
    context = {"login_csrf": sessions.csrf_token(await secret(request), nonce), "error": error,
               "next": safe_next(request.query_params.get("next")), "login": login,
               "first_run": not await run_in_threadpool(sessions.any_password_user, engine)}
    response = await render(request, "login.html", context, status_code=status_code)
    response.set_cookie(LOGIN_NONCE_COOKIE, nonce, max_age=3600, httponly=True, samesite="lax",
                        secure=is_secure(request), path="/")
    return response


async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    login, password = form.get("login", "").strip(), form.get("password", "")
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE)
    if not same_origin(request) or not sessions.csrf_matches(
            await secret(request), nonce, form.get(CSRF_FIELD, "")):
        return await login_page(request, error=EXPIRED_FORM, status_code=403, login=login)
    address = request.client.host if request.client else "unknown"
    throttle = _throttle(request)
    if throttle.blocked(address):
        return await login_page(request, error=TOO_MANY, status_code=429, login=login)
    engine = request.app.state.services.db.writer
    who = await run_in_threadpool(sessions.check_password, engine, login, password)
    if who is None:
        throttle.failed(address)
        return await login_page(request, error=WRONG, status_code=401, login=login)
    throttle.succeeded(address)
    remember = form.get("remember") == "1"
    token = await run_in_threadpool(sessions.start_session, engine, who, remember=remember)
    response = RedirectResponse(safe_next(form.get("next", "/")), status_code=303)
    lifetime = sessions.REMEMBERED_LIFETIME if remember else None
    set_session_cookie(response, request, sessions.sign_cookie(await secret(request), token),
                       max_age=int(lifetime.total_seconds()) if lifetime else None)
    response.delete_cookie(LOGIN_NONCE_COOKIE, path="/")
    return response


async def logout(request: Request) -> Response:
    """End the session (POST with the session's CSRF token), then show the login page."""
    session = await current_session(request)
    response = RedirectResponse("/login", status_code=303)
    if session is None:
        clear_session_cookie(response, request)
        return response
    form = await read_form(request)
    if not same_origin(request) or not sessions.csrf_matches(
            await secret(request), session.token, form.get(CSRF_FIELD, "")):
        return Response("Logout refused: the form's security token is missing or wrong. "
                        "Reload the page and try again.", status_code=403, media_type="text/plain")
    services: Services = request.app.state.services
    await run_in_threadpool(sessions.end_session, services.db.writer, session.token)
    access.caches(services).tokens.clear()  # the API must not honour the token from its cache
    clear_session_cookie(response, request)
    return response
