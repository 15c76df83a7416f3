"""Segment conditions run on every engine against raw-log rows written as the tracker does."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.db.schema import (
    custom_dimensions,
    log_conversion,
    log_link_visit_action,
    log_visit,
)
from footfall.segments import SegmentError, parse_segment
from footfall.segments.segment import site_dimensions
from tests.archive.rawlog import Hit, RawLog

T = datetime(2010, 3, 6, 10, 0, 0)


class World:
    """Three visits: A (2 pages + a download), B (1 page, Chrome, returning), C (a search)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.idsite = testing.create_site(engine, name="Shop", urls=["http://example.org"])
        raw = RawLog(engine)
        self.a = raw.visit(self.idsite, "aa", [
            Hit(T, url="http://example.org/", title="Home"),
            Hit(T.replace(minute=1), url="https://www.example.org/shop?x=1", title="Shop & more"),
            Hit(T.replace(minute=2), kind="download", url="http://example.org/f.zip"),
            Hit(T.replace(minute=3), url="http://example.org/q?a=&#039;b&#039;&c=1")],
            referer_type=2, referer_name="Google", visitor_seconds_since_last=3 * 86400 + 5,
            user_id="alice", custom_dimension_2="gold")
        self.b = raw.visit(self.idsite, "bb", [Hit(T.replace(hour=11), url="http://example.org/",
                                                   title="Home")],
                           config_browser_name="CH", visitor_returning=1, location_country="de",
                           referer_type=3, referer_name="blog.example.com")
        self.c = raw.visit(self.idsite, "cc", [Hit(T.replace(hour=12), kind="search",
                                                   keyword="red 100% shoes")],
                           config_device_type=1, location_country="jp")

    def visits(self, definition: str) -> set[int]:
        segment = parse_segment(definition, site_dimensions(self.engine, [self.idsite]))
        assert segment is not None
        query = sa.select(log_visit.c.idvisit).where(segment.visit_condition(log_visit))
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def actions(self, definition: str) -> list[tuple[int, int | None]]:
        """The matching action rows, the same whether visits are asked per row or per visit."""
        segment = parse_segment(definition)
        assert segment is not None
        table, every = log_link_visit_action, log_link_visit_action.alias()
        found = []
        for visits_of_rows in (None, sa.select(every.c.idvisit)):
            query = sa.select(table.c.idvisit, table.c.idaction_url).where(
                segment.action_condition(table, visits_of_rows=visits_of_rows)).order_by(
                table.c.idlink_va)
            with self.engine.connect() as conn:
                found.append([(r.idvisit, r.idaction_url) for r in conn.execute(query)])
        assert found[0] == found[1]
        return found[0]


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


def test_visit_level_conditions(world: World) -> None:
    assert world.visits("browserCode==CH") == {world.b}
    assert world.visits("browserCode==ch") == {world.b}  # without case, as on Matomo's MySQL
    assert world.visits("userId==ALICE") == {world.a}
    assert world.visits("browserCode!=CH") == {world.a, world.c}
    assert world.visits("visitorType==returning") == {world.b}
    assert world.visits("visitorType==new") == {world.a, world.c}
    assert world.visits("visitorType==nonsense") == set()
    assert world.visits("referrerType==search,referrerType==website") == {world.a, world.b}
    assert world.visits("referrerType==search,referrerType==website;browserCode==FF") == {world.a}
    assert world.visits("countryCode==DE") == {world.b}
    assert world.visits("continentCode==asi") == {world.c}
    assert world.visits("continentCode!=eur") == {world.c}
    assert world.visits("deviceType==smartphone") == {world.c}
    assert world.visits("daysSinceLastVisit==3") == {world.a}
    assert world.visits("visitorId==bb00000000000000") == {world.b}


def test_empty_values_mean_null_or_empty(world: World) -> None:
    assert world.visits("userId==") == {world.b, world.c}
    assert world.visits("userId!=") == {world.a}
    assert world.visits("referrerName==") == {world.c}


def test_like_operators_escape_wildcards_and_ignore_case(world: World) -> None:
    assert world.visits("referrerName=@GOO") == {world.a}
    assert world.visits("referrerName!@goo") == {world.b, world.c}  # NULL names included
    assert world.visits("referrerName=^blog.") == {world.b}
    assert world.visits("referrerName=$.com") == {world.b}
    assert world.visits("siteSearchKeyword=@100%25") == {world.c}
    assert world.visits("siteSearchKeyword=@0_") == set()  # '_' is not a wildcard
    assert world.visits("referrerName=@%25") == set()  # nor is '%'


