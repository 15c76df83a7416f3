"""Goals: what a site counts as a conversion, stored in the `goal` table.

Shared by the Goals.* API methods, `footfall goal` and `footfall demo`, so a
goal is validated the same way wherever it comes from. Ids are numbered per
site and never reused: deleting a goal only flags it, as Matomo does, so that
old conversions keep pointing at it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.db.schema import goal
from footfall.errors import BadRequest, NotFound

MATCH_ATTRIBUTES = ("url", "title", "event_category", "event_action", "event_name", "file",
                    "external_website", "manually", "visit_duration")
PATTERN_TYPES = ("contains", "exact", "regex")
NUMERIC_ATTRIBUTES = ("visit_duration",)  # matched with pattern_type greater_than
URL_ATTRIBUTES = ("url", "file", "external_website")
NAME_MAX, PATTERN_MAX, DESCRIPTION_MAX = 50, 255, 255


@dataclass(frozen=True)
class GoalSpec:
    """What a caller sets on a goal (everything but its site and id)."""

    name: str
    match_attribute: str
    pattern: str = ""
    pattern_type: str = "contains"
    case_sensitive: bool = False
    allow_multiple: bool = False
    revenue: float = 0.0
    description: str = ""
    event_value_as_revenue: bool = False


@dataclass(frozen=True)
class Goal:
    """A stored goal, with Matomo's column names."""

    idsite: int
    idgoal: int
    name: str
    description: str
    match_attribute: str
    pattern: str
    pattern_type: str
    case_sensitive: int
    allow_multiple: int
    revenue: float
    deleted: int
    event_value_as_revenue: int

    def as_api(self) -> dict[str, object]:
        """The goal as Goals.getGoals shows it."""
        return asdict(self)


def validate(spec: GoalSpec) -> GoalSpec:
    """Check a goal definition; raise BadRequest saying what is wrong."""
    name = spec.name.strip()
    if not name:
        raise BadRequest("a goal needs a name")
    if len(name) > NAME_MAX:
        raise BadRequest(f"a goal name has at most {NAME_MAX} characters")
    if spec.match_attribute not in MATCH_ATTRIBUTES:
        raise BadRequest(f"invalid goal match attribute {spec.match_attribute!r}: use one of "
                         f"{', '.join(MATCH_ATTRIBUTES)}")
    _validate_pattern(spec)
    if spec.revenue < 0:
        raise BadRequest("a goal's default revenue cannot be negative")
    if spec.event_value_as_revenue and not spec.match_attribute.startswith("event_"):
        raise BadRequest("useEventValueAsRevenue only applies to goals matching an event")
    return GoalSpec(name=name, match_attribute=spec.match_attribute, pattern=spec.pattern.strip(),
                    pattern_type=spec.pattern_type, case_sensitive=spec.case_sensitive,
                    allow_multiple=spec.allow_multiple, revenue=round(spec.revenue, 2),
                    description=spec.description.strip()[:DESCRIPTION_MAX],
                    event_value_as_revenue=spec.event_value_as_revenue)


def _validate_pattern(spec: GoalSpec) -> None:
    if spec.match_attribute == "manually":
        return
    pattern = spec.pattern.strip()
    if not pattern:
        raise BadRequest(f"a goal matching {spec.match_attribute} needs a pattern")
    if len(pattern) > PATTERN_MAX:
        raise BadRequest(f"a goal pattern has at most {PATTERN_MAX} characters")
    if spec.match_attribute in NUMERIC_ATTRIBUTES:
        _validate_numeric(spec.pattern_type, pattern)
        return
    if spec.pattern_type not in PATTERN_TYPES:
        raise BadRequest(f"invalid goal pattern type {spec.pattern_type!r}: use one of "
                         f"{', '.join(PATTERN_TYPES)}")
    if (spec.pattern_type == "exact" and spec.match_attribute in URL_ATTRIBUTES
            and not pattern.lower().startswith("http")):
        raise BadRequest("an exact URL goal pattern must be a full URL starting with http")
    if spec.pattern_type == "regex":
        try:
            re.compile(pattern)
        except re.error as error:
            raise BadRequest(f"invalid goal regular expression {pattern!r}: {error}") from None


def _validate_numeric(pattern_type: str, pattern: str) -> None:
    if pattern_type != "greater_than":
        raise BadRequest("a goal on visit_duration uses the pattern type greater_than")
    try:
        float(pattern)
    except ValueError:
        raise BadRequest(f"a visit_duration goal needs a number of minutes, not {pattern!r}") from None


def _values(spec: GoalSpec) -> dict[str, object]:
    return dict(name=spec.name, description=spec.description,
                match_attribute=spec.match_attribute, pattern=spec.pattern,
                pattern_type=spec.pattern_type, case_sensitive=int(spec.case_sensitive),
                allow_multiple=int(spec.allow_multiple), revenue=spec.revenue,
                event_value_as_revenue=int(spec.event_value_as_revenue))


def add_goal(engine: Engine, idsite: int, spec: GoalSpec) -> int:
    """Store a new goal for a site and return its idgoal (the site's next free id)."""
    clean = validate(spec)
    with engine.begin() as conn:
        highest = conn.execute(
            sa.select(sa.func.max(goal.c.idgoal)).where(goal.c.idsite == idsite)).scalar()
        idgoal = int(highest or 0) + 1
        conn.execute(goal.insert().values(idsite=idsite, idgoal=idgoal, deleted=0,
                                          **_values(clean)))
    return idgoal


def update_goal(engine: Engine, idsite: int, idgoal: int, spec: GoalSpec) -> None:
    """Replace a live goal's definition."""
    clean = validate(spec)
    get_goal(engine, idsite, idgoal)
    with engine.begin() as conn:
        conn.execute(goal.update().where(goal.c.idsite == idsite, goal.c.idgoal == idgoal)
                     .values(**_values(clean)))


def delete_goal(engine: Engine, idsite: int, idgoal: int) -> None:
    """Flag a goal as deleted; its id is never given to another goal."""
    get_goal(engine, idsite, idgoal)
    with engine.begin() as conn:
        conn.execute(goal.update().where(goal.c.idsite == idsite, goal.c.idgoal == idgoal)
                     .values(deleted=1))


def list_goals(engine: Engine, idsite: int, *, order_by_name: bool = False) -> list[Goal]:
    """The site's live goals, by id (or by name)."""
    order = goal.c.name if order_by_name else goal.c.idgoal
    query = (sa.select(goal).where(goal.c.idsite == idsite, goal.c.deleted == 0)
             .order_by(order, goal.c.idgoal))
    with engine.connect() as conn:
        return [_to_goal(row) for row in conn.execute(query).mappings()]


def get_goal(engine: Engine, idsite: int, idgoal: int) -> Goal:
    query = sa.select(goal).where(goal.c.idsite == idsite, goal.c.idgoal == idgoal,
                                  goal.c.deleted == 0)
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"site {idsite} has no goal with id {idgoal}")
    return _to_goal(row)


def _to_goal(row: sa.RowMapping) -> Goal:
    return Goal(idsite=row["idsite"], idgoal=row["idgoal"], name=row["name"],
                description=row["description"], match_attribute=row["match_attribute"],
                pattern=row["pattern"], pattern_type=row["pattern_type"],
                case_sensitive=int(row["case_sensitive"]), allow_multiple=int(row["allow_multiple"]),
                revenue=float(row["revenue"]), deleted=int(row["deleted"]),
                event_value_as_revenue=int(row["event_value_as_revenue"]))
