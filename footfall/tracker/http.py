"""The tracking endpoint (/matomo.php, /piwik.php and configured aliases) as a raw ASGI app.

The hot path is: read the body, decode the parameters, validate them
(request.py), check the site and any privileged parameter, hand the request
to the group committer and answer once it is durable. No framework layer sits
in between; the pipeline does the rest later (pipeline.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

from footfall.errors import BadRequest, PayloadTooLarge
from footfall.tracker import form
from footfall.tracker.request import CheckedHit
from footfall.tracker.responses import (
    NOTICE,
    PREFLIGHT_HEADERS,
    Headers,
    bulk_summary,
    cors_headers,
    image_or_empty,
    reason_header,
)
from footfall.tracker.service import TrackerService, tracker_of

Scope = dict[str, Any]
log = logging.getLogger("footfall.tracker")
_TRACKER_KEY = "footfall.tracker"
Accepted = tuple[int, CheckedHit, Any]  # bulk index, validated hit, what is queued
TokenAnswers = dict[tuple[str, int], bool]  # (token, idsite) -> may write, for one request


class MethodNotAllowed(BadRequest):
    status_code = 405

# Request headers the pipeline needs, stored with the queued hit.
_KEPT_HEADERS = {
    b"user-agent": "ua", b"accept-language": "lang", b"referer": "ref",
    b"dnt": "dnt", b"x-do-not-track": "xdnt", b"x-purpose": "purpose", b"purpose": "purpose",
    b"x-moz": "xmoz", b"via": "via",
}  # fmt: skip


class TrackingEndpoint:
    """ASGI callable for every tracker path."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        tracker = scope.get(_TRACKER_KEY) or tracker_of(scope)
        method = scope["method"]
        headers = dict(scope["headers"])
        origin = headers.get(b"origin")
        cors = cors_headers(method, origin.decode("latin-1") if origin else None,
                            tracker.cors_domains) if method != "GET" else []
        try:
            status, extra, body = await self._handle(tracker, scope, receive, method, headers)
        except BadRequest as error:
            status, extra, body = _refusal(error.status_code, str(error))
        except Exception as error:  # noqa: BLE001 - the hit was not stored: say so, never hang
            log.exception("tracker: request failed before it was stored")
            status, extra, body = _refusal(503, f"the hit could not be stored "
                                                f"({type(error).__name__}); send it again")
        await _respond(send, status, [*extra, *cors] if cors else extra, body)

    async def _handle(self, tracker: TrackerService, scope: Scope, receive: Any, method: str,
                      headers: dict[bytes, bytes]) -> tuple[int, Headers, bytes]:
        if method == "OPTIONS":
            return 204, PREFLIGHT_HEADERS, b""
        if method not in ("GET", "POST"):
            raise MethodNotAllowed(f"{method} is not a tracking method: use GET or POST")
        if b"content-length" in headers or b"transfer-encoding" in headers:
            body = await _read_body(receive, headers, tracker.max_body)
        else:
            body = b""  # no body announced (a GET): nothing to wait for
        query = scope.get("query_string", b"").decode("utf-8", "replace")
        if method == "POST" and body and form.looks_like_bulk(body):
            return await self._bulk(tracker, scope, headers, query, body)
        body_text = body.decode("utf-8", "replace") if body and _is_form(headers) else ""
        if not (query.strip("&") or body_text.strip("&")):
            status = 200 if method == "GET" else 400
            return status, [(b"content-type", b"text/html; charset=utf-8")], NOTICE
        return await self._single(tracker, scope, headers, query, body_text, method)

    async def _single(self, tracker: TrackerService, scope: Scope, headers: dict[bytes, bytes],
                      query: str, body: str, method: str) -> tuple[int, Headers, bytes]:
        now = time.time()
        hit = tracker.check(form.checked_params(query, body), now)
        if not tracker.decided_in_memory(hit):  # else: a known site, nothing to look up
            await self._authorise(tracker, hit, hit.token_auth)
        if not tracker.record_statistics:  # [Tracker] record_statistics = 0: track nothing
            status, extra, answer = image_or_empty(hit.send_image, method, tracker.images)
            return 503, extra, answer
        query = form.without_token(query)
        stored = [query, form.without_token(body)] if body else query
        envelope = _envelope(tracker, scope, headers, now, [(0, stored)])
        if hit.is_order and hit.ec_id:
            conflicts = await tracker.committer.submit_with_orders(envelope,
                                                                   [(hit.idsite, hit.ec_id)])
            if conflicts:
                raise BadRequest(f"order id {hit.ec_id!r} was already recorded for site "
                                 f"{hit.idsite}")
        else:
            await tracker.committer.submit(envelope)
        answer = image_or_empty(hit.send_image, method, tracker.images)
        if tracker.debug or (tracker.debug_on_demand and hit.params.get("debug") == "1"):
            return 200, [(b"content-type", b"text/plain; charset=utf-8")], _debug_log(
                hit, method, answer[0])
        return answer

    async def _authorise(self, tracker: TrackerService, hit: CheckedHit, token: str,
                         writes: TokenAnswers | None = None) -> None:
        """Refuse what needs the database to decide: site, goal, token (`writes` keeps a
        bulk's token answers, so 100 hits with one token cost one look-up)."""
        if not tracker.site_known(hit.idsite) and not await tracker.site_exists(hit.idsite):
            raise BadRequest(f"invalid idsite {hit.idsite}: no such site")
        if hit.ca and not tracker.custom_action_claimed(hit):
            raise BadRequest("ca=1 but the hit is no event, content, download, outlink or "
                             "site search")
        if hit.idgoal > 0 and not await tracker.goal_exists(hit.idsite, hit.idgoal):
            raise BadRequest(f"invalid idgoal {hit.idgoal}: site {hit.idsite} has no such goal")
        if hit.privileged and tracker.require_auth and not (
                token and await _can_write(tracker, token, hit.idsite, writes)):
            names = ", ".join(hit.privileged)
            raise BadRequest(f"{names} need a token_auth with write access to site "
                             f"{hit.idsite}")

    async def _bulk(self, tracker: TrackerService, scope: Scope, headers: dict[bytes, bytes],
                    query: str, body: bytes) -> tuple[int, Headers, bytes]:
        now = time.time()
        if not tracker.record_statistics:
            return 503, [], b""
        bulk = form.parse_bulk(body)
        request_token = form.text_param(form.parse_query(query), "token_auth") if query else ""
        accepted, invalid = await self._validate_bulk(tracker, bulk, now)
        accepted, duplicates = await _enqueue_bulk(tracker, scope, headers, now, accepted)
        invalid = sorted(invalid + duplicates)
        show = await tracker.is_superuser(request_token or bulk.token_auth)
        if not bulk.send_image:
            return 204, [], b""
        payload = bulk_summary(len(accepted), invalid, show_indices=show)
        return 200, [(b"content-type", b"application/json")], payload

    async def _validate_bulk(self, tracker: TrackerService, bulk: form.BulkBody,
                             now: float) -> tuple[list[Accepted], list[int]]:
        accepted: list[Accepted] = []
        invalid: list[int] = []
        writes: TokenAnswers = {}
        for index, item in enumerate(bulk.items):
            if item is None:
                invalid.append(index)
                continue
            if isinstance(item, str):
                params, stored = form.checked_params(item), form.without_token(item)
            else:
                params = dict(item)
                stored = {k: v for k, v in item.items() if k != "token_auth"}
            if bulk.token_auth and not form.text_param(params, "token_auth"):
                params["token_auth"] = bulk.token_auth
            try:
                hit = tracker.check(params, now)
                if not tracker.decided_in_memory(hit):
                    await self._authorise(tracker, hit, hit.token_auth, writes)
                if tracker.bulk_require_auth and not await _can_write(
                        tracker, hit.token_auth, hit.idsite, writes):
                    raise BadRequest("bulk requests require a token_auth with write access")
            except BadRequest:
                invalid.append(index)
                continue
            accepted.append((index, hit, stored))
        return accepted, invalid


