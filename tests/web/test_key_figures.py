"""Key figures and their change since the previous period."""

from __future__ import annotations

from footfall.web.key_figures import change_between, key_figures


def test_changes_are_rounded_percentages_with_a_tone() -> None:
    up = change_between(120, 100, higher_is_better=True)
    assert up is not None and (up.text, up.tone) == ("+20%", "good")
    assert "up 20%" in up.words
    worse_bounce = change_between("60%", "50%", higher_is_better=False)
    assert worse_bounce is not None and (worse_bounce.text, worse_bounce.tone) == ("+20%", "bad")
    down = change_between(75, 100, higher_is_better=True)
    assert down is not None and (down.text, down.tone) == ("−25%", "bad")
    flat = change_between(100, 100, higher_is_better=True)
    assert flat is not None and flat.tone == "flat"
    assert change_between(5, 0, higher_is_better=True) is None  # nothing to compare with
    assert change_between(5, None, higher_is_better=True) is None


def test_figures_read_like_matomos_overview() -> None:
    summary = {"nb_visits": 1200, "nb_actions": 4800, "nb_actions_per_visit": 4,
               "avg_time_on_site": 185, "bounce_rate": "40%"}
    previous = {"nb_visits": 1000, "nb_actions": 4800, "bounce_rate": "50%"}
    figures = {f.name: f for f in key_figures(summary, previous, is_range=True)}
    assert [f.value for f in figures.values()] == ["1,200", "—", "4,800", "4", "3 min 5s", "40%"]
    assert figures["Unique visitors"].hint == "not computed for date ranges"
    assert figures["Visits"].change is not None and figures["Visits"].change.text == "+20%"
    assert figures["Bounce rate"].change is not None and figures["Bounce rate"].change.tone == "good"
    assert figures["Actions per visit"].change is None  # the previous period lacks the column
    assert all(f.change is None for f in key_figures(summary, None, is_range=False))
