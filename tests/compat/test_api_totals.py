"""Reporting API compatibility: report totals (keep_totals_row, getProcessedReport's
reportTotal) and how they interplay with the filter_* parameters.

Fixture: Matomo's VisitsOverSeveralDays (reference V1). In December 2010 site 1 has six
visits from social networks (Facebook, Twitter, Flickr).
"""

from __future__ import annotations

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture

MONTH = {"idSite": 1, "period": "month", "date": "2010-12-01"}


def test_keep_totals_row_appends_the_whole_reports_totals(several_days: Scenario) -> None:
    rows = several_days.json("Referrers.getSocials", **MONTH)
    visits = sum(r["nb_visits"] for r in rows)
    actions = sum(r["nb_actions"] for r in rows)
    with_totals = several_days.json("Referrers.getSocials", keep_totals_row=1, filter_limit=1,
                                    **MONTH)
    # One row kept by filter_limit, then the totals of every row.
    assert [r["label"] for r in with_totals] == [rows[0]["label"], "Totals"]
    total = with_totals[-1]
    assert total["nb_visits"] == visits == 6 and total["nb_actions"] == actions
    assert total["max_actions"] == max(r["max_actions"] for r in rows)
    assert total["bounce_rate"] == "50%"  # recomputed on the sums, formatted
    assert total["nb_actions_per_visit"] == 1.5
    assert "segment" not in total and "logo" not in total


def test_totals_follow_the_pattern_filter_and_a_custom_label(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", keep_totals_row=1,
                               keep_totals_row_label="All", filter_pattern="^(Facebook|Twitter)$",
                               **MONTH)
    labels = [r["label"] for r in answer]
    assert labels[-1] == "All" and set(labels[:-1]) == {"Facebook", "Twitter"}
    assert answer[-1]["nb_visits"] == sum(r["nb_visits"] for r in answer[:-1])


def test_totals_off_or_not_asked(several_days: Scenario) -> None:
    plain = several_days.json("Referrers.getSocials", **MONTH)
    assert "Totals" not in [r["label"] for r in plain]
    off = several_days.json("Referrers.getSocials", keep_totals_row=1, totals=0, **MONTH)
    assert off == plain


def test_totals_row_in_xml_and_csv(several_days: Scenario) -> None:
    query = {"keep_totals_row": 1, "filter_limit": 1, "showColumns": "nb_visits", **MONTH}
    xml = several_days.api("Referrers.getSocials", **query).text
    assert xml.endswith("\t<row>\n\t\t<label>Totals</label>\n\t\t<nb_visits>6</nb_visits>\n"
                        "\t</row>\n</result>")
    csv = several_days.api("Referrers.getSocials", format="csv", convertToUnicode=0,
                           **query).text
    header, first, total = csv.split("\n")
    assert header.startswith("label,nb_visits,metadata_")
    assert total == "Totals,6" + "," * (header.count(",") - 1)  # no metadata cells


def test_processed_report_total_ignores_the_limit(several_days: Scenario) -> None:
    answer = several_days.json("API.getProcessedReport", apiModule="Referrers",
                               apiAction="getSocials", filter_limit=1, **MONTH)
    assert len(answer["reportData"]) == 1
    assert answer["reportTotal"]["nb_visits"] == 6
    assert answer["reportTotal"]["nb_actions"] == 9
    with_row = several_days.json("API.getProcessedReport", apiModule="Referrers",
                                 apiAction="getSocials", keep_totals_row=1, **MONTH)
    assert with_row["reportTotal"]["nb_visits"] == 6  # the totals row is not counted twice


def test_truncated_others_row_comes_before_the_totals(several_days: Scenario) -> None:
    every = several_days.json("Actions.getPageUrls", showColumns="nb_hits", **MONTH)
    answer = several_days.json("Actions.getPageUrls", keep_totals_row=1, filter_truncate=1,
                               showColumns="nb_hits", **MONTH)
    assert len(every) == 3 and [r["label"] for r in answer][1:] == ["Others", "Totals"]
    assert answer[0]["nb_hits"] + answer[1]["nb_hits"] == answer[2]["nb_hits"] == \
        sum(r["nb_hits"] for r in every)