async def _can_write(tracker: TrackerService, token: str, idsite: int,
                     writes: TokenAnswers | None) -> bool:
    if writes is None:
        return await tracker.can_write(token, idsite)
    answer = writes.get((token, idsite))
    if answer is None:
        answer = writes[token, idsite] = await tracker.can_write(token, idsite)
    return answer


async def _enqueue_bulk(tracker: TrackerService, scope: Scope, headers: dict[bytes, bytes],
                        now: float, accepted: list[Accepted]) -> tuple[list[Accepted], list[int]]:
    """Queue the valid hits; hits whose order id is already known become invalid."""
    rejected: list[int] = []
    accepted = _drop_repeated_orders(accepted, rejected)
    while accepted:
        envelope = _envelope(tracker, scope, headers, now,
                             [(index, stored) for index, _, stored in accepted])
        orders = [(h.idsite, h.ec_id) for _, h, _ in accepted if h.is_order and h.ec_id]
        if not orders:
            await tracker.committer.submit(envelope)
            break
        conflicts = await tracker.committer.submit_with_orders(envelope, orders)
        if not conflicts:
            break
        keep = []
        for entry in accepted:
            hit = entry[1]
            if hit.is_order and (hit.idsite, hit.ec_id) in conflicts:
                rejected.append(entry[0])
            else:
                keep.append(entry)
        accepted = keep
    return accepted, rejected


def _drop_repeated_orders(accepted: list[Accepted], rejected: list[int]) -> list[Accepted]:
    seen: set[tuple[int, str]] = set()
    keep = []
    for entry in accepted:
        hit = entry[1]
        if hit.is_order and hit.ec_id:
            key = (hit.idsite, hit.ec_id)
            if key in seen:
                rejected.append(entry[0])
                continue
            seen.add(key)
        keep.append(entry)
    return keep


