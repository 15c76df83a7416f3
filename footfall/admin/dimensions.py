"""Custom dimensions: named slots a site fills with `dimension<ID>` tracking parameters.

A dimension lives in one scope (visit or action) and owns one of that scope's
`custom_dimension_<index>` columns in the raw log; the schema has
CUSTOM_DIMENSION_SLOTS of them per scope. The id a tracker sends
(`idcustomdimension`) is numbered per site and is not the column index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.db.schema import CUSTOM_DIMENSION_SLOTS, custom_dimensions
from footfall.errors import BadRequest, NotFound

SCOPES = ("visit", "action")
EXTRACTION_DIMENSIONS = ("url", "urlparam", "action_name")
NAME_MAX = 100


@dataclass(frozen=True)
class Extraction:
    """Where an action-scope dimension takes its value when the hit does not send it."""

    dimension: str
    pattern: str


@dataclass(frozen=True)
class CustomDimension:
    idcustomdimension: int
    idsite: int
    name: str
    index: int
    scope: str
    active: bool
    extractions: tuple[Extraction, ...] = field(default=())
    case_sensitive: bool = True

    @property
    def column(self) -> str:
        """The raw-log column that holds this dimension's values."""
        return f"custom_dimension_{self.index}"

    def as_api(self) -> dict[str, object]:
        """As CustomDimensions.getConfiguredCustomDimensions shows it."""
        return {
            "idcustomdimension": self.idcustomdimension, "idsite": self.idsite,
            "name": self.name, "index": self.index, "scope": self.scope,
            "active": self.active,
            "extractions": [{"dimension": e.dimension, "pattern": e.pattern}
                            for e in self.extractions],
            "case_sensitive": self.case_sensitive,
        }


def validate_name(name: str) -> str:
    clean = name.strip()
    if not clean:
        raise BadRequest("a custom dimension needs a name")
    if len(clean) > NAME_MAX:
        raise BadRequest(f"a custom dimension name has at most {NAME_MAX} characters")
    return clean


def validate_extractions(scope: str, extractions: list[Extraction]) -> tuple[Extraction, ...]:
    """Extractions apply to action-scope dimensions; each regex needs one capture group."""
    if extractions and scope != "action":
        raise BadRequest("extractions are only supported for custom dimensions of scope action")
    for item in extractions:
        if item.dimension not in EXTRACTION_DIMENSIONS:
            raise BadRequest(f"invalid extraction dimension {item.dimension!r}: use one of "
                             f"{', '.join(EXTRACTION_DIMENSIONS)}")
        if not item.pattern.strip():
            raise BadRequest("an extraction needs a pattern")
        if item.dimension != "urlparam":
            _validate_regex(item.pattern)
    return tuple(extractions)


def _validate_regex(pattern: str) -> None:
    try:
        groups = re.compile(pattern).groups
    except re.error as error:
        raise BadRequest(f"invalid extraction pattern {pattern!r}: {error}") from None
    if groups < 1:
        raise BadRequest(f"extraction pattern {pattern!r} needs a group in parentheses "
                         "that captures the value")


def add_dimension(engine: Engine, idsite: int, *, name: str, scope: str, active: bool = True,
                  extractions: list[Extraction] | None = None,
                  case_sensitive: bool = True) -> int:
    """Configure a new dimension in the scope's next free slot; return its id."""
    if scope not in SCOPES:
        raise BadRequest(f"invalid custom dimension scope {scope!r}: use visit or action")
    clean_name = validate_name(name)
    clean_extractions = validate_extractions(scope, extractions or [])
    with engine.begin() as conn:
        rows = conn.execute(sa.select(custom_dimensions.c.idcustomdimension,
                                      custom_dimensions.c.index, custom_dimensions.c.scope)
                            .where(custom_dimensions.c.idsite == idsite)).all()
        used = {row.index for row in rows if row.scope == scope}
        free = [i for i in range(1, CUSTOM_DIMENSION_SLOTS + 1) if i not in used]
        if not free:
            raise BadRequest(f"all {CUSTOM_DIMENSION_SLOTS} custom dimension slots of scope "
                             f"{scope} are used on site {idsite}")
        new_id = max((row.idcustomdimension for row in rows), default=0) + 1
        conn.execute(custom_dimensions.insert().values(
            idcustomdimension=new_id, idsite=idsite, name=clean_name, index=free[0],
            scope=scope, active=int(active), extractions=_dump(clean_extractions),
            case_sensitive=int(case_sensitive)))
    return new_id


def update_dimension(engine: Engine, idsite: int, iddimension: int, *, name: str,
                     active: bool, extractions: list[Extraction] | None = None,
                     case_sensitive: bool = True) -> None:
    """Change a dimension's name, state or extractions (never its scope or slot)."""
    current = get_dimension(engine, idsite, iddimension)
    values = dict(name=validate_name(name), active=int(active),
                  extractions=_dump(validate_extractions(current.scope, extractions or [])),
                  case_sensitive=int(case_sensitive))
    with engine.begin() as conn:
        conn.execute(custom_dimensions.update().where(
            custom_dimensions.c.idsite == idsite,
            custom_dimensions.c.idcustomdimension == iddimension).values(**values))


def list_dimensions(engine: Engine, idsite: int) -> list[CustomDimension]:
    query = (sa.select(custom_dimensions).where(custom_dimensions.c.idsite == idsite)
             .order_by(custom_dimensions.c.idcustomdimension))
    with engine.connect() as conn:
        return [_to_dimension(row) for row in conn.execute(query).mappings()]


def get_dimension(engine: Engine, idsite: int, iddimension: int) -> CustomDimension:
    for dimension in list_dimensions(engine, idsite):
        if dimension.idcustomdimension == iddimension:
            return dimension
    raise NotFound(f"site {idsite} has no custom dimension with id {iddimension}")


def _dump(extractions: tuple[Extraction, ...]) -> str:
    return json.dumps([{"dimension": e.dimension, "pattern": e.pattern} for e in extractions])


def _load(text: str) -> tuple[Extraction, ...]:
    try:
        items: Any = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(Extraction(str(i.get("dimension", "")), str(i.get("pattern", "")))
                 for i in items if isinstance(i, dict))


def _to_dimension(row: sa.RowMapping) -> CustomDimension:
    return CustomDimension(
        idcustomdimension=row["idcustomdimension"], idsite=row["idsite"], name=row["name"],
        index=row["index"], scope=row["scope"], active=bool(row["active"]),
        extractions=_load(row["extractions"]), case_sensitive=bool(row["case_sensitive"]))
