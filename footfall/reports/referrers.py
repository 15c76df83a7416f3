"""Referrers: where visits came from — types, search engines and keywords, websites, socials, campaigns.

One GROUP BY per day feeds every table: visits by (type, name, keyword, url).
Every table, two-level ones (engine -> keywords, website -> URLs ...) and the
channel types alike, is summed from those groups, unique visitors included,
as Matomo's archiver does (reference V4: a parent row sums its children).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable, Row, add_row, sort_rows
from footfall.reports.common import relabel, segment_value, visit_report
from footfall.reports.metrics import (
    CONVERSION_RATE,
    VISIT_PROCESSED_METRICS,
    add_visit_metrics,
    group_visits,
    metric,
    ratio,
)
from footfall.reports.registry import Family, ProcessedMetric, ReportDefinition, ReportRequest
from footfall.tracker.enrich.datafiles import load_yaml, packaged

DIRECT, SEARCH, WEBSITE, CAMPAIGN, SOCIAL = 1, 2, 3, 6, 7
TYPE_LABELS = {DIRECT: "Direct Entry", SEARCH: "Search Engines", WEBSITE: "Websites",
               CAMPAIGN: "Campaigns", SOCIAL: "Social Networks"}
TYPE_SEGMENTS = {DIRECT: "direct", SEARCH: "search", WEBSITE: "website", CAMPAIGN: "campaign",
                 SOCIAL: "social"}
KEYWORD_NOT_DEFINED = "Keyword not defined"
ICONS = "plugins/Morpheus/icons/dist"
LIMITS = ("datatable_archiving_maximum_rows_referrers",
          "datatable_archiving_maximum_rows_subtable_referrers")
# record -> (referrer type, group kind: 'keyword' (name -> keyword) / 'url' / 'by_keyword')
TWO_LEVEL = {
    "Referrers_keywordBySearchEngine": (SEARCH, "keyword"),
    "Referrers_searchEngineByKeyword": (SEARCH, "by_keyword"),
    "Referrers_keywordByCampaign": (CAMPAIGN, "keyword"),
    "Referrers_urlByWebsite": (WEBSITE, "url"),
    "Referrers_urlBySocialNetwork": (SOCIAL, "url"),
}

Groups = list[tuple[tuple[Any, ...], dict[str, Any]]]


def archive_day(ctx: DayContext) -> Records:
    """One GROUP BY (type, name, keyword, url); every table is summed from its groups."""
    v = ctx.visits.c
    kind = sa.func.coalesce(v.referer_type, DIRECT)
    groups = group_visits(ctx.conn, ctx.visits, [kind, v.referer_name, v.referer_keyword,
                                                 v.referer_url])
    by_keyword, by_url, by_type = _summed(groups)
    keywords_of, urls_of = _by_kind(by_keyword), _by_kind(by_url)
    tables = {name: _two_level((urls_of if how == "url" else keywords_of).get(kind_id, []), how)
              for name, (kind_id, how) in TWO_LEVEL.items()}
    tables["Referrers_type"] = _type_table(by_type, tables)
    return Records(numerics=_numerics(by_type, keywords_of, urls_of), tables=tables)


def _summed(groups: Groups) -> tuple[Groups, Groups, Groups]:
    """The groups re-keyed by (type, name, keyword), by (type, name, url) for websites and
    socials, and by type, metrics added up (uniques too, as Matomo): one pass for all three."""
    by_keyword: dict[tuple[Any, ...], dict[str, Any]] = {}
    by_url: dict[tuple[Any, ...], dict[str, Any]] = {}
    by_type: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (kind, name, keyword, url), metrics in groups:
        folds = [(by_keyword, (kind, name, keyword)), (by_type, (kind,))]
        if int(kind) in (WEBSITE, SOCIAL):
            folds.append((by_url, (kind, name, url)))
        for found, short in folds:
            current = found.get(short)
            if current is None:
                found[short] = dict(metrics)
            else:
                add_visit_metrics(current, metrics)
    return list(by_keyword.items()), list(by_url.items()), list(by_type.items())


def _by_kind(groups: Groups) -> dict[int, Groups]:
    """The groups of each referrer type, in their order: each table reads only its type's
    (there are thousands of groups at 150,000 visits, read by five tables and the counts)."""
    found: dict[int, Groups] = {}
    for group in groups:
        found.setdefault(int(group[0][0]), []).append(group)
    return found


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _two_level(groups: Groups, how: str) -> DataTable:
    """Parent rows (name, or keyword for "by_keyword") with their children, from the
    groups of one referrer type."""
    table = DataTable()
    parents: dict[str, Row] = {}
    children: dict[tuple[str, str], Row] = {}
    for (_, name, detail), metrics in groups:
        outer, inner = (_text(detail), _text(name)) if how == "by_keyword" else \
            (_text(name), _text(detail))
        parent = parents.get(outer)
        if parent is None:
            parent = parents[outer] = Row(outer, dict(metrics), subtable=DataTable())
            table.rows.append(parent)
        else:
            add_visit_metrics(parent.columns, metrics)
        child = children.get((outer, inner))
        if child is None:
            child = children[(outer, inner)] = Row(inner, dict(metrics))
            assert parent.subtable is not None
            parent.subtable.rows.append(child)
        else:
            add_visit_metrics(child.columns, metrics)
    return table


def _type_table(by_type: Groups, tables: dict[str, DataTable]) -> DataTable:
    """One row per type; its subtable lists that type's keywords, sites, campaigns or networks."""
    children = {SEARCH: tables["Referrers_searchEngineByKeyword"],
                WEBSITE: tables["Referrers_urlByWebsite"],
                CAMPAIGN: tables["Referrers_keywordByCampaign"],
                SOCIAL: tables["Referrers_urlBySocialNetwork"]}
    table = DataTable()
    for (kind,), metrics in by_type:
        source = children.get(int(kind))
        sub = None
        if source is not None:
            sub = DataTable([Row(r.label, dict(r.columns)) for r in source.rows])
        table.rows.append(Row(str(int(kind)), dict(metrics), subtable=sub))
    return table


