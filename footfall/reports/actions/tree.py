"""Turn per-action metrics into Matomo's Actions tables: URL folders, titles, links, searches."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus, urlsplit

from footfall.archive.datatable import DataTable, Row, sum_columns
from footfall.reports.actions.aggregate import (
    DOWNLOAD,
    OUTLINK,
    PAGE_TITLE,
    PAGE_URL,
    SITE_SEARCH,
    DayActions,
    Metrics,
    ids_of_type,
)

URL_NOT_DEFINED = "Page URL not defined"
TITLE_NOT_DEFINED = "Page Name not defined"
DEFAULT_PAGE = "index"
PREFIXES = {0: "http://", 1: "http://www.", 2: "https://", 3: "https://www."}
UNIQUE_COLUMNS = ("nb_uniq_visitors", "entry_nb_uniq_visitors", "exit_nb_uniq_visitors")
ENTRY_COLUMNS = ("entry_nb_uniq_visitors", "entry_nb_visits", "entry_nb_actions",
                 "entry_sum_visit_length", "entry_bounce_count")
EXIT_COLUMNS = ("exit_nb_uniq_visitors", "exit_nb_visits")


def encode_twice(value: str) -> str:
    """Actions rows' segment values are urlencoded twice (reference §4.2)."""
    return quote_plus(quote_plus(value, safe=""), safe="")


def full_url(name: str, prefix: int | None) -> str:
    return PREFIXES.get(prefix, "") + name if prefix is not None else name


def page_columns(day: DayActions, idaction: int, *, entry: dict[int, Metrics],
                 exit_: dict[int, Metrics], time: dict[int, Any], hits: Metrics) -> Metrics:
    """A page row's columns in Matomo's order; entry/exit only where the page was one."""
    columns: Metrics = {"nb_visits": hits["nb_visits"], "nb_uniq_visitors":
                        hits["nb_uniq_visitors"], "nb_hits": hits["nb_hits"],
                        "sum_time_spent": time.get(idaction, 0)}
    columns.update(entry.get(idaction, {}))
    columns.update(exit_.get(idaction, {}))
    return columns


class Tree:
    """Rows placed by folder path; folder rows are sums of their children without uniques."""

    def __init__(self, folder_segment: Any) -> None:
        self.root = DataTable()
        self._folders: dict[tuple[str, ...], Row] = {}
        self._leaves: dict[tuple[tuple[str, ...], str], Row] = {}  # no scan per added leaf
        self._folder_segment = folder_segment

    def add(self, folders: list[str], leaf: Row) -> None:
        table = self.root
        for depth in range(len(folders)):
            path = tuple(folders[:depth + 1])
            folder = self._folders.get(path)
            if folder is None:
                folder = Row(path[-1], {}, {"segment": self._folder_segment(path)},
                             subtable=DataTable())
                self._folders[path] = folder
                table.rows.append(folder)
            _add_without_uniques(folder.columns, leaf.columns)
            assert folder.subtable is not None
            table = folder.subtable
        existing = self._leaves.get((tuple(folders), leaf.label))
        if existing is None:
            self._leaves[(tuple(folders), leaf.label)] = leaf
            table.rows.append(leaf)
        else:  # two stored URLs with one label (e.g. http and https): one row
            sum_columns(existing.columns, leaf.columns)


def _add_without_uniques(target: Metrics, source: Metrics) -> None:
    for name, value in source.items():
        if name not in UNIQUE_COLUMNS:
            target[name] = target.get(name, 0) + value


def split_url_path(name: str, level_limit: int) -> tuple[list[str], str]:
    """'example.org/a/b/page?x=1' -> (['a', 'b'], '/page?x=1'); the host is not part of it."""
    _, _, rest = name.partition("/") if "/" in name.split("?")[0] else (name, "", "")
    path, mark, query = rest.partition("?")
    parts = path.split("/")
    folders, leaf = [p for p in parts[:-1] if p], parts[-1]
    if len(folders) >= level_limit:
        leaf = "/".join([*folders[level_limit - 1:], leaf])
        folders = folders[:level_limit - 1]
    return folders, "/" + (leaf or DEFAULT_PAGE) + (mark + query if mark else "")


