"""One demo visit as the tracking requests a browser would send, in time order.

A visit arrives from a referrer (direct, search engine with keyword, website,
social network or campaign), walks the site tree, and on the way downloads,
clicks out, searches, plays videos, sees and clicks content, and sometimes
has a purpose: buying, abandoning a cart, joining the club or writing to us.
Hits are `(unix_time, "?idsite=...")` pairs appended to the caller's list.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import orjson

from footfall.demo.catalog import Catalog, Page, Product, enc
from footfall.demo.phrasebook import Phrasebook
from footfall.demo.population import Visitor

Hit = tuple[int, str]

REFERRER_KINDS = ("direct", "search", "website", "social", "campaign")
REFERRER_WEIGHTS = (30, 60, 72, 84, 96)              # cumulative: 30/30/12/12/12
INTENTS = ("buy", "cart", "join", "contact", "browse")
INTENT_WEIGHTS = (3.0, 7.5, 9.5, 10.7, 100.0)       # cumulative %
VAT_SHARE = 0.19 / 1.19


@dataclass
class _Visit:
    visitor: Visitor
    t: int
    out: list[Hit]
    local: str = ""
    first: bool = True
    pv_id: str = ""
    url: str = ""          # &url=<current page>


class VisitMaker:
    """Turns a visitor and a start time into a visit's hits."""

    def __init__(self, rng: random.Random, catalog: Catalog, book: Phrasebook,
                 stats: Counter[str]) -> None:
        self.rng, self.catalog, self.book, self.stats = rng, catalog, book, stats
        self.sections = [s for s in catalog.by_section if s not in ("checkout",)]
        self.orders = 0

    # --- emitting hits -------------------------------------------------------------

    def _emit(self, v: _Visit, action: str) -> None:
        lt = (v.t + v.visitor.offset_seconds) % 86400
        v.out.append((v.t, f"{v.visitor.prefix}&cdt={v.t}&h={lt // 3600}&m={lt // 60 % 60}"
                           f"&s={lt % 60}{action}"))

    def _wait(self, v: _Visit, low: int, high: int) -> None:
        v.t += low + int(self.rng.random() * (high - low))

    def _pageview(self, v: _Visit, query: str, extra: str, referrer: str = "") -> None:
        rng = self.rng
        v.pv_id = f"{rng.getrandbits(24):06x}"
        action = f"{query}&pv_id={v.pv_id}{extra}"
        if v.first:
            action += referrer + self.book.visitor_type["member" if v.visitor.user_id else "guest"]
            if v.visitor.plan:
                action += self.book.plan + v.visitor.plan
            v.first = False
        if rng.random() < 0.8:
            action += (f"&pf_net={int(rng.random() * 120)}&pf_srv={20 + int(rng.random() * 500)}"
                       f"&pf_tfr={1 + int(rng.random() * 80)}&pf_dm1={100 + int(rng.random() * 1400)}"
                       f"&pf_dm2={50 + int(rng.random() * 700)}&pf_onl={int(rng.random() * 40)}")
        self._emit(v, action)
        self.stats["pageviews"] += 1

    def _on_page(self, v: _Visit, page: Page, referrer: str = "", query: str = "") -> None:
        v.url = self.book.page_url[page.path]
        self._pageview(v, query or page.query, self.book.page_extra[page.path], referrer)
        self._page_activity(v, page)
        self._wait(v, 5, 40 + int(self.rng.lognormvariate(3.5, 1.0)))

    # --- what happens on a page ----------------------------------------------------------

    def _page_activity(self, v: _Visit, page: Page) -> None:
        rng, book = self.rng, self.book
        content = {"home": 0, "blog": 1, "guides": 1, "product": 2}.get(page.section)
        if content is not None and (content == 0 or rng.random() < 0.3):
            self._content(v, book.contents[content])
        if rng.random() < 0.15:
            self._event(v)
        if rng.random() < (0.12 if page.section in ("guides", "help") else 0.03):
            self._wait(v, 3, 60)
            self._emit(v, f"{v.url}{rng.choice(book.downloads)}&pv_id={v.pv_id}")
            self.stats["downloads"] += 1
        if rng.random() < 0.04:
            self._wait(v, 3, 90)
            self._emit(v, f"{v.url}{rng.choice(book.outlinks)}&pv_id={v.pv_id}")
            self.stats["outlinks"] += 1

    def _content(self, v: _Visit, pieces: tuple[str, ...]) -> None:
        piece = self.rng.choice(pieces)
        self._wait(v, 0, 3)
        self._emit(v, f"{v.url}{piece}&pv_id={v.pv_id}")
        self.stats["content_impressions"] += 1
        if self.rng.random() < 0.1:
            self._wait(v, 2, 30)
            self._emit(v, f"{v.url}{piece}&c_i=click&pv_id={v.pv_id}")
            self.stats["content_interactions"] += 1

    def _event(self, v: _Visit) -> None:
        event = self.rng.choice(self.book.events)
        self._wait(v, 2, 45)
        value = ""
        if event.value_range is not None:
            low, high = event.value_range
            value = f"&e_v={round(low + self.rng.random() * (high - low), 1):g}"
        self._emit(v, f"{v.url}{event.query}{value}&pv_id={v.pv_id}")
        self.stats["events"] += 1

    def _site_search(self, v: _Visit) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            v.url, rest = rng.choice(self.book.search_pages)
        else:
            v.url, rest = rng.choice(self.book.search_hits)
            rest += f"&search_count={int(rng.random() * 40)}"
        self._pageview(v, v.url + rest, "")
        self.stats["site_searches"] += 1
        self._wait(v, 5, 60)

    # --- a whole visit ---------------------------------------------------------------------

    def visit(self, visitor: Visitor, start: int, out: list[Hit]) -> int:
        """Append the visit's hits to `out`; return the time of its last hit."""
        rng = self.rng
        v = _Visit(visitor=visitor, t=start, out=out)
        kind = rng.choices(REFERRER_KINDS, cum_weights=REFERRER_WEIGHTS)[0]
        self.stats[f"referrer_{kind}"] += 1
        self.stats["visits"] += 1
        self.stats["returning_visits" if visitor.visits else "new_visits"] += 1
        visitor.visits += 1
        entry, entry_query, referrer = self._entry(kind)
        self._on_page(v, entry, referrer, entry_query)
        pages = 0 if rng.random() < 0.3 else 1 + int(rng.expovariate(1 / 3))
        page = entry
        for _ in range(min(pages, 20)):
            if rng.random() < 0.07:
                self._site_search(v)
                continue
            page = self._next_page(page)
            self._on_page(v, page)
        self._purpose(v, rng.choices(INTENTS, cum_weights=INTENT_WEIGHTS)[0])
        if pages and rng.random() < 0.25:
            self._emit(v, f"{v.url}&ping=1&pv_id={v.pv_id}")
        visitor.busy_until = v.t
        return v.t

    def _entry(self, kind: str) -> tuple[Page, str, str]:
        rng, catalog, book = self.rng, self.catalog, self.book
        if kind == "campaign":
            campaign = rng.choices(book.campaigns, cum_weights=book.campaign_weights)[0]
            return campaign.landing, campaign.query, ""
        if kind == "direct":
            page = catalog.page("/") if rng.random() < 0.5 else rng.choice(catalog.pages)
            return page, "", ""
        pool = {"search": book.search_referrers, "website": book.websites,
                "social": book.socials}[kind]
        referrer = rng.choices(pool.items, cum_weights=pool.cum_weights)[0]
        section = rng.choice(("blog", "guides", "product", "home", "shop"))
        return rng.choice(catalog.by_section[section]), "", referrer

    def _next_page(self, page: Page) -> Page:
        rng, catalog = self.rng, self.catalog
        r = rng.random()
        if r < 0.45:
            return rng.choice(catalog.by_section[page.section])
        if r < 0.55:
            return catalog.page("/")
        if r < 0.7:
            return rng.choice(catalog.by_section["product"])
        return rng.choice(catalog.by_section[rng.choice(self.sections)])

    # --- purposes: shopping, joining, contacting ------------------------------------------------

    def _purpose(self, v: _Visit, intent: str) -> None:
        if intent in ("buy", "cart"):
            self._shop(v, buy=intent == "buy")
        elif intent == "join":
            for path in ("/membership", "/membership/join", "/membership/welcome"):
                self._on_page(v, self.catalog.page(path))
            if self.rng.random() < 0.4:
                self._emit(v, f"{v.url}{self.book.goal_trial}&revenue=10")
                self.stats["manual_goals"] += 1
            self.stats["signups"] += 1
        elif intent == "contact":
            for path in ("/contact", "/contact/sent"):
                self._on_page(v, self.catalog.page(path))

    def _shop(self, v: _Visit, *, buy: bool) -> None:
        rng, catalog = self.rng, self.catalog
        chosen: list[tuple[Product, int]] = []
        for _ in range(1 + int(rng.random() * 3)):
            page = rng.choice(catalog.by_section["product"])
            self._on_page(v, page)
            assert page.product is not None
            chosen.append((page.product, 1 + int(rng.random() * 1.5)))
            self._cart_update(v, chosen)
        self._on_page(v, catalog.page("/cart"))
        if not buy:
            self.stats["abandoned_carts"] += 1
            return
        self._on_page(v, catalog.page("/checkout"))
        self._order(v, chosen)
        self._on_page(v, catalog.page("/checkout/complete"))

    @staticmethod
    def _items(chosen: list[tuple[Product, int]]) -> tuple[str, float]:
        merged: dict[str, list[object]] = {}
        subtotal = 0.0
        for product, quantity in chosen:
            item = merged.setdefault(product.sku, product.ec_item(0))
            item[4] = int(item[4]) + quantity  # type: ignore[call-overload]
            subtotal += product.price * quantity
        return enc(orjson.dumps(list(merged.values())).decode()), round(subtotal, 2)

    def _cart_update(self, v: _Visit, chosen: list[tuple[Product, int]]) -> None:
        items, subtotal = self._items(chosen)
        self._wait(v, 2, 20)
        self._emit(v, f"{v.url}&idgoal=0&ec_items={items}&revenue={subtotal:g}")
        self.stats["cart_updates"] += 1

    def _order(self, v: _Visit, chosen: list[tuple[Product, int]]) -> None:
        items, subtotal = self._items(chosen)
        shipping = 0.0 if subtotal >= 100 else 4.95
        discount = round(subtotal * 0.1, 2) if v.visitor.plan == "pro" else 0.0
        tax = round(subtotal * VAT_SHARE, 2)
        total = round(subtotal + shipping - discount, 2)
        self.orders += 1
        order_id = f"NW{v.t}-{self.orders:06d}"
        discount_part = f"&ec_dt={discount:g}" if discount else ""
        self._wait(v, 20, 120)
        self._emit(v, f"{v.url}&idgoal=0&ec_id={order_id}&ec_items={items}&revenue={total:g}"
                      f"&ec_st={subtotal:g}&ec_tx={tax:g}&ec_sh={shipping:g}{discount_part}")
        self.stats["orders"] += 1
        self.stats["revenue_cents"] += int(round(total * 100))

    def bot_visit(self, bot: Visitor, start: int, out: list[Hit]) -> None:
        """A crawler fetching a few pages a couple of seconds apart."""
        v = _Visit(visitor=bot, t=start, out=out)
        for _ in range(1 + int(self.rng.random() * 6)):
            page = self.rng.choice(self.catalog.pages)
            self._emit(v, page.query)
            self.stats["bot_hits"] += 1
            self._wait(v, 1, 5)