def _envelope(tracker: TrackerService, scope: Scope, headers: dict[bytes, bytes], now: float,
              hits: list[tuple[int, Any]]) -> bytes:
    """The queued form of one request: its hits as they came (a query string, [query,
    form body], or a parameter map), without token_auth (authorisation was decided
    here), and what the pipeline needs of the HTTP request (one pass over its headers)."""
    peer = scope.get("client") or ("", 0)
    envelope: dict[str, Any] = {"t": now, "ip": tracker.client_ip(peer[0], headers)}
    hints: dict[str, str] = {}
    for name, value in headers.items():
        key = _KEPT_HEADERS.get(name)
        if key is not None:
            envelope[key] = value.decode("latin-1")
        elif name[:9] == b"sec-ch-ua":
            hints[name.decode("latin-1")] = value.decode("latin-1")
    if b"purpose" in headers:  # both sent: Purpose wins over X-Purpose
        envelope["purpose"] = headers[b"purpose"].decode("latin-1")
    if hints:
        envelope["ch"] = hints
    cookie = headers.get(b"cookie")
    if cookie and tracker.ignore_cookie in cookie:
        envelope["ignore"] = 1
    envelope["hits"] = hits
    return orjson.dumps(envelope)


def _debug_log(hit: CheckedHit, method: str, status: int) -> bytes:
    """[Tracker] debug (or debug_on_demand and debug=1): what the endpoint did with the
    hit, as text instead of the image. Processing happens later, in the pipeline."""
    shown = ", ".join(f"{name}=<hidden>" if name == "token_auth" else f"{name}={value!r}"
                      for name, value in sorted(hit.params.items()))
    lines = [
        "Footfall tracker debug output",
        f"Request: {method}, one hit for site {hit.idsite} (the site exists)",
        f"Parameters checked before acknowledging: {shown}",
        "Privileged parameters (token with write access checked): "
        + (", ".join(hit.privileged) or "none"),
        "Queued: yes, committed to the ingest queue (durable); the pipeline writes the raw "
        "log shortly, GET /_footfall/ingest/drain waits for it",
        f"Answer without debug: HTTP {status}",
    ]
    return ("\n".join(lines) + "\n").encode()


def _is_form(headers: dict[bytes, bytes]) -> bool:
    content_type = headers.get(b"content-type", b"").lower()
    return b"json" not in content_type and b"multipart" not in content_type


async def _read_body(receive: Any, headers: dict[bytes, bytes], limit: int) -> bytes:
    declared = headers.get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body of {int(declared)} bytes is over the limit of "
                              f"{limit} bytes ([Tracker] max_request_body_bytes)")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body is over the limit of {limit} bytes "
                                  "([Tracker] max_request_body_bytes)")
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _refusal(status: int, reason: str) -> tuple[int, Headers, bytes]:
    return status, [reason_header(reason), (b"content-type", b"text/plain; charset=utf-8")], (
        reason + "\n").encode()


async def _respond(send: Any, status: int, headers: Headers, body: bytes) -> None:
    length = str(len(body)).encode() if body else b"0"
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", length)]})
    await send({"type": "http.response.body", "body": body})


tracking_endpoint = TrackingEndpoint()


async def handle_request(request: Any) -> Any:
    """The endpoint for callers holding a Starlette Request (the /js/ proxy paths)."""
    from starlette.responses import Response

    started: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def capture(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        else:
            chunks.append(message.get("body", b""))

    await tracking_endpoint(request.scope, request.receive, capture)
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in started.get("headers", [])
               if k != b"content-length"}
    return Response(b"".join(chunks), status_code=started.get("status", 500), headers=headers)


async def drain_endpoint(request: Any) -> Any:
    """`/_footfall/ingest/drain`: answers once every hit acknowledged before the call is in
    the raw log (for tests, benchmarks and imports). Loopback clients or a super user only."""
    from starlette.responses import JSONResponse

    tracker = tracker_of(request.scope)
    client = request.client.host if request.client else ""
    token = request.query_params.get("token_auth", "")
    if client not in ("127.0.0.1", "::1") and not await tracker.is_superuser(token):
        return JSONResponse({"result": "error", "message": "drain needs a super-user token"},
                            status_code=403)
    timeout = min(float(request.query_params.get("timeout", "60") or 60), 600.0)
    pending = await tracker.drain(timeout)
    return JSONResponse({"pending": pending, "drops": dict(tracker.worker.pipeline.drops),
                         "recorded": tracker.worker.pipeline.recorded})


class TrackerFastPath:
    """ASGI middleware: requests to the tracker paths skip Starlette's router and
    exception layers (the hot path needs neither); everything else passes through.

    `footfall serve` puts it outside the Starlette application (then `tracker` is given);
    inside it, as Starlette middleware, it finds the tracker through the scope's app."""

    def __init__(self, app: Any, paths: list[str], tracker: TrackerService | None = None) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self._tracker = tracker

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            if self._tracker is None:
                self._tracker = tracker_of(scope)
            scope[_TRACKER_KEY] = self._tracker
            await tracking_endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)
