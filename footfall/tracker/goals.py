"""Goal conversions (reference §6): placeholder until the matching lands."""

from __future__ import annotations

from typing import Any


def may_convert(ctx: Any, hit: Any) -> bool:
    return False


def record_goals(ctx: Any, hit: Any, writer: Any, actions: Any) -> None:
    return None
