"""Goal configuration in the `goal` table, on every engine."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.admin import goals
from footfall.admin.goals import GoalSpec
from footfall.errors import BadRequest, NotFound


def test_goals_are_numbered_per_site_and_never_reuse_an_id(engine: Engine) -> None:
    first_site, second_site = testing.create_site(engine), testing.create_site(engine)
    a = goals.add_goal(engine, first_site, GoalSpec(name="Signup", match_attribute="url",
                                                    pattern="/welcome"))
    b = goals.add_goal(engine, first_site, GoalSpec(name="Manual", match_attribute="manually"))
    c = goals.add_goal(engine, second_site, GoalSpec(name="Other", match_attribute="title",
                                                     pattern="Thanks"))
    assert (a, b, c) == (1, 2, 1)
    goals.delete_goal(engine, first_site, b)
    assert goals.add_goal(engine, first_site, GoalSpec(name="Again", match_attribute="manually")) == 3
    assert [g.idgoal for g in goals.list_goals(engine, first_site)] == [1, 3]
    with pytest.raises(NotFound):
        goals.get_goal(engine, first_site, b)


def test_a_goal_keeps_every_matomo_field(engine: Engine) -> None:
    idsite = testing.create_site(engine)
    spec = GoalSpec(name="  Video  ", match_attribute="event_action", pattern="Play",
                    pattern_type="exact", case_sensitive=True, allow_multiple=True,
                    revenue=12.345, description="plays", event_value_as_revenue=True)
    idgoal = goals.add_goal(engine, idsite, spec)
    assert goals.get_goal(engine, idsite, idgoal).as_api() == {
        "idsite": idsite, "idgoal": idgoal, "name": "Video", "description": "plays",
        "match_attribute": "event_action", "pattern": "Play", "pattern_type": "exact",
        "case_sensitive": 1, "allow_multiple": 1, "revenue": 12.35, "deleted": 0,
        "event_value_as_revenue": 1,
    }


def test_update_replaces_the_definition(engine: Engine) -> None:
    idsite = testing.create_site(engine)
    idgoal = goals.add_goal(engine, idsite, GoalSpec(name="A", match_attribute="url", pattern="/a"))
    goals.update_goal(engine, idsite, idgoal, GoalSpec(name="B", match_attribute="file",
                                                       pattern="pdf", revenue=3))
    stored = goals.get_goal(engine, idsite, idgoal)
    assert (stored.name, stored.match_attribute, stored.pattern, stored.revenue) == \
        ("B", "file", "pdf", 3.0)


@pytest.mark.parametrize(("spec", "message"), [
    (GoalSpec(name="", match_attribute="url", pattern="x"), "needs a name"),
    (GoalSpec(name="x" * 51, match_attribute="url", pattern="x"), "at most 50"),
    (GoalSpec(name="X", match_attribute="colour", pattern="x"), "invalid goal match attribute"),
    (GoalSpec(name="X", match_attribute="url", pattern=""), "needs a pattern"),
    (GoalSpec(name="X", match_attribute="url", pattern="x", pattern_type="fuzzy"),
     "invalid goal pattern type"),
    (GoalSpec(name="X", match_attribute="url", pattern="/thanks", pattern_type="exact"),
     "must be a full URL"),
    (GoalSpec(name="X", match_attribute="title", pattern="(unclosed", pattern_type="regex"),
     "invalid goal regular expression"),
    (GoalSpec(name="X", match_attribute="manually", revenue=-1), "cannot be negative"),
    (GoalSpec(name="X", match_attribute="visit_duration", pattern="5"), "greater_than"),
    (GoalSpec(name="X", match_attribute="url", pattern="x", event_value_as_revenue=True),
     "only applies to goals matching an event"),
])
def test_bad_definitions_are_refused_with_a_reason(spec: GoalSpec, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        goals.validate(spec)


def test_a_manual_goal_needs_no_pattern_and_duration_goals_take_minutes() -> None:
    assert goals.validate(GoalSpec(name="M", match_attribute="manually")).pattern == ""
    duration = GoalSpec(name="D", match_attribute="visit_duration", pattern="5",
                        pattern_type="greater_than")
    assert goals.validate(duration).pattern_type == "greater_than"
