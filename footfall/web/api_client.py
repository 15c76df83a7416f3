"""The UI's only way to data: the Reporting API, called in-process as the logged-in user.

Each call goes through the API's own entry point (`api.dispatch.handle_api`)
with the session's token in a POST body, exactly as an HTTP client's request
would, so the UI sees the same access checks, generic filters and JSON shapes
as every other API client — and never touches SQL.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from footfall.api.dispatch import handle_api

log = logging.getLogger("footfall.web")
_UNKNOWN_METHOD_HINT = "does not exist or is not available"


@dataclass(frozen=True)
class ApiResult:
    """A method's decoded JSON answer, or why there is none."""

    method: str
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def scalar(self) -> Any:
        """A scalar answer without the API's {"value": ...} wrapper."""
        if isinstance(self.value, dict) and set(self.value) == {"value"}:
            return self.value["value"]
        return self.value

    @property
    def unavailable(self) -> bool:
        """The method is not part of this Footfall (yet): a softer message than an error."""
        return self.error is not None and _UNKNOWN_METHOD_HINT in self.error


class ApiClient:
    """Calls API methods for one request of one logged-in user."""

    def __init__(self, request: Request, token: str) -> None:
        self._request = request
        self._token = token

    async def call(self, method: str, **params: Any) -> ApiResult:
        fields = {"module": "API", "method": method, "format": "json",
                  **{k: str(v) for k, v in params.items() if v is not None}}
        body = urlencode({**fields, "token_auth": self._token}).encode()
        try:
            response = await handle_api(_api_request(self._request, body))
        except Exception as error:  # a broken report must not take the page down
            log.exception("UI call of %s failed", method)
            return ApiResult(method, error=f"{type(error).__name__}: {error}")
        return _decode(method, bytes(response.body))


def _api_request(parent: Request, body: bytes) -> Request:
    """A POST /index.php request on the same app, carrying `body` as its form."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": "POST", "scheme": parent.url.scheme, "path": "/index.php", "raw_path": b"/index.php",
        "root_path": "", "query_string": b"",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded"),
                    (b"content-length", str(len(body)).encode()),
                    (b"host", parent.headers.get("host", "localhost").encode())],
        "client": parent.scope.get("client"), "server": parent.scope.get("server"),
        "app": parent.scope["app"], "state": {},
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def _decode(method: str, body: bytes) -> ApiResult:
    try:
        value = json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return ApiResult(method, error=text[:300] or "the API gave an empty answer")
    if isinstance(value, dict) and value.get("result") == "error":
        return ApiResult(method, error=str(value.get("message", "unknown error")))
    return ApiResult(method, value=value)
