"""Ecommerce orders and carts (reference §7): placeholder until it lands."""

from __future__ import annotations

from typing import Any


def record_ecommerce(ctx: Any, hit: Any, writer: Any, actions: Any) -> None:
    return None
