"""Reporting API compatibility: pivotBy, a report's rows against its subtable's values.

Fixture: Matomo's VisitsOverSeveralDays (reference V1). In December 2010 site 1's social
visits came from facebook.com, www.facebook.com and fb.me (Facebook: 3) and from
twitter.com, www.twitter.com and t.co (Twitter: 3).
"""

from __future__ import annotations

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture

MONTH = {"idSite": 1, "period": "month", "date": "2010-12-01"}
NBSP = "\u00a0"


def test_socials_pivoted_by_referrer_url(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", pivotBy="referrers.referrerurl",
                               pivotByColumn="nb_visits", **MONTH)
    assert [r["label"] for r in answer] == ["Facebook", "Twitter"]
    facebook, twitter = answer
    urls = [k for k in facebook if k[:1].isdigit()]
    assert len(urls) == 6 and urls[0].startswith(f"1.{NBSP}http")
    assert list(facebook) == list(twitter)[:len(facebook)]  # same columns, same order
    fb = {k.split(NBSP, 1)[1]: v for k, v in facebook.items() if k in urls}
    assert fb["http://facebook.com/whatever"] == 1 and fb["http://twitter.com/whatever2"] is False
    assert sum(v for v in fb.values() if v is not False) == 3
    assert facebook["segment"] == "referrerType==social;referrerName==Facebook"
    assert "nb_visits" not in facebook and "subtable" not in facebook


def test_column_limit_keeps_the_biggest_and_sums_the_rest(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", pivotBy="Referrers.ReferrerUrl",
                               pivotByColumn="nb_visits", pivotByColumnLimit=2,
                               disable_queued_filters=1, **MONTH)
    facebook = answer[0]
    assert [k for k in facebook if k not in ("label", "url", "logo", "segment")] == \
        ["http://facebook.com/whatever", "Others"]
    assert facebook["http://facebook.com/whatever"] == 1 and facebook["Others"] == 2
    assert answer[1]["http://facebook.com/whatever"] is False and answer[1]["Others"] == 3


def test_default_pivot_column_is_the_first_metric(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", pivotBy="Referrers.ReferrerUrl",
                               disable_queued_filters=1, **MONTH)
    assert answer[0]["http://facebook.com/whatever"] == 1  # nb_uniq_visitors


def test_pivot_in_xml_and_csv(several_days: Scenario) -> None:
    query = {"pivotBy": "Referrers.ReferrerUrl", "pivotByColumn": "nb_visits",
             "pivotByColumnLimit": 2, "disable_queued_filters": 1, **MONTH}
    xml = several_days.api("Referrers.getSocials", **query).text
    # URLs are not tag names: Matomo writes the whole row with <col name="...">.
    assert '\t\t<col name="http://facebook.com/whatever">1</col>\n' in xml
    csv = several_days.api("Referrers.getSocials", format="csv", convertToUnicode=0,
                           **query).text.split("\n")
    assert csv[0].startswith("label,http://facebook.com/whatever,Others,")
    assert csv[1].startswith("Facebook,1,2,")


def test_unsupported_pivots_are_errors(several_days: Scenario) -> None:
    wrong = several_days.json("Referrers.getSocials", pivotBy="Referrers.Keyword", **MONTH)
    assert wrong["result"] == "error" and wrong["message"].startswith(
        "Unsupported pivot: the subtable dimension for 'Referrers.Social Networks' does not "
        "match the requested pivotBy dimension. [subtable dimension = Referrers.ReferrerUrl, "
        "pivot by dimension = Referrers.Keyword]")
    unknown = several_days.json("Referrers.getSocials", pivotBy="Nope.Nothing", **MONTH)
    assert unknown == {"result": "error", "message": "Invalid dimension 'Nope.Nothing'."}
    flat = several_days.json("UserCountry.getCountry", pivotBy="Referrers.Keyword", **MONTH)
    assert flat["message"] == ("Unsupported pivot: report 'UserCountry.Country' has no "
                               "subtable dimension.")