def _numerics(by_type: Groups, keywords_of: dict[int, Groups],
              urls_of: dict[int, Groups]) -> dict[str, float]:
    visits = {int(kind): m["nb_visits"] for (kind,), m in by_type}
    names = {kind: {_text(n) for (_, n, _), _m in keywords_of.get(kind, [])}
             for kind in TYPE_LABELS}
    keywords = {_text(w) for (_, _, w), _m in keywords_of.get(SEARCH, [])}
    website_urls = {_text(u) for (_, _, u), _m in urls_of.get(WEBSITE, [])}
    return {
        "Referrers_visitorsFromDirectEntry": visits.get(DIRECT, 0),
        "Referrers_visitorsFromSearchEngines": visits.get(SEARCH, 0),
        "Referrers_visitorsFromWebsites": visits.get(WEBSITE, 0),
        "Referrers_visitorsFromCampaigns": visits.get(CAMPAIGN, 0),
        "Referrers_visitorsFromSocialNetworks": visits.get(SOCIAL, 0),
        "Referrers_distinctSearchEngines": len(names[SEARCH]),
        "Referrers_distinctSocialNetworks": len(names[SOCIAL]),
        "Referrers_distinctKeywords": len(keywords),
        "Referrers_distinctWebsites": len(names[WEBSITE]),
        "Referrers_distinctWebsitesUrls": len(website_urls),
        "Referrers_distinctCampaigns": len(names[CAMPAIGN]),
    }


# --- Names, logos, segments ------------------------------------------------------------


@cache
def _engine_hosts() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in load_yaml(packaged("search_engines.yml")).get("search_engines") or []:
        hosts = [h for h in entry.get("hosts") or () if "{}" not in str(h)]
        if hosts:
            found.setdefault(str(entry["name"]), str(hosts[0]))
    return found


@cache
def _social_domains() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in load_yaml(packaged("social_networks.yml")).get("social_networks") or []:
        domains = entry.get("domains") or ()
        if domains:
            found.setdefault(str(entry["name"]), str(domains[0]))
    return found


def _keyword_label(keyword: str) -> str:
    return keyword or KEYWORD_NOT_DEFINED


