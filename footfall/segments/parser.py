"""Matomo's segment grammar: a definition string into an AND of ORs of conditions.

`a==1,b==2;c==3` is `(a==1 OR b==2) AND c==3`: `,` binds tighter than `;`, there
are no parentheses (reference §4.1). A literal `;` or `,` in a value is written
`%3B`/`%2C` or `\\;`/`\\,`. Clients send the definition URL-encoded once or
twice; like Matomo, both the string received and its decoded form are parsed
and the one that yields more valid conditions wins (the decoded one on a tie),
then every value is URL-decoded once more (§4.2).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import unquote_plus

from footfall.errors import BadRequest

# Two-character operators first: `<=` must win over `<` at the same position.
OPERATORS = ("==", "!=", "<=", ">=", "=@", "!@", "=^", "=$", "<", ">")
EMPTY_VALUE_OPERATORS = ("==", "!=")
MAX_LENGTH = 8192  # Matomo truncates longer definitions
_SPLIT_AND = re.compile(r"(?<!\\);")
_SPLIT_OR = re.compile(r"(?<!\\),")

T = TypeVar("T")


class SegmentError(BadRequest):
    """A segment definition that cannot be used; the message is Matomo's."""


@dataclass(frozen=True)
class Condition(Generic[T]):
    """One `name operator value` test; `target` is what the name resolved to."""

    name: str
    operator: str
    value: str
    target: T

    @property
    def text(self) -> str:
        return f"{self.name}{self.operator}{self.value}"


@dataclass(frozen=True)
class Expression(Generic[T]):
    """AND of clauses, each clause an OR of conditions."""

    clauses: tuple[tuple[Condition[T], ...], ...]

    def conditions(self) -> list[Condition[T]]:
        return [condition for clause in self.clauses for condition in clause]


def segment_hash(definition: str) -> str:
    """Matomo's archive hash of a segment: md5 of the URL-decoded definition."""
    return hashlib.md5(unquote_plus(definition).encode("utf-8")).hexdigest()


def parse(definition: str, resolve: Callable[[str], T | None]) -> Expression[T]:
    """Parse a definition as received; `resolve` maps a segment name to its target."""
    definition = definition[:MAX_LENGTH]
    decoded = unquote_plus(definition)
    try:
        chosen = _parse_form(decoded, resolve)
    except SegmentError as error:
        try:
            return _parse_form(definition, resolve)
        except SegmentError:
            raise error from None
    if decoded == definition:
        return chosen
    try:
        raw = _parse_form(definition, resolve)
    except SegmentError:
        return chosen
    return raw if len(raw.conditions()) > len(chosen.conditions()) else chosen


def _parse_form(text: str, resolve: Callable[[str], T | None]) -> Expression[T]:
    clauses = []
    for clause_text in _SPLIT_AND.split(text):
        clause = tuple(_condition(part, resolve) for part in _SPLIT_OR.split(clause_text))
        clauses.append(clause)
    return Expression(tuple(clauses))


def split_condition(text: str) -> tuple[str, str, str] | None:
    """(name, operator, raw value) at the first operator after a non-empty name."""
    for position in range(1, len(text)):
        for operator in OPERATORS:
            if text.startswith(operator, position):
                return text[:position], operator, text[position + len(operator):]
    return None


def _condition(text: str, resolve: Callable[[str], T | None]) -> Condition[T]:
    parts = split_condition(text)
    if parts is None:
        raise SegmentError(f"The segment condition '{text}' is not valid.")
    name, operator, raw_value = parts
    name = unquote_plus(name)
    target = resolve(name)
    if target is None:
        raise SegmentError(f"Segment '{name}' is not a supported segment.")
    value = unquote_plus(raw_value.replace("\\;", ";").replace("\\,", ","))
    if value == "" and operator not in EMPTY_VALUE_OPERATORS:
        raise SegmentError(
            f"The segment '{name}{operator}' has no value specified. You can leave this value "
            "empty only when you use the operators: != (is not) or == (is)")
    return Condition(name, operator, value, target)
