"""The overview's key figures (VisitsSummary.get), each compared with the previous period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from footfall.web.formatting import as_number, by_kind


@dataclass(frozen=True)
class FigureSpec:
    name: str
    column: str
    kind: str  # count | duration | percent
    higher_is_better: bool = True


FIGURES = (
    FigureSpec("Visits", "nb_visits", "count"),
    FigureSpec("Unique visitors", "nb_uniq_visitors", "count"),
    FigureSpec("Actions", "nb_actions", "count"),
    FigureSpec("Actions per visit", "nb_actions_per_visit", "count"),
    FigureSpec("Avg. time on site", "avg_time_on_site", "duration"),
    FigureSpec("Bounce rate", "bounce_rate", "percent", higher_is_better=False),
)
_ZERO = {"count": 0, "duration": 0, "percent": "0%"}


@dataclass(frozen=True)
class Change:
    """How a figure moved since the previous period: '+12%', and whether that is good news."""

    text: str
    tone: str  # good | bad | flat
    words: str  # for screen readers: "up 12% on the previous period"


@dataclass(frozen=True)
class KeyFigure:
    name: str
    value: str
    hint: str = ""
    change: Change | None = None


def change_between(current: Any, previous: Any, *, higher_is_better: bool) -> Change | None:
    now, before = as_number(current), as_number(previous)
    if now is None or before is None or before == 0:
        return None  # nothing to compare with (a new site, or a column the period lacks)
    percent = round((now - before) / before * 100)
    if percent == 0:
        return Change("0%", "flat", "unchanged from the previous period")
    up = percent > 0
    tone = "good" if up == higher_is_better else "bad"
    return Change(f"{'+' if up else '−'}{abs(percent)}%", tone,
                  f"{'up' if up else 'down'} {abs(percent)}% on the previous period")


def key_figures(summary: dict[str, Any], previous: dict[str, Any] | None,
                *, is_range: bool) -> list[KeyFigure]:
    """The figures in the order and words of Matomo's visits overview."""
    figures = []
    for spec in FIGURES:
        value = summary.get(spec.column, None if spec.column == "nb_uniq_visitors" else _ZERO[spec.kind])
        hint = "not computed for date ranges" if value is None and is_range else ""
        change = None
        if previous is not None and value is not None:
            change = change_between(value, previous.get(spec.column),
                                    higher_is_better=spec.higher_is_better)
        figures.append(KeyFigure(spec.name, by_kind(value, spec.kind), hint, change))
    return figures