def _engine_row(name: str) -> tuple[str, dict[str, Any]]:
    host = _engine_hosts().get(name, "")
    metadata: dict[str, Any] = {"url": f"http://{host}" if host else "",
                                "logo": f"{ICONS}/searchEngines/{host or 'xx'}.png",
                                "segment": f"referrerType==search;referrerName=={segment_value(name)}"}
    return name, metadata


def _social_row(name: str) -> tuple[str, dict[str, Any]]:
    domain = _social_domains().get(name, "")
    return name, {"url": domain, "logo": f"{ICONS}/socials/{domain or 'xx'}.png",
                  "segment": f"referrerType==social;referrerName=={segment_value(name)}"}


def _website_row(name: str) -> tuple[str, dict[str, Any]]:
    return name, {"segment": f"referrerType==website;referrerName=={segment_value(name)}"}


def _campaign_row(name: str) -> tuple[str, dict[str, Any]]:
    return name, {"segment": f"referrerType==campaign;referrerName=={segment_value(name)}"}


def _keyword_row(keyword: str) -> tuple[str, dict[str, Any]]:
    metadata = {"segment": f"referrerKeyword=={segment_value(keyword)}"} if keyword else {}
    return _keyword_label(keyword), metadata


def _url_row(url: str) -> tuple[str, dict[str, Any]]:
    return url, ({"url": url, "segment": f"referrerUrl=={segment_value(url)}"} if url else {})


PARENT_LABELS = {"Referrers_keywordBySearchEngine": (_engine_row, _keyword_row),
                 "Referrers_searchEngineByKeyword": (_keyword_row, _engine_row),
                 "Referrers_keywordByCampaign": (_campaign_row, _keyword_row),
                 "Referrers_urlByWebsite": (_website_row, _url_row),
                 "Referrers_urlBySocialNetwork": (_social_row, _url_row)}
SUBTABLE_LABELS = {SEARCH: _keyword_row, WEBSITE: _website_row, CAMPAIGN: _campaign_row,
                   SOCIAL: _social_row}


def _relabel_tree(table: DataTable, record: str) -> DataTable:
    outer, inner = PARENT_LABELS[record]
    for row in table.rows:
        if row.subtable is not None:
            relabel(row.subtable, inner)
    return relabel(table, outer)


def _type_row(code: str) -> tuple[str, dict[str, Any]]:
    kind = int(code)
    return TYPE_LABELS.get(kind, code), {"referrer_type": kind,
                                         "segment": f"referrerType=={TYPE_SEGMENTS.get(kind)}"}


def build_type(view: ArchiveView, request: ReportRequest) -> DataTable:
    table = view.table("Referrers_type")
    for row in table.rows:
        labeller = SUBTABLE_LABELS.get(int(row.label))
        if row.subtable is not None and labeller is not None:
            relabel(row.subtable, labeller)
    return relabel(table, _type_row)


def build_all(view: ArchiveView, request: ReportRequest) -> DataTable:
    """Every referrer in one list: direct entry, then each type's names."""
    merged = DataTable()
    for row in build_type(view, request).rows:
        kind = row.metadata["referrer_type"]
        children = row.subtable.rows if row.subtable is not None else [Row(row.label)]
        for child in children:
            columns = dict(child.columns) if row.subtable is not None else dict(row.columns)
            metadata = {**child.metadata, "referer_type": kind}
            existing = merged.row_by_label(child.label)
            if existing is not None:
                add_row(existing, Row(child.label, columns))
            else:
                merged.rows.append(Row(child.label, columns, metadata))
    sort_rows(merged.rows)
    return merged


def tree_build(record: str) -> Any:
    def build(view: ArchiveView, request: ReportRequest) -> DataTable:
        return _relabel_tree(view.table(record), record)

    return build


def subtable_build(record: str) -> Any:
    """A subtable method (getKeywordsFromSearchEngineId ...): the idSubtable'th subtable."""

    def build(view: ArchiveView, request: ReportRequest) -> DataTable:
        from footfall.archive.datatable import find_subtable

        raw = str(request.params.get("idSubtable") or "")
        table = _relabel_tree(view.table(record), record)
        found = find_subtable(table, int(raw)) if raw.isdecimal() else None
        return found if found is not None else DataTable()

    return build


