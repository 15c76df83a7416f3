"""Reporting API entry: /index.php?module=API&method=Module.method.

`handle_api` turns an HTTP request into an `ApiCall` (merged parameters, the
caller resolved from `token_auth`), finds the method — registered with
`api_method`, or generated for every report of the report registry — checks
the access it declares, runs it and renders the result in the requested
format. Errors are mapped to Matomo's status codes and bodies here, in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from footfall.api import access, params
from footfall.api.postprocess import finish_result
from footfall.api.render import InvalidFormat, check_format, render_error, render_result
from footfall.api.render.model import RenderOptions, Success
from footfall.api.render.values import xml_escape
from footfall.auth.users import User
from footfall.errors import BadRequest, FootfallError, PayloadTooLarge, Unauthorized
from footfall.services import Services

log = logging.getLogger("footfall.api")

ApiFunction = Callable[["ApiCall"], Any]
# What a method needs before it runs (checked by the dispatcher):
#   view       view access to every site of `idSite` (reports, most getters)
#   some_view  view access to at least one site
#   superuser  a superuser token
#   none       nothing (public methods such as API.getSettings)
#   self       the method checks access itself (it must refuse when it should)
ACCESS_KINDS = ("view", "some_view", "superuser", "none", "self")


class Http400(BadRequest):
    """Errors Matomo raises as BadRequestException, answered with HTTP 400 (most API
    errors are HTTP 200 with an error body)."""


class MethodNotFound(Http400):
    """Unknown module or method: Matomo answers HTTP 400."""


@dataclass(frozen=True)
class ApiCall:
    """One API method call: its parameters, the running services and the caller."""

    services: Services
    params: Mapping[str, Any]
    user: User | None = None  # None: the anonymous user
    http: bool = True  # False for calls made inside the API (bulk sub-requests)
    base_url: str = ""  # where this Footfall was reached, e.g. 'https://stats.example/'

    @property
    def login(self) -> str:
        return self.user.login if self.user else "anonymous"


@dataclass(frozen=True)
class MethodSpec:
    name: str
    function: ApiFunction
    access: str = "self"
    # True: the result is a report-like list that generic array filters apply to.
    doc: str = field(default="", compare=False)


METHODS: dict[str, MethodSpec] = {}


def api_method(name: str, *, access: str = "self") -> Callable[[ApiFunction], ApiFunction]:
    """Register a function as the API method `name` ('Module.method')."""
    if access not in ACCESS_KINDS:
        raise ValueError(f"unknown access kind {access!r} for {name}")

    def register(function: ApiFunction) -> ApiFunction:
        METHODS[name] = MethodSpec(name, function, access, (function.__doc__ or "").strip())
        return function

    return register


_modules_loaded = False


def _load_method_modules() -> None:
    """Import the modules that register API methods (each registers on import), once."""
    global _modules_loaded
    if _modules_loaded:
        return
    import importlib

    for module in ("footfall.api.api_meta", "footfall.api.sites_api", "footfall.api.users_api",
                   "footfall.admin.api", "footfall.api.live", "footfall.api.multisites",
                   "footfall.api.evolution", "footfall.api.api_get"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
    _modules_loaded = True


def all_method_names() -> list[str]:
    """Every callable method: registered ones and one per report of the registry."""
    from footfall.api import report_api

    _load_method_modules()
    return sorted({*METHODS, *report_api.report_method_names()})


def find_method(name: str) -> MethodSpec:
    """The method called `name`, or Matomo's error for an unknown plugin or method."""
    from footfall.api import report_api

    _load_method_modules()
    if name.count(".") != 1:
        raise BadRequest("The method name is invalid. Expected 'module.methodName'")
    spec = METHODS.get(name)
    if spec is not None:
        return spec
    report = report_api.method_spec(name)
    if report is not None:
        return report
    module, action = name.split(".")
    known_modules = {n.split(".")[0] for n in all_method_names()}
    if module not in known_modules:
        raise BadRequest(f"The plugin {module} is not enabled. You can activate the plugin on "
                         "Settings > Plugins page in Matomo.")
    raise MethodNotFound(f"The method '{action}' does not exist or is not available in the "
                         f"module '\\Piwik\\Plugins\\{module}\\API'.")


