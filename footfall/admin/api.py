"""Goals.* and CustomDimensions.* configuration methods of the Reporting API.

Argument names are Matomo's (idSite, matchAttribute, ...). Changing a
configuration needs write access to the site; reading it needs view access.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from footfall.admin import dimensions, goals
from footfall.api import access
from footfall.api.dispatch import ApiCall, api_method, success
from footfall.api.params import flag, integer, required, text
from footfall.api.render.model import Success
from footfall.errors import BadRequest


def number(params: Mapping[str, Any], name: str) -> float:
    """A revenue: Matomo's `false` and an empty value mean 0; a decimal comma is accepted."""
    value = text(params, name).strip()
    if value in ("", "false"):
        return 0.0
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise BadRequest(f"The parameter '{name}' must be a number, not '{value}'.") from None


def require_access(call: ApiCall, idsite: int, level: str) -> None:
    """Raise unless the caller has `level` access to the site (which must exist)."""
    access.check_site_access(call.services, call.user, idsite, level)
    access.get_site(call.services, idsite)


# --- Goals ------------------------------------------------------------------------


def _goal_spec(params: Mapping[str, Any]) -> goals.GoalSpec:
    for name in ("name", "matchAttribute"):
        required(params, name)
    return goals.GoalSpec(
        name=text(params, "name"), match_attribute=text(params, "matchAttribute"),
        pattern=text(params, "pattern"), pattern_type=text(params, "patternType") or "contains",
        case_sensitive=flag(params, "caseSensitive"), revenue=number(params, "revenue"),
        allow_multiple=flag(params, "allowMultipleConversionsPerVisit"),
        description=text(params, "description"),
        event_value_as_revenue=flag(params, "useEventValueAsRevenue"))


@api_method("Goals.addGoal")
def add_goal(call: ApiCall) -> dict[str, int]:
    idsite = integer(call.params, "idSite")
    require_access(call, idsite, "write")
    return {"value": goals.add_goal(call.services.db.writer, idsite, _goal_spec(call.params))}


@api_method("Goals.updateGoal")
def update_goal(call: ApiCall) -> Success:
    idsite, idgoal = integer(call.params, "idSite"), integer(call.params, "idGoal")
    require_access(call, idsite, "write")
    goals.update_goal(call.services.db.writer, idsite, idgoal, _goal_spec(call.params))
    return success()


@api_method("Goals.deleteGoal")
def delete_goal(call: ApiCall) -> Success:
    idsite, idgoal = integer(call.params, "idSite"), integer(call.params, "idGoal")
    require_access(call, idsite, "write")
    goals.delete_goal(call.services.db.writer, idsite, idgoal)
    return success()


@api_method("Goals.getGoals")
def get_goals(call: ApiCall) -> list[dict[str, object]]:
    idsite = integer(call.params, "idSite")
    require_access(call, idsite, "view")
    found = goals.list_goals(call.services.db.reader, idsite,
                             order_by_name=flag(call.params, "orderByName"))
    return [g.as_api() for g in found]


@api_method("Goals.getGoal")
def get_goal(call: ApiCall) -> dict[str, object]:
    idsite, idgoal = integer(call.params, "idSite"), integer(call.params, "idGoal")
    require_access(call, idsite, "view")
    return goals.get_goal(call.services.db.reader, idsite, idgoal).as_api()


# --- Custom dimensions ---------------------------------------------------------------

_EXTRACTION_KEY = re.compile(r"^extractions\[(\d+)\]\[(dimension|pattern)\]$")


def extractions_from(params: Mapping[str, Any]) -> list[dimensions.Extraction]:
    """PHP-style `extractions[0][dimension]=url&extractions[0][pattern]=...` parameters,
    whether the dispatcher already nested them (a dict or list) or left the keys flat."""
    nested = params.get("extractions")
    items: list[Any]
    if isinstance(nested, dict):
        items = [nested[k] for k in sorted(nested, key=lambda k: int(k) if str(k).isdecimal() else 0)]
    elif isinstance(nested, list):
        items = nested
    else:
        flat: dict[int, dict[str, str]] = {}
        for key, value in params.items():
            match = _EXTRACTION_KEY.match(key)
            if match:
                flat.setdefault(int(match.group(1)), {})[match.group(2)] = value
        items = [flat[k] for k in sorted(flat)]
    if not all(isinstance(item, dict) for item in items):
        raise BadRequest("extractions must be given as extractions[N][dimension] and "
                         "extractions[N][pattern]")
    return [dimensions.Extraction(str(item.get("dimension", "")), str(item.get("pattern", "")))
            for item in items]


@api_method("CustomDimensions.configureNewCustomDimension")
def configure_new_custom_dimension(call: ApiCall) -> dict[str, int]:
    idsite = integer(call.params, "idSite")
    require_access(call, idsite, "write")
    new_id = dimensions.add_dimension(
        call.services.db.writer, idsite, name=text(call.params, "name"),
        scope=str(required(call.params, "scope")), active=flag(call.params, "active"),
        extractions=extractions_from(call.params),
        case_sensitive=flag(call.params, "caseSensitive", default=True))
    return {"value": new_id}


@api_method("CustomDimensions.configureExistingCustomDimension")
def configure_existing_custom_dimension(call: ApiCall) -> Success:
    idsite, iddimension = integer(call.params, "idSite"), integer(call.params, "idDimension")
    require_access(call, idsite, "write")
    dimensions.update_dimension(
        call.services.db.writer, idsite, iddimension, name=text(call.params, "name"),
        active=flag(call.params, "active"), extractions=extractions_from(call.params),
        case_sensitive=flag(call.params, "caseSensitive", default=True))
    return success()


@api_method("CustomDimensions.getConfiguredCustomDimensions")
def get_configured_custom_dimensions(call: ApiCall) -> list[dict[str, object]]:
    idsite = integer(call.params, "idSite")
    require_access(call, idsite, "view")
    return [d.as_api() for d in dimensions.list_dimensions(call.services.db.reader, idsite)]
