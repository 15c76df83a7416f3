"""The user agents (with client hints) of queued rows, read without decoding the hits,
so that `DeviceDetector.prefetch` can start parsing new agents while earlier rows
are still being processed.

It reads what the pipeline will read (the `ua` parameter, else the User-Agent
header; `uadata`, else the Sec-CH-UA headers). A hit it reads differently (an
encoded parameter name, say) is merely not prefetched: the pipeline parses it
when it gets there, so nothing depends on this being exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import orjson

from footfall.tracker.form import decode_component

Agent = tuple[str, "dict[str, Any] | None"]


def agents_of_rows(rows: Iterable[tuple[int, str]]) -> list[Agent]:
    """(user agent, client hints) of every hit in the rows (queue id, payload), deduplicated."""
    found: dict[tuple[str, str], Agent] = {}
    for _row_id, payload in rows:
        try:
            envelope = orjson.loads(payload)
            for _index, item in envelope.get("hits", ()):
                agent = _agent(envelope, item)
                found.setdefault((agent[0], _hints_text(agent[1])), agent)
        except (orjson.JSONDecodeError, TypeError, ValueError, AttributeError):
            continue  # a row the pipeline will set aside: nothing to prefetch
    return list(found.values())


def _agent(envelope: dict[str, Any], item: Any) -> Agent:
    user_agent, uadata = _parameters(item)
    hints = None
    if uadata:
        try:
            decoded = orjson.loads(uadata)
        except orjson.JSONDecodeError:
            decoded = None
        hints = decoded if isinstance(decoded, dict) else None
    if hints is None and isinstance(envelope.get("ch"), dict):
        hints = envelope["ch"]
    return user_agent or str(envelope.get("ua", "")), hints


def _parameters(item: Any) -> tuple[str, str]:
    """(ua, uadata) of a hit given as a query string, [query, body] or a parameter map."""
    if isinstance(item, dict):
        return _text(item.get("ua")), _text(item.get("uadata"))
    if isinstance(item, list):
        query, body = (item + ["", ""])[:2]
        ua, uadata = _parameters(query)
        body_ua, body_uadata = _parameters(body)
        return ua or body_ua, uadata or body_uadata  # the query string's values win
    if not isinstance(item, str):
        return "", ""
    return _decoded(_last(item, "ua=")), _decoded(_last(item, "uadata="))


def _last(query: str, prefix: str) -> str:
    """The raw value of the last `name=` pair (PHP: later duplicates win)."""
    start = len(prefix) if query.startswith(prefix) else -1
    position = query.find("&" + prefix)
    while position >= 0:
        start = position + 1 + len(prefix)
        position = query.find("&" + prefix, start)
    if start < 0:
        return ""
    end = query.find("&", start)
    return query[start:] if end < 0 else query[start:end]


@lru_cache(maxsize=4096)
def _decoded(raw: str) -> str:
    """Hits repeat a few agents: each encoded form is decoded once."""
    return decode_component(raw) if raw else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _hints_text(hints: dict[str, Any] | None) -> str:
    return orjson.dumps(hints, option=orjson.OPT_SORT_KEYS).decode() if hints else ""
