"""The server-side SVG line chart's geometry."""

from __future__ import annotations

from footfall.web.chart import HEIGHT, PAD_BOTTOM, PAD_TOP, line_chart, nice_step


def test_gridline_steps_are_round_whole_numbers() -> None:
    assert [nice_step(v) for v in (0, 1, 5, 7, 12, 180, 2300)] == [1, 1, 2, 2, 3, 50, 600]
    assert nice_step(100) == 25 and nice_step(90) == 25


def test_points_span_the_plot_and_scale_to_the_gridlines() -> None:
    chart = line_chart([("Nov 1", 0), ("Nov 2", 50), ("Nov 3", 100)])
    xs = [p.x for p in chart.points]
    ys = [p.y for p in chart.points]
    assert xs == sorted(xs) and xs[0] == chart.plot_left and xs[-1] == chart.plot_right
    assert ys[0] == HEIGHT - PAD_BOTTOM  # zero sits on the baseline
    assert ys[2] == PAD_TOP  # 100 is the top gridline
    assert [t.text for t in chart.y_ticks] == ["0", "25", "50", "75", "100"]
    assert chart.line_path.startswith("M") and chart.area_path.endswith("Z")
    assert chart.points[1].tip == "Nov 2: 50 visits"
    assert "highest on Nov 3 with 100" in chart.description and "150 in total" in chart.description


def test_small_counts_keep_whole_gridlines_and_labels_are_thinned() -> None:
    series = [(f"Day {i}", i % 2) for i in range(30)]
    chart = line_chart(series)
    assert [t.text for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert 2 <= len(chart.x_ticks) <= 7


def test_all_zero_series_is_empty_but_still_drawn() -> None:
    chart = line_chart([("a", 0), ("b", 0)])
    assert chart.is_empty and len(chart.points) == 2
    assert not line_chart([("a", 3)]).is_empty
