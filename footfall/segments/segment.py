"""A parsed segment as the archiver and the Live API use it: SQL conditions and a hash.

Matomo's semantics (reference §4.3): a visit matches an action-level (or
conversion-level) condition when one of its actions (conversions) matches;
`!=` and `!@` on actions mean "none of its actions matches". Report rows built
from actions are filtered per action for positive action conditions, and by
visit for the rest, so `pageUrl==X` counts only the X pageviews.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from footfall.db.schema import custom_dimensions, log_conversion, log_link_visit_action, log_visit
from footfall.segments import parser, registry
from footfall.segments.parser import Condition, Expression
from footfall.segments.registry import ACTION, CONVERSION, VISIT, SegmentDef
from footfall.segments.sql import compare, is_negative, positive

_SCOPE_TABLES = {VISIT: log_visit, ACTION: log_link_visit_action, CONVERSION: log_conversion}


@dataclass(frozen=True)
class Segment:
    """A segment definition, parsed against one site's segments."""

    definition: str
    expression: Expression[SegmentDef] = field(compare=False)

    @property
    def hash(self) -> str:
        """What names the segment's archives (`done<hash>`), as in Matomo."""
        return parser.segment_hash(self.definition)

    def visit_condition(self, visits: sa.FromClause) -> ColumnElement[bool]:
        """Which rows of `visits` (log_visit or an alias of it) are in the segment."""
        return _all_of(self.expression, lambda c: _for_visit(c, visits))

    def action_condition(self, actions: sa.FromClause, *,
                         visits_of_rows: sa.Select[Any] | None = None) -> ColumnElement[bool]:
        """Which rows of `actions` (log_link_visit_action or an alias) reports count.

        Positive action-level conditions test the row itself; the rest (visit-level,
        negative, conversion-level) test the row's visit. Given `visits_of_rows` (ids of the
        visits the rows can belong to, e.g. those with actions in the day), those visit
        tests run once per visit rather than once per row."""
        def per_visit(clauses: tuple[tuple[Condition[SegmentDef], ...], ...]) -> Any:
            visits = log_visit.alias()
            test = _all_of(Expression(clauses), lambda c: _for_visit(c, visits))
            if visits_of_rows is None:
                return sa.select(sa.literal(1)).select_from(visits).where(
                    visits.c.idvisit == actions.c.idvisit, test).exists()
            return actions.c.idvisit.in_(sa.select(visits.c.idvisit).where(
                visits.c.idvisit.in_(visits_of_rows), test))

        whole_visit = tuple(c for c in self.expression.clauses if not any(map(_on_row, c)))
        conditions = [per_visit(whole_visit)] if whole_visit else []
        for clause in self.expression.clauses:
            if clause in whole_visit:
                continue
            on_visit = tuple(c for c in clause if not _on_row(c))
            conditions.append(sa.or_(*(compare(c, actions) for c in clause if _on_row(c)),
                                     *([per_visit((on_visit,))] if on_visit else [])))
        return sa.and_(*conditions)


def _on_row(condition: Condition[SegmentDef]) -> bool:
    """A positive action-level condition: Matomo applies it to each action row."""
    return condition.target.scope == ACTION and not is_negative(condition)


def _all_of(expression: Expression[SegmentDef], build: Any) -> ColumnElement[bool]:
    return sa.and_(*(sa.or_(*(build(c) for c in clause)) for clause in expression.clauses))


def _for_visit(condition: Condition[SegmentDef], visits: sa.FromClause) -> ColumnElement[bool]:
    scope = condition.target.scope
    if scope == VISIT:
        return compare(condition, visits)
    return _related(condition, scope, visits.c.idvisit)


def _related(condition: Condition[SegmentDef], scope: str, idvisit: Any) -> ColumnElement[bool]:
    """Whether the visit `idvisit` has a row of `scope` matching (or, negated, none does)."""
    other = _SCOPE_TABLES[scope].alias()
    negative = scope != VISIT and is_negative(condition)
    test = compare(positive(condition) if negative else condition, other)
    found = sa.select(sa.literal(1)).select_from(other).where(other.c.idvisit == idvisit, test)
    return ~found.exists() if negative else found.exists()


def parse_segment(definition: str,
                  dimensions: Mapping[int, tuple[str, int]] | None = None) -> Segment | None:
    """A Segment, or None for an empty definition; SegmentError with Matomo's message."""
    if not definition or not definition.strip():
        return None
    expression = parser.parse(definition, lambda name: registry.find(name, dimensions))
    segment = Segment(definition, expression)
    segment.visit_condition(log_visit)  # bad values (not a number...) fail here, not later
    return segment


def _active_dimensions(engine: Engine, idsites: list[int]) -> list[Any]:
    """(idcustomdimension, scope, index, name) of the sites' active custom dimensions."""
    table = custom_dimensions
    query = sa.select(table.c.idcustomdimension, table.c.scope, table.c.index, table.c.name).where(
        table.c.idsite.in_(idsites), table.c.active == 1).order_by(table.c.idcustomdimension)
    with engine.connect() as conn:
        return list(conn.execute(query).all())


def site_dimensions(engine: Engine, idsites: list[int]) -> dict[int, tuple[str, int]]:
    """idcustomdimension -> (scope, slot index): what `dimensionN` reads on these sites."""
    return {int(r.idcustomdimension): (str(r.scope), int(r.index))
            for r in _active_dimensions(engine, idsites)}


def segment_for_site(definition: Any, engine: Engine, idsite: int) -> Any:
    """The `segment` request parameter resolved for one site (None when there is none).

    Custom dimensions are looked up only when the definition names one."""
    if definition is None or isinstance(definition, Segment):
        return definition
    definition = str(definition)
    if not definition.strip():
        return None
    dimensions = site_dimensions(engine, [idsite]) if "dimension" in definition else None
    return parse_segment(definition, dimensions)


def dimension_segments(engine: Engine, idsites: list[int]) -> list[SegmentDef]:
    """The `dimensionN` segments of the sites' active custom dimensions, named as configured."""
    found = {int(r.idcustomdimension): registry.custom_dimension(
        int(r.idcustomdimension), str(r.scope), int(r.index), str(r.name))
        for r in (_active_dimensions(engine, idsites) if idsites else [])}
    return list(found.values())
