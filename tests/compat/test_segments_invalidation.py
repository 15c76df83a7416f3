"""Segment archives and late hits, over HTTP on every engine.

In a module of its own: it needs an empty database while tests/compat/test_segments.py
keeps a tracked scenario (and its server) alive for the whole module.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings
from tests.compat.api_support import start
from tests.compat.test_segments import CHROME, OTHER_VISITOR, visits


def test_late_hits_invalidate_segment_archives(settings: Settings, engine: Engine) -> None:
    """A hit dated in an archived day rebuilds that day's segment archive too."""
    for fresh in start(settings, engine):
        testing.create_site(engine, name="Late", urls=["http://example.org"])
        fresh.created(1, "2010-03-01 00:00:00")
        chrome = {"ua": CHROME, "_id": OTHER_VISITOR}
        fresh.hit(1, "2010-03-06 10:00:00", "http://example.org/", **chrome)
        fresh.server.drain()
        assert visits(fresh, "browserCode==CH") == 1
        fresh.hit(1, "2010-03-06 18:00:00", "http://example.org/", cip="10.9.9.9", **chrome)
        fresh.server.drain()
        assert visits(fresh, "browserCode==CH") == 2
        assert visits(fresh, "browserCode==CH", period="week") == 2