def check_access(spec: MethodSpec, call: ApiCall) -> None:
    services, who = call.services, call.user
    if spec.access == "view":
        ids = requested_site_ids(call)
        for idsite in ids:
            access.check_site_access(services, who, idsite, "view")
    elif spec.access == "some_view":
        access.check_some_access(services, who)
    elif spec.access == "superuser":
        access.check_superuser(who)


def requested_site_ids(call: ApiCall) -> list[int]:
    """The sites of `idSite` (a list or 'all', which means the caller's sites)."""
    raw = params.required(call.params, "idSite")
    if str(raw).strip().lower() == "all":
        ids = access.sites_with_access(call.services, call.user)
        if not ids:
            raise Unauthorized("You can't access this resource as it requires view access "
                               "for at least one website.")
        return ids
    ids = params.site_ids(raw)
    if not ids:
        raise BadRequest("The parameter 'idSite=' is missing from the request.")
    return ids


def run_call(name: str, call: ApiCall) -> Any:
    """Find, check and run one method; the raw result (before rendering)."""
    spec = find_method(name)
    check_access(spec, call)
    return spec.function(call)


def call_in_process(services: Services, params: Mapping[str, Any], token: str) -> Any:
    """Run one method as the owner of `token` (sent as by POST), for in-process callers such
    as the web UI: the same access checks and result as over HTTP, before rendering.
    Synchronous (run it in a thread); raises FootfallError where handle_api would render one."""
    who = access.user_for_token(services, token, via_post=True)
    call = ApiCall(services=services, params=params, user=who)
    return finish_result(run_call(str(params.get("method") or ""), call), params, http=True)


# --- HTTP -------------------------------------------------------------------------


async def request_params(request: Request) -> tuple[dict[str, Any], bool]:
    """GET and POST parameters merged (GET wins), and whether token_auth came by POST."""
    get = params.parse_pairs(request.query_params.multi_items())
    post: dict[str, Any] = {}
    if request.method == "POST":
        body = await request.body()
        if len(body) > 50 * 1024 * 1024:
            raise PayloadTooLarge("The request body is too large.")
        content_type = request.headers.get("content-type", "")
        if "multipart/form-data" in content_type:
            form = await request.form()
            post = params.parse_pairs((k, v) for k, v in form.multi_items() if isinstance(v, str))
        elif body:
            post = params.parse_query(body.decode("utf-8", "replace"))
    token_by_post = bool(post.get("token_auth")) and not get.get("token_auth")
    return params.merge(get, post), token_by_post


async def is_api_request(request: Request) -> bool:
    """`module=API` in the query string or in a form body (import_logs.py POSTs to `/`)."""
    if request.query_params.get("module") == "API":
        return True
    if request.method != "POST" or "multipart/" in request.headers.get("content-type", ""):
        return False
    body = await request.body()  # Starlette keeps it for whoever reads the request next
    return params.parse_query(body.decode("utf-8", "replace")).get("module") == "API"


def render_options(merged: Mapping[str, Any], request: Request | None = None) -> RenderOptions:
    """The parameters that shape rendering (not the data)."""
    def on(name: str) -> bool:
        return str(merged.get(name, "0")).strip() not in ("", "0", "false")

    base_url = str(request.base_url).rstrip("/") + "/index.php" if request else ""
    callback = merged.get("callback", merged.get("jsoncallback"))
    return RenderOptions(
        expanded=on("expanded") and not merged.get("label"),
        hide_idsubtable=on("hideIdSubDatable"),
        translate_column_names=on("translateColumnNames"),
        convert_to_unicode=str(merged.get("convertToUnicode", "1")) != "0",
        callback=str(callback) if isinstance(callback, str) else None,
        method=str(merged.get("method", "")),
        table_id=str(merged.get("method", "")),
        base_url=base_url,
        idsite=str(merged.get("idSite", "")),
        period=str(merged.get("period", "")),
    )


