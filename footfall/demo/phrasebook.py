"""Ready-made query-string fragments for every kind of demo hit.

Built once per run from the catalog and the ids the demo set-up obtained
(site, goals, custom dimensions), so the visit generator only picks and joins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate

from footfall.demo.catalog import Catalog, Page, enc


@dataclass(frozen=True)
class DemoIds:
    """What `footfall demo` configured on the site, as the tracker knows it."""

    idsite: int
    goals: dict[str, int] = field(default_factory=dict)        # key -> idgoal
    dimensions: dict[str, int] = field(default_factory=dict)   # key -> idcustomdimension


@dataclass(frozen=True)
class Weighted:
    """Fragments to draw from with rng.choices(cum_weights=...)."""

    items: tuple[str, ...]
    cum_weights: tuple[float, ...]


def weighted(pairs: list[tuple[str, float]]) -> Weighted:
    return Weighted(tuple(p[0] for p in pairs), tuple(accumulate(p[1] for p in pairs)))


@dataclass(frozen=True)
class Campaign:
    landing: Page
    query: str      # &url=<landing with campaign parameters>&action_name=...


@dataclass(frozen=True)
class Event:
    query: str
    value_range: tuple[float, float] | None


class Phrasebook:
    """Every fragment a demo hit is made of."""

    def __init__(self, catalog: Catalog, ids: DemoIds) -> None:
        raw, base = catalog.raw, catalog.base_url
        self.page_extra = {p.path: self._page_extra(p, ids) for p in catalog.pages}
        self.page_url = {p.path: f"&url={enc(p.url)}" for p in catalog.pages}
        self.search_referrers = weighted(
            [(f"&urlref={enc(template.format(q=enc(keyword).replace('%20', '+')))}",
              weight / len(raw["search_keywords"]))
             for template, weight in raw["search_engines"] for keyword in raw["search_keywords"]])
        self.websites = weighted([(f"&urlref={enc(u)}", w) for u, w in raw["websites"]])
        self.socials = weighted([(f"&urlref={enc(u)}", w) for u, w in raw["socials"]])
        self.campaigns = [self._campaign(catalog, query, path) for query, path, _ in raw["campaigns"]]
        self.campaign_weights = tuple(accumulate(w for *_, w in raw["campaigns"]))
        self.outlinks = tuple(f"&link={enc(u)}" for u in raw["outlinks"])
        self.downloads = tuple(f"&download={enc(base + p)}" for p in raw["downloads"])
        self.events = tuple(Event(f"&e_c={enc(c)}&e_a={enc(a)}&e_n={enc(n)}&ca=1",
                                  tuple(v) if v else None)
                            for c, a, names, v in raw["events"] for n in names)
        self.contents = tuple(tuple(f"&c_n={enc(n)}&c_p={enc(p)}&c_t={enc(base + t)}&ca=1"
                                    for p in pieces) for n, pieces, t in raw["contents"])
        # Site search either as a results page whose URL has ?q= (the tracker finds the
        # keyword) or as matomo.js's trackSiteSearch (search=, search_cat=).
        self.search_pages = tuple(
            (f"&url={enc(f'{base}/search?q={enc(k)}')}", f"&action_name={enc('Search results')}")
            for k in raw["site_search_keywords"])
        self.search_hits = tuple((f"&url={enc(base + '/search')}",
                                  f"&search={enc(k)}&search_cat={enc(c)}")
                                 for k in raw["site_search_keywords"]
                                 for c in raw["site_search_categories"])
        dims = ids.dimensions
        self.visitor_type = {kind: f"&dimension{dims['visitor_type']}={kind}"
                             for kind in ("guest", "member")}
        self.plan = f"&dimension{dims['plan']}="
        self.goal_trial = f"&idgoal={ids.goals['trial']}"

    @staticmethod
    def _page_extra(page: Page, ids: DemoIds) -> str:
        """Action-scope dimensions and product-view parameters a pageview carries."""
        extra = f"&dimension{ids.dimensions['section']}={enc(page.section)}"
        if page.author:
            extra += f"&dimension{ids.dimensions['author']}={enc(page.author)}"
        if page.product:
            p = page.product
            extra += (f"&_pks={enc(p.sku)}&_pkn={enc(p.name)}&_pkc={enc(p.category)}"
                      f"&_pkp={p.price:.2f}")
        return extra

    @staticmethod
    def _campaign(catalog: Catalog, query: str, path: str) -> Campaign:
        landing = catalog.page(path)
        url = f"{landing.url}?{query}"
        return Campaign(landing, f"&url={enc(url)}&action_name={enc(landing.title)}")
