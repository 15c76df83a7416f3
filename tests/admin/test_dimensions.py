"""Custom dimension configuration: slots per scope, ids per site, extractions."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.admin import dimensions
from footfall.admin.dimensions import Extraction
from footfall.errors import BadRequest


def test_each_scope_fills_its_own_slots_and_ids_count_per_site(engine: Engine) -> None:
    idsite, other = testing.create_site(engine), testing.create_site(engine)
    visit_a = dimensions.add_dimension(engine, idsite, name="Type", scope="visit")
    action_a = dimensions.add_dimension(engine, idsite, name="Section", scope="action")
    visit_b = dimensions.add_dimension(engine, idsite, name="Plan", scope="visit")
    elsewhere = dimensions.add_dimension(engine, other, name="Type", scope="visit")
    assert (visit_a, action_a, visit_b, elsewhere) == (1, 2, 3, 1)
    found = {d.idcustomdimension: (d.scope, d.index, d.column)
             for d in dimensions.list_dimensions(engine, idsite)}
    assert found == {1: ("visit", 1, "custom_dimension_1"), 2: ("action", 1, "custom_dimension_1"),
                     3: ("visit", 2, "custom_dimension_2")}


def test_a_scope_has_five_slots(engine: Engine) -> None:
    idsite = testing.create_site(engine)
    for i in range(5):
        dimensions.add_dimension(engine, idsite, name=f"V{i}", scope="visit")
    with pytest.raises(BadRequest, match="all 5 custom dimension slots of scope visit"):
        dimensions.add_dimension(engine, idsite, name="V5", scope="visit")
    assert dimensions.add_dimension(engine, idsite, name="A", scope="action") == 6


def test_extractions_are_stored_and_updated(engine: Engine) -> None:
    idsite = testing.create_site(engine)
    iddim = dimensions.add_dimension(engine, idsite, name="Category", scope="action",
                                     extractions=[Extraction("url", r"/shop/(\w+)/")],
                                     case_sensitive=False)
    stored = dimensions.get_dimension(engine, idsite, iddim)
    assert stored.as_api() == {
        "idcustomdimension": iddim, "idsite": idsite, "name": "Category", "index": 1,
        "scope": "action", "active": True,
        "extractions": [{"dimension": "url", "pattern": r"/shop/(\w+)/"}], "case_sensitive": False,
    }
    dimensions.update_dimension(engine, idsite, iddim, name="Shop category", active=False,
                                extractions=[Extraction("urlparam", "cat")])
    updated = dimensions.get_dimension(engine, idsite, iddim)
    assert (updated.name, updated.active, updated.extractions, updated.index) == \
        ("Shop category", False, (Extraction("urlparam", "cat"),), 1)


@pytest.mark.parametrize(("scope", "extractions", "message"), [
    ("visit", [Extraction("url", "(x)")], "only supported for custom dimensions of scope action"),
    ("action", [Extraction("referrer", "(x)")], "invalid extraction dimension"),
    ("action", [Extraction("url", "no group")], "needs a group"),
    ("action", [Extraction("action_name", "(bad")], "invalid extraction pattern"),
    ("planet", [], "invalid custom dimension scope"),
])
def test_bad_configurations_are_refused(engine: Engine, scope: str,
                                        extractions: list[Extraction], message: str) -> None:
    idsite = testing.create_site(engine)
    with pytest.raises(BadRequest, match=message):
        dimensions.add_dimension(engine, idsite, name="X", scope=scope, extractions=extractions)
    assert dimensions.list_dimensions(engine, idsite) == []