def http_status(error: FootfallError) -> int:
    """Matomo's statuses: 401 for access, 400 for unknown methods, 200 for the rest."""
    if isinstance(error, Unauthorized):
        return 401
    if isinstance(error, (Http400, PayloadTooLarge)):
        return error.status_code
    return error.status_code if error.status_code in (403,) else 200


async def handle_api(request: Request) -> Response:
    """The API endpoint: read the parameters, then answer in a worker thread.

    Answering may build archives (browser-triggered archiving) and always
    reads the database synchronously, so it must not run on the event loop.
    """
    try:
        merged, token_by_post = await request_params(request)
    except FootfallError as error:
        return error_response(str(error), "xml", RenderOptions(), http_status(error))
    return await run_in_threadpool(answer, request, merged, token_by_post)


def answer(request: Request, merged: dict[str, Any], token_by_post: bool) -> Response:
    """Authenticate, run and render one API request (synchronous)."""
    fmt = "xml"
    options = render_options(merged, request)
    try:
        fmt = check_format(str(merged.get("format") or "xml"))
        name = str(merged.get("method") or "")
        if not name:
            raise BadRequest("The parameter 'method' isn't set in the Request, and a default "
                             "value wasn't provided.")
        services: Services = request.app.state.services
        who = access.user_for_token(services, str(merged.get("token_auth") or ""),
                                    via_post=token_by_post)
        call = ApiCall(services=services, params=merged, user=who, base_url=str(request.base_url))
        result = run_call(name, call)
        result = finish_result(result, merged, http=True)
        options = enrich_options(options, merged, services)
        body, content_type = render_result(result, fmt, options)
        response = _response(body, content_type, fmt, 200, options)
    except InvalidFormat as error:
        response = Response(f"Error: {error}", status_code=200,
                            media_type="text/plain; charset=utf-8")
    except FootfallError as error:
        response = error_response(str(error), fmt, options, http_status(error))
    except Exception:  # a bug must still answer in the client's format
        log.exception("API call failed: %s", request.url)
        response = error_response("An unexpected error occurred.", fmt, options, 500)
    response.headers.update(cors_headers(request))
    return response


def cors_headers(request: Request) -> dict[str, str]:
    """[General] cors_domains[]: echo an allowed Origin (or any, with '*'), as Matomo does."""
    allowed = [d.strip() for d in request.app.state.services.settings.get_list(
        "General", "cors_domains") if d.strip()]
    origin = request.headers.get("origin")
    if not allowed or not origin:
        return {}
    headers = {"Vary": "Origin"}
    if "*" in allowed or origin.rstrip("/") in [d.rstrip("/") for d in allowed]:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Allow-Credentials"] = "true"
    return headers


def enrich_options(options: RenderOptions, merged: Mapping[str, Any],
                   services: Services) -> RenderOptions:
    """Add what CSV file names and translated headers need (report name, pretty date)."""
    from footfall.api import report_api

    return report_api.export_options(options, merged, services)


def error_response(message: str, fmt: str, options: RenderOptions, status: int) -> Response:
    body, content_type = render_error(xml_escape(message), fmt, options)
    return Response(body, status_code=status, headers={"Content-Type": content_type})


def _response(body: str | bytes, content_type: str, fmt: str, status: int,
              options: RenderOptions) -> Response:
    headers = {"Content-Type": content_type}
    if fmt in ("csv", "tsv"):
        from footfall.api.render.csv import content_disposition

        headers["Content-Disposition"] = content_disposition(options)
    return Response(body, status_code=status, headers=headers)


def success() -> Success:
    """What a method returns when it has nothing to say (Matomo: result success, ok)."""
    return Success()
