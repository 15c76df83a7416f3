"""Reporting API entry: /index.php?module=API&method=Module.method.

A registry maps 'Module.method' to a Python function; the dispatcher finds it,
checks access, passes the request's parameters and renders the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from footfall import MATOMO_COMPAT_VERSION
from footfall.errors import FootfallError
from footfall.services import Services

ApiFunction = Callable[["ApiCall"], Any]


@dataclass(frozen=True)
class ApiCall:
    """One API method call: its parameters and the running services."""

    services: Services
    params: Mapping[str, str]


METHODS: dict[str, ApiFunction] = {}


def api_method(name: str) -> Callable[[ApiFunction], ApiFunction]:
    """Register a function as the API method `name` ('Module.method')."""

    def register(function: ApiFunction) -> ApiFunction:
        METHODS[name] = function
        return function

    return register


@api_method("API.getMatomoVersion")
def get_matomo_version(call: ApiCall) -> dict[str, str]:
    return {"value": MATOMO_COMPAT_VERSION}


async def handle_api(request: Request) -> Response:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    services: Services = request.app.state.services
    method = params.get("method", "")
    function = METHODS.get(method)
    if function is None:
        return _error(f"The method '{method}' does not exist or is not available in the module.")
    try:
        result = function(ApiCall(services=services, params=params))
    except FootfallError as error:
        return _error(str(error))
    return JSONResponse(result)


def _error(message: str) -> Response:
    # Matomo answers API errors with HTTP 200 and this body in JSON format.
    return JSONResponse({"result": "error", "message": message})