def page_url_table(day: DayActions, *, main_url: str, level_limit: int) -> DataTable:
    tree = Tree(lambda path: "pageUrl=^" + encode_twice(main_url.rstrip("/") + "/" +
                                                        "/".join(path)))
    for idaction in ids_of_type(day, day.by_url, PAGE_URL):
        columns = page_columns(day, idaction, entry=day.entry_url, exit_=day.exit_url,
                               time=day.url_time, hits=day.by_url[idaction])
        if idaction == 0:
            tree.add([], Row(URL_NOT_DEFINED, columns))
            continue
        action = day.names[idaction]
        url = full_url(action.name, action.url_prefix)
        folders, label = split_url_path(action.name, level_limit)
        tree.add(folders, Row(label, columns, {"url": url,
                                               "segment": "pageUrl==" + encode_twice(url)}))
    return tree.root


def page_title_table(day: DayActions, *, delimiter: str, level_limit: int) -> DataTable:
    tree = Tree(lambda path: "pageTitle=^" + encode_twice(f" {delimiter} ".join(path)))
    for idaction in ids_of_type(day, day.by_name, PAGE_TITLE):
        columns = page_columns(day, idaction, entry=day.entry_name, exit_=day.exit_name,
                               time=day.name_time, hits=day.by_name[idaction])
        title = day.names[idaction].name if idaction else ""
        parts = [p.strip() for p in title.split(delimiter)] if delimiter and title else [title]
        parts = [p for p in parts if p] or [""]
        folders, leaf = parts[:-1][:level_limit - 1], parts[-1]
        label = " " + (leaf or TITLE_NOT_DEFINED)
        tree.add(folders, Row(label, columns, {"segment": "pageTitle==" + encode_twice(title)}))
    return tree.root


def link_table(day: DayActions, action_type: int) -> DataTable:
    """Downloads or outlinks: one row per host, its subtable the links' paths."""
    segment_name = "downloadUrl" if action_type == DOWNLOAD else "outlinkUrl"
    tree = Tree(lambda path: f"{segment_name}=@" + encode_twice(path[-1]))
    for idaction in ids_of_type(day, day.by_url, action_type):
        hits = day.by_url[idaction]
        url = day.names[idaction].name
        host, rest = _host_and_rest(url)
        columns = {"nb_visits": hits["nb_visits"], "nb_uniq_visitors": hits["nb_uniq_visitors"],
                   "nb_hits": hits["nb_hits"], "sum_time_spent": day.url_time.get(idaction, 0)}
        tree.add([host], Row(rest, columns, {"url": url,
                                             "segment": f"{segment_name}==" + encode_twice(url)}))
    return tree.root


def _host_and_rest(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if not parts.netloc:
        return url, url
    rest = url.split(parts.netloc, 1)[1] or "/"
    return parts.netloc.lower(), rest


def keyword_table(day: DayActions, metrics: dict[int, Metrics]) -> DataTable:
    table = DataTable()
    for idaction in ids_of_type(day, metrics, SITE_SEARCH):
        keyword = day.names[idaction].name
        hits = metrics[idaction]
        columns = {"nb_visits": hits["nb_visits"], "nb_hits": hits["nb_hits"],
                   "sum_time_spent": day.name_time.get(idaction, 0),
                   **({"exit_nb_visits": day.exit_name[idaction]["exit_nb_visits"]}
                      if idaction in day.exit_name else {})}
        table.rows.append(Row(keyword, columns,
                              {"segment": "siteSearchKeyword==" + quote_plus(keyword, safe="")}))
    return table


def category_table(day: DayActions) -> DataTable:
    return DataTable([Row(cat, dict(m), {"segment": "siteSearchCategory==" +
                                         quote_plus(cat, safe="")})
                      for cat, m in day.categories.items()])


def totals(day: DayActions) -> dict[str, float]:
    """Actions.get's numbers: hits and 'unique' (per-URL visit) counts per action kind."""
    def summed(action_type: int, column: str) -> int:
        return sum(day.by_url[i][column] for i in ids_of_type(day, day.by_url, action_type))

    keywords = ids_of_type(day, day.by_name, SITE_SEARCH)
    return {
        "Actions_nb_pageviews": summed(PAGE_URL, "nb_hits"),
        "Actions_nb_uniq_pageviews": summed(PAGE_URL, "nb_visits"),
        "Actions_nb_downloads": summed(DOWNLOAD, "nb_hits"),
        "Actions_nb_uniq_downloads": summed(DOWNLOAD, "nb_visits"),
        "Actions_nb_outlinks": summed(OUTLINK, "nb_hits"),
        "Actions_nb_uniq_outlinks": summed(OUTLINK, "nb_visits"),
        "Actions_nb_searches": sum(day.by_name[i]["nb_hits"] for i in keywords),
        "Actions_nb_keywords": len(keywords),
    }
