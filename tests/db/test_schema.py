"""The schema migrates up from empty and round-trips rows on every engine."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall import sites, testing
from footfall.auth import users
from footfall.db import migrate
from footfall.db.schema import log_action, log_link_visit_action, log_visit, metadata


def test_migration_reaches_head_and_creates_every_table(engine: Engine) -> None:
    assert migrate.current_revision(engine) == migrate.head_revision()
    present = set(sa.inspect(engine).get_table_names())
    assert set(metadata.tables) <= present


def test_upgrade_twice_is_a_no_op(engine: Engine) -> None:
    before, after = migrate.upgrade(engine)
    assert before == after == migrate.head_revision()


def test_site_user_token_round_trip(engine: Engine) -> None:
    idsite = sites.add_site(engine, name="Shop", urls=["https://shop.example", "https://www.shop.example"],
                            timezone="Asia/Tokyo", currency="jpy", ecommerce=True)
    site = sites.get_site(engine, idsite)
    assert (site.name, site.timezone, site.currency, site.ecommerce) == ("Shop", "Asia/Tokyo", "JPY", True)
    assert site.urls == ("https://shop.example", "https://www.shop.example")

    users.add_user(engine, "alice", email="alice@example.com", password="s3cret")
    token = users.create_token(engine, "alice", description="laptop")
    assert len(token) == 32 and int(token, 16) >= 0
    assert users.user_for_token(engine, token) == users.User("alice", "alice@example.com", False)
    assert users.user_for_token(engine, "0" * 32) is None
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM user_token_auth")).scalar_one()
    assert token not in stored  # only the hash is kept

    assert users.access_level(engine, users.get_user(engine, "alice"), idsite) is None
    users.set_access(engine, "alice", idsite, "write")
    assert users.access_level(engine, users.get_user(engine, "alice"), idsite) == "write"


def test_raw_log_round_trip_keeps_binary_ids_and_text(engine: Engine) -> None:
    now = datetime(2026, 11, 2, 10, 30, 0)
    with engine.begin() as conn:
        idaction = conn.execute(log_action.insert().values(
            name="example.com/ünïcode?q=1", hash=1967023229, type=1, url_prefix=3,
        )).inserted_primary_key[0]
        idvisit = conn.execute(log_visit.insert().values(
            idsite=1, idvisitor=bytes.fromhex("0123456789abcdef"), config_id=b"\x00" * 8,
            location_ip=bytes([192, 0, 2, 0]), visit_first_action_time=now,
            visit_last_action_time=now, visit_total_time=0, visitor_count_visits=1,
            visit_entry_idaction_url=idaction,
        )).inserted_primary_key[0]
        conn.execute(log_link_visit_action.insert().values(
            idsite=1, idvisitor=bytes.fromhex("0123456789abcdef"), idvisit=idvisit,
            server_time=now, idaction_url=idaction, pageview_position=1,
        ))
    with engine.connect() as conn:
        visit = conn.execute(sa.select(log_visit)).mappings().one()
        action = conn.execute(sa.select(log_action)).mappings().one()
    assert visit["idvisitor"] == bytes.fromhex("0123456789abcdef")
    assert visit["location_ip"] == bytes([192, 0, 2, 0])
    assert visit["visit_first_action_time"] == now
    assert action["name"] == "example.com/ünïcode?q=1"
    assert action["hash"] == 1967023229


def test_empty_all_tables_leaves_the_schema(engine: Engine) -> None:
    testing.create_site(engine)
    testing.empty_all_tables(engine)
    assert sites.list_sites(engine) == []
