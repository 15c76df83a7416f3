"""One segment condition as an SQLAlchemy condition on the table of its scope.

Every value is a bound parameter and every LIKE pattern is escaped, so no
value can change the statement's shape (tests/segments/test_sql_shape.py).
Names stored in log_action (page URLs, titles, event names...) are compared
through a sub-select on log_action restricted to the segment's action types;
`==` also uses log_action's crc32 hash index.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from footfall.db.schema import log_action
from footfall.segments import values
from footfall.segments.parser import Condition, SegmentError
from footfall.segments.registry import SegmentDef
from footfall.tracker.actions import crc32
from footfall.tracker.urls import escape

NEGATIONS = {"!=": "==", "!@": "=@"}
LIKE_OPERATORS = ("=@", "!@", "=^", "=$")
_NUMERIC = (sa.Integer, sa.Float, sa.Numeric)


def is_negative(condition: Condition[SegmentDef]) -> bool:
    """`!=` / `!@` with a value: on action rows Matomo excludes whole visits."""
    return condition.operator in NEGATIONS and condition.value != ""


def positive(condition: Condition[SegmentDef]) -> Condition[SegmentDef]:
    """The condition whose matches a negative condition excludes."""
    return Condition(condition.name, NEGATIONS[condition.operator], condition.value,
                     condition.target)


def compare(condition: Condition[SegmentDef], table: sa.FromClause) -> ColumnElement[bool]:
    """`condition` on a row of `table` (a table or alias of the segment's scope)."""
    definition = condition.target
    column: Any = table.c[definition.column]
    if definition.action_types:
        return _compare_action(condition, column)
    numeric = _is_numeric(column)
    if definition.transform is not None:
        column = definition.transform(column)
        numeric = True
    if condition.value == "":
        return _empty(column, condition.operator, numeric=numeric)
    value = definition.value(condition.value) if definition.value else condition.value
    if isinstance(value, tuple):
        return _compare_list(column, condition.operator, value)
    if condition.operator in LIKE_OPERATORS:
        if isinstance(value, bytes):
            raise SegmentError(f"The operator '{condition.operator}' cannot be used with the "
                               f"segment '{condition.name}'.")
        if numeric or not isinstance(value, str):
            value, column = str(value), sa.cast(column, sa.String)
    elif numeric:
        value = _number(condition, str(value))
    elif isinstance(value, str) and condition.operator in ("==", "!="):
        # Matomo's MySQL collation compares text without case (`browserCode==ff`);
        # every engine does so here, lower() on both sides for the same folding.
        column, value = sa.func.lower(column), sa.func.lower(sa.literal(value, sa.String()))
    return _operate(column, condition.operator, value)


def _is_numeric(column: Any) -> bool:
    return isinstance(column.type, _NUMERIC)


def _number(condition: Condition[SegmentDef], value: str) -> Any:
    """A number bound as NUMERIC whatever its size or form, so the SQL never varies."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = Decimal("nan")
    if not number.is_finite():
        raise SegmentError(f"The segment condition '{condition.text}' is not valid: "
                           f"'{value}' is not a number.")
    return sa.literal(number, type_=sa.Numeric(asdecimal=True))


def _operate(column: Any, operator: str, value: Any) -> ColumnElement[bool]:
    if operator == "==":
        return column == value  # type: ignore[no-any-return]
    if operator == "!=":
        return sa.or_(column != value, column.is_(None))
    if operator == "<":
        return column < value  # type: ignore[no-any-return]
    if operator == "<=":
        return column <= value  # type: ignore[no-any-return]
    if operator == ">":
        return column > value  # type: ignore[no-any-return]
    if operator == ">=":
        return column >= value  # type: ignore[no-any-return]
    if operator == "=@":
        return column.icontains(value, autoescape=True)  # type: ignore[no-any-return]
    if operator == "!@":
        return sa.or_(sa.not_(column.icontains(value, autoescape=True)), column.is_(None))
    if operator == "=^":
        return column.istartswith(value, autoescape=True)  # type: ignore[no-any-return]
    return column.iendswith(value, autoescape=True)  # type: ignore[no-any-return]


def _empty(column: Any, operator: str, *, numeric: bool) -> ColumnElement[bool]:
    """Matomo: `x==` is "null or empty" ('' or 0), `x!=` its opposite."""
    empties = [0] if numeric else ["", "0"]
    is_empty = sa.or_(column.is_(None), column.in_(empties))
    return is_empty if operator == "==" else sa.not_(is_empty)


def _compare_list(column: Any, operator: str, options: tuple[str, ...]) -> ColumnElement[bool]:
    """A value that stands for several stored ones (continentCode): any of them."""
    if operator == "==":
        return column.in_(options)  # type: ignore[no-any-return]
    if operator == "!=":
        return sa.or_(column.not_in(options), column.is_(None))
    raise SegmentError(f"The operator '{operator}' cannot be used with this segment: "
                       "use == or !=.")


def _compare_action(condition: Condition[SegmentDef], column: Any) -> ColumnElement[bool]:
    """A log_action id column: compare the action's name, within the segment's types."""
    if condition.value == "":
        return _empty(column, condition.operator, numeric=True)
    operator = condition.operator
    found = _matching_actions(condition.target, NEGATIONS.get(operator, operator),
                              condition.value)
    if operator in NEGATIONS:
        return sa.or_(column.not_in(found), column.is_(None))
    return column.in_(found)  # type: ignore[no-any-return]


def _matching_actions(definition: SegmentDef, operator: str, value: str) -> sa.Select[Any]:
    names = _stored_names(definition, value)
    query = sa.select(log_action.c.idaction).where(log_action.c.type.in_(definition.action_types))
    if operator == "==":
        return query.where(log_action.c.hash.in_([crc32(name) for name in names]),
                           log_action.c.name.in_(names))
    # LIKE and comparisons: the value as it is stored (without the URL prefix).
    return query.where(sa.or_(*(_operate(log_action.c.name, operator, name) for name in names)))


def _stored_names(definition: SegmentDef, value: str) -> list[str]:
    """The stored forms `value` may take: as sent and HTML-escaped (as the tracker stores
    titles, downloads and outlinks); page URLs also without the scheme and `www.`, their
    query's quotes and brackets escaped as the tracker stores them. Always four, so the
    SQL has the same shape for every value."""
    if not definition.url_prefix:
        return [value, escape(value), value, escape(value)]
    bare = values.strip_url_prefix(value)
    return [value, escape(value), bare, values.escape_query(bare)]