def _report(action: str, name: str, dimension: str, build: Any, **extra: Any) -> Any:
    return visit_report("Referrers", action, name, category="Acquisition",
                        subcategory="All Channels", dimension=dimension, build=build,
                        documentation=f"Visits by {dimension.lower()}.", **extra)


def _pair(action: str, sub_action: str, name: str, dimension: str, sub_dimension: str,
          record: str) -> list[Any]:
    return [_report(action, name, dimension, tree_build(record), subtable_action=sub_action,
                    parameters=("expanded", "flat", "idSubtable")),
            _report(sub_action, f"{name} ({sub_dimension})", sub_dimension,
                    subtable_build(record), is_subtable_report=True,
                    parameters=("idSubtable",))]


VISITORS_FROM = ("Referrers_visitorsFromSearchEngines", "Referrers_visitorsFromSocialNetworks",
                 "Referrers_visitorsFromDirectEntry", "Referrers_visitorsFromWebsites",
                 "Referrers_visitorsFromCampaigns")
DISTINCT = ("Referrers_distinctSearchEngines", "Referrers_distinctSocialNetworks",
            "Referrers_distinctKeywords", "Referrers_distinctWebsites",
            "Referrers_distinctWebsitesUrls", "Referrers_distinctCampaigns")


def build_get(view: ArchiveView, request: ReportRequest) -> DataTable:
    """Referrers.get: visits per channel and distinct counts, one row."""
    columns = {name: view.numeric(name) for name in (*VISITORS_FROM, *DISTINCT)}
    empty = not any(columns.values())
    return DataTable([Row("", columns)], metadata={"simple": True, "empty": empty})


def _share_of(name: str) -> ProcessedMetric:
    return ProcessedMetric(
        f"{name}_percent", f"{name} %",
        lambda r, t: ratio(r.get(name), sum(r.get(n, 0) for n in VISITORS_FROM), 2),
        type="percent", documentation="Share of all visits.")


GET = ReportDefinition(
    module="Referrers", action="get", name="Referrers overview", category="Acquisition",
    subcategory="Overview", build=build_get, simple=True, default_sort=None,
    metrics=tuple(metric(n, n) for n in (*VISITORS_FROM, *DISTINCT)),
    processed_metrics=tuple(_share_of(n) for n in VISITORS_FROM),
    documentation="Visits from each channel and how many distinct referrers there were.")

REPORTS = [
    GET,
    _report("getReferrerType", "Channel Type", "Channel type", build_type,
            subtable_action="getReferrerType", parameters=("typeReferrer", "idSubtable",
                                                           "expanded")),
    _report("getAll", "Referrers", "Referrer", build_all,
            processed_metrics=(*VISIT_PROCESSED_METRICS, CONVERSION_RATE)),
    *_pair("getKeywords", "getSearchEnginesFromKeywordId", "Keywords", "Keyword",
           "Search engine", "Referrers_searchEngineByKeyword"),
    *_pair("getSearchEngines", "getKeywordsFromSearchEngineId", "Search Engines",
           "Search engine", "Keyword", "Referrers_keywordBySearchEngine"),
    *_pair("getWebsites", "getUrlsFromWebsiteId", "Websites", "Website", "Referrer URL",
           "Referrers_urlByWebsite"),
    *_pair("getSocials", "getUrlsForSocial", "Social Networks", "Social network",
           "Referrer URL", "Referrers_urlBySocialNetwork"),
    *_pair("getCampaigns", "getKeywordsFromCampaignId", "Campaigns", "Campaign", "Keyword",
           "Referrers_keywordByCampaign"),
]

FAMILY = Family(
    name="Referrers", archive_day=archive_day, reports=REPORTS,
    scalars={f"getNumberOfDistinct{what}": ("get", f"Referrers_distinct{what}")
             for what in ("SearchEngines", "SocialNetworks", "Keywords", "Campaigns",
                          "Websites", "WebsitesUrls")},
    table_limits={name: LIMITS for name in (*TWO_LEVEL, "Referrers_type")},
)
