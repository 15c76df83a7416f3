"""Processed metrics of the Actions reports (reference §6.1)."""

from __future__ import annotations

from footfall.reports.metrics import metric, ratio
from footfall.reports.registry import Metric, ProcessedMetric

AVG_TIME_ON_PAGE = ProcessedMetric(
    "avg_time_on_page", "Avg. time on page",
    lambda r, t: ratio(r.get("sum_time_spent"), r.get("nb_hits"), 0), type="duration_s",
    depends_on=("nb_hits",), documentation="The average time visitors spent on this page.")
PAGE_BOUNCE_RATE = ProcessedMetric(
    "bounce_rate", "Bounce Rate",
    lambda r, t: ratio(r.get("entry_bounce_count"), r.get("entry_nb_visits"), 2),
    type="percent", documentation="Visits that entered on this page and left right away.")
EXIT_RATE = ProcessedMetric(
    "exit_rate", "Exit rate", lambda r, t: ratio(r.get("exit_nb_visits"), r.get("nb_visits"), 2),
    type="percent", depends_on=("nb_visits",),
    documentation="The share of visits to this page that left the site from it.")
PAGES_PER_SEARCH = ProcessedMetric(
    "nb_pages_per_search", "Search Results Pages",
    lambda r, t: ratio(r.get("nb_hits"), r.get("nb_visits"), 1), depends_on=("nb_visits",),
    documentation="How many result pages a search showed on average.")

PAGE_METRICS: tuple[Metric, ...] = (
    metric("nb_visits"), metric("nb_uniq_visitors"), metric("nb_hits", "Pageviews"),
    metric("sum_time_spent", "Time on page", "duration_s"),
    metric("entry_nb_visits", "Entrances"), metric("entry_nb_actions", "Actions in entry visits"),
    metric("entry_sum_visit_length", "Time in entry visits", "duration_s"),
    metric("entry_bounce_count", "Bounces"), metric("exit_nb_visits", "Exits"))
ENTRY_METRICS: tuple[Metric, ...] = tuple(m for m in PAGE_METRICS if m.name.startswith("entry_"))
EXIT_METRICS: tuple[Metric, ...] = (metric("exit_nb_visits", "Exits"), metric("nb_visits"))
LINK_METRICS: tuple[Metric, ...] = (metric("nb_visits"), metric("nb_uniq_visitors"),
                                    metric("nb_hits", "Clicks"))
SEARCH_METRICS: tuple[Metric, ...] = (metric("nb_visits"), metric("nb_hits", "Searches"),
                                      metric("exit_nb_visits", "Exits"))
PAGE_PROCESSED = (AVG_TIME_ON_PAGE, PAGE_BOUNCE_RATE, EXIT_RATE)
SEARCH_PROCESSED = (PAGES_PER_SEARCH, AVG_TIME_ON_PAGE, EXIT_RATE)
