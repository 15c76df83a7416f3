"""Matomo segments: `segment=` definitions parsed, checked and turned into SQL conditions.

parser.py    the grammar (AND of ORs, operators, URL decoding, Matomo's errors)
registry.py  the segments known: names, categories, columns, value mappings
values.py    value mappings (visitorType new -> 0, deviceType names, continents, ids)
sql.py       one condition as a parameterised SQLAlchemy condition
segment.py   Segment: visit_condition / action_condition / hash for the archiver and Live
suggest.py   API.getSuggestedValuesForSegment's values
"""

from footfall.segments.parser import SegmentError
from footfall.segments.segment import Segment, parse_segment, segment_for_site

__all__ = ["Segment", "SegmentError", "parse_segment", "segment_for_site"]
