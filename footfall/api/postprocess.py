"""Post-processing of plain results (management APIs): Matomo's array filters.

Report results arrive already processed (report_api); lists returned by other
methods get filter_pattern/filter_column[], filter_offset/filter_limit
(re-indexing, with the HTTP default limit of 100) and showColumns/hideColumns,
as Matomo's ResponseBuilder does for arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from footfall.api import filters, params
from footfall.api.render.model import DataTable, Map, Simple, Success

_SUCCESS = {"result": "success", "message": "ok"}


def finish_result(result: Any, request: Mapping[str, Any], *, http: bool) -> Any:
    """The result as the renderers expect it."""
    if result is None:
        return Success()
    if isinstance(result, (DataTable, Map, Simple, Success)):
        return result
    if isinstance(result, dict):
        if result == _SUCCESS:
            return Success()
        if set(result) == {"value"} and not isinstance(result["value"], (dict, list)):
            return result["value"]  # some methods wrap scalars as JSON would show them
        return _filter_dict(result, request, http=http)
    if isinstance(result, (list, tuple)):
        return filter_list(list(result), request, http=http)
    return result


def _filter_dict(result: dict[Any, Any], request: Mapping[str, Any], *, http: bool) -> Any:
    """Numerically keyed maps (Goals.getGoals by idgoal) come out of Matomo's HTTP API as
    lists, because the array filters re-index them (reference §1.6)."""
    if result and all(isinstance(k, int) and not isinstance(k, bool) for k in result):
        return filter_list(list(result.values()), request, http=http)
    return result


def filter_list(items: list[Any], request: Mapping[str, Any], *, http: bool) -> list[Any]:
    """filter_pattern over filter_column[] (default label), then offset/limit, then columns."""
    pattern = request.get("filter_pattern")
    if pattern:
        columns = params.text_list(request, "filter_column") or ["label"]
        regex = filters.compile_pattern(str(pattern))
        items = [item for item in items if isinstance(item, dict) and regex is not None
                 and any(c in item and regex.search(str(item[c])) for c in columns)]
    limit_raw = request.get("filter_limit")
    limit = int(limit_raw) if _is_int(limit_raw) else (filters.DEFAULT_HTTP_LIMIT if http else -1)
    offset = int(request["filter_offset"]) if _is_int(request.get("filter_offset")) else 0
    if limit >= 0 or offset > 0:
        items = items[offset:None if limit < 0 else offset + limit]
    show = params.text_list(request, "showColumns")
    hide = params.text_list(request, "hideColumns")
    if (show or hide) and items and isinstance(items[0], dict):
        items = [filters.select_columns(item, show, hide) if isinstance(item, dict) else item
                 for item in items]
    return items


def _is_int(value: Any) -> bool:
    try:
        int(str(value))
    except (TypeError, ValueError):
        return False
    return True