def test_numeric_comparisons(world: World) -> None:
    assert world.visits("actions>=3") == {world.a}
    assert world.visits("actions<3;actions>0") == {world.b, world.c}
    with pytest.raises(SegmentError, match="'many' is not a number"):
        world.visits("actions>=many")


def test_action_names_through_log_action(world: World) -> None:
    assert world.visits("pageUrl==http://example.org/") == {world.a, world.b}
    assert world.visits("pageUrl==https://www.example.org/shop?x=1") == {world.a}
    assert world.visits("pageUrl==example.org/shop?x=1") == {world.a}
    assert world.visits("pageUrl==http://example.org/q?a='b'%26c=1") == {world.a}
    assert world.visits("pageUrl==http://example.org/nowhere") == set()
    assert world.visits("pageUrl!=http://example.org/nowhere") == {world.a, world.b, world.c}
    assert world.visits("pageUrl!=http://example.org/") == {world.c}
    assert world.visits("pageUrl=@/SHOP") == {world.a}
    assert world.visits("pageTitle==Shop %26 more") == {world.a}
    assert world.visits("downloadUrl==http://example.org/f.zip") == {world.a}
    assert world.visits("entryPageUrl==http://example.org/") == {world.a, world.b}
    assert world.visits("exitPageTitle==Home") == {world.b}


def test_action_rows_keep_only_matching_actions(world: World) -> None:
    matched = world.actions("pageUrl==http://example.org/")
    assert [visit for visit, _ in matched] == [world.a, world.b]
    assert len({action for _, action in matched}) == 1
    # Visit-level and negative conditions keep or drop whole visits.
    assert [v for v, _ in world.actions("browserCode==FF")] == [world.a] * 4 + [world.c]
    assert [v for v, _ in world.actions("pageUrl!=http://example.org/")] == [world.c]
    # OR across levels: the matching actions of any visit, and every action of Chrome visits.
    mixed = world.actions("downloadUrl=@f.zip,browserCode==CH")
    assert [v for v, _ in mixed] == [world.a, world.b]


def test_custom_dimensions_use_the_sites_slot(world: World) -> None:
    with world.engine.begin() as conn:
        conn.execute(custom_dimensions.insert().values(
            idcustomdimension=4, idsite=world.idsite, name="Tier", index=2, scope="visit",
            active=1))
    assert world.visits("dimension4==gold") == {world.a}
    with pytest.raises(SegmentError, match="'dimension2' is not a supported segment"):
        world.visits("dimension2==gold")


def test_conversion_conditions_select_visits_with_such_a_conversion(world: World) -> None:
    with world.engine.begin() as conn:
        conn.execute(log_conversion.insert().values(
            idvisit=world.b, idsite=world.idsite, idvisitor=bytes.fromhex("bb" + "0" * 14),
            server_time=T, idgoal=3, buster=0, idorder="O-7", url="http://example.org/"))
    assert world.visits("visitConvertedGoalId==3") == {world.b}
    assert world.visits("visitConvertedGoalId!=3") == {world.a, world.c}
    assert world.visits("orderId==O-7") == {world.b}
    assert [v for v, _ in world.actions("visitConvertedGoalId==3")] == [world.b]


def test_action_scoped_custom_dimensions_filter_action_rows(world: World) -> None:
    with world.engine.begin() as conn:
        conn.execute(custom_dimensions.insert().values(
            idcustomdimension=1, idsite=world.idsite, name="Section", index=3, scope="action",
            active=1))
        conn.execute(log_link_visit_action.update().where(
            log_link_visit_action.c.idvisit == world.a,
            log_link_visit_action.c.time_spent_ref_action == 0).values(custom_dimension_3="top"))
    segment = parse_segment("dimension1==top", site_dimensions(world.engine, [world.idsite]))
    assert segment is not None
    table = log_link_visit_action
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.idvisit).where(
            segment.action_condition(table))).scalars().all()
    assert rows == [world.a]
    assert world.visits("dimension1==top") == {world.a}
