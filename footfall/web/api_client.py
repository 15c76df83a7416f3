"""The UI's only way to data: the Reporting API, called in-process as the logged-in user.

Each call goes through the API's in-process entry (`api.dispatch.call_in_process`)
with the session's token, so the UI gets the same access checks and generic
filters as every API client, and decodes the same JSON shapes (§2.2 of the
reference) — it never touches SQL. Calls run in a worker thread, so that a
report being archived does not hold up the server's event loop.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from footfall.api.dispatch import call_in_process
from footfall.api.render import render_result
from footfall.api.render.model import RenderOptions
from footfall.errors import FootfallError
from footfall.services import Services

log = logging.getLogger("footfall.web")
_UNKNOWN_METHOD_HINTS = ("does not exist or is not available", "is not enabled")

@dataclass(frozen=True)
class ApiResult:
    """A method's decoded JSON answer, or why there is none."""

    method: str
    value: Any = None
    error: str | None = None
    status: int = 200  # the HTTP status of the error class (404 for a missing site, ...)

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
        return self.error is not None and any(h in self.error for h in _UNKNOWN_METHOD_HINTS)


class ApiClient:
    """Calls API methods for one request of one logged-in user."""

    def __init__(self, request: Request, token: str) -> None:
        self._services: Services = request.app.state.services
        self._token = token

    async def call(self, method: str, **params: Any) -> ApiResult:
        fields = {"module": "API", "method": method, "format": "json",
                  **{k: str(v) for k, v in params.items() if v is not None}}
        return await run_in_threadpool(self._run, method, fields)

    def _run(self, method: str, fields: dict[str, str]) -> ApiResult:
        try:
            result = call_in_process(self._services, fields, self._token)
            body, _ = render_result(result, "json", RenderOptions(method=method))
        except FootfallError as error:
            return ApiResult(method, error=html.unescape(str(error)), status=error.status_code)
        except Exception as error:  # a broken report must not take the page down
            log.exception("UI call of %s failed", method)
            return ApiResult(method, error=f"{type(error).__name__}: {error}")
        return _decode(method, body)


def _decode(method: str, body: str | bytes) -> ApiResult:
    try:
        value = json.loads(body)
    except ValueError:
        return ApiResult(method, error="the API gave an answer that is not JSON")
    if isinstance(value, dict) and value.get("result") == "error":
        # The API escapes its messages for XML; the templates escape what they show.
        return ApiResult(method, error=html.unescape(str(value.get("message", "unknown error"))))
    return ApiResult(method, value=value)
