"""Demo visitors: who they are (device, country, language, address) and who comes back.

A visitor keeps the same cookie id, device, address and language on every
visit, so returning visitors are recognised across days; members also carry a
user id, sometimes from a second device.
"""

from __future__ import annotations

import ipaddress
import random
import socket
from dataclasses import dataclass
from itertools import accumulate

from footfall.demo.catalog import Catalog, enc

MEMBER_SHARE = 0.12          # new visitors who have an account (send uid)
SECOND_DEVICE_SHARE = 0.08   # new visitors who are an existing member on another device
RETURNER_SHARE = 0.45        # new visitors who will come back on later days
POOL_LIMIT = 200_000         # returning-visitor pool size kept in memory
PLANS = ("free", "plus", "pro")


@dataclass
class Visitor:
    """One browser (cookie) of one person; `prefix` is the ready-made start of each hit."""

    visitor_id: str
    prefix: str
    device: str
    country: str
    offset_seconds: int
    user_id: str | None = None
    plan: str = ""
    busy_until: int = 0
    visits: int = 0


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def random_address(rng: random.Random, network: Network) -> str:
    host = 1 + int(rng.random() * (network.num_addresses - 2))
    if network.version == 4:
        return socket.inet_ntoa((int(network.network_address) + host).to_bytes(4, "big"))
    return str(network.network_address + host)


class Population:
    """Makes new visitors and picks returning ones, all from one random generator."""

    def __init__(self, rng: random.Random, catalog: Catalog, idsite: int) -> None:
        self.rng, self.catalog = rng, catalog
        self.site_part = f"?idsite={idsite}&rec=1&apiv=1"
        self.pool: list[Visitor] = []
        self.members: list[Visitor] = []
        self._member_count = 0
        self._ua_cumulative = list(accumulate(a.weight for a in catalog.user_agents))
        self._country_cumulative = list(accumulate(c.weight for c in catalog.countries))
        self._res = catalog.raw["resolutions"]
        self._ua_query = {a.text: f"&ua={enc(a.text)}" for a in catalog.user_agents}
        self._lang_query = {lang: f"&lang={enc(lang)}" for c in catalog.countries
                            for lang in c.languages}

    def returning(self, start: int) -> Visitor | None:
        """A known visitor free at `start` (not in a visit), or None."""
        if not self.pool:
            return None
        visitor = self.pool[int(self.rng.random() * len(self.pool))]
        return visitor if visitor.busy_until < start - 1800 else None

    def new(self) -> Visitor:
        rng = self.rng
        if self.members and rng.random() < SECOND_DEVICE_SHARE:
            owner = self.members[int(rng.random() * len(self.members))]
            visitor = self._make(user_id=owner.user_id, plan=owner.plan)
        elif rng.random() < MEMBER_SHARE:
            self._member_count += 1
            visitor = self._make(user_id=f"member{self._member_count:06d}@example.org",
                                 plan=rng.choice(PLANS))
            self.members.append(visitor)
        else:
            visitor = self._make(user_id=None, plan="")
        if rng.random() < RETURNER_SHARE:
            self._remember(visitor)
        return visitor

    def _remember(self, visitor: Visitor) -> None:
        if len(self.pool) < POOL_LIMIT:
            self.pool.append(visitor)
        else:
            self.pool[int(self.rng.random() * POOL_LIMIT)] = visitor

    def _make(self, *, user_id: str | None, plan: str) -> Visitor:
        rng = self.rng
        agent = rng.choices(self.catalog.user_agents, cum_weights=self._ua_cumulative)[0]
        country = rng.choices(self.catalog.countries, cum_weights=self._country_cumulative)[0]
        visitor_id = f"{rng.getrandbits(64):016x}"
        address = random_address(rng, rng.choice(country.networks))
        resolution = rng.choice(self._res[agent.device])
        plugins = "&pdf=1&cookie=1" if agent.device == "desktop" else "&cookie=1"
        prefix = (f"{self.site_part}&_id={visitor_id}&cip={enc(address)}"
                  f"{self._ua_query[agent.text]}{self._lang_query[rng.choice(country.languages)]}"
                  f"&res={resolution}{plugins}")
        if user_id:
            prefix += f"&uid={enc(user_id)}"
        return Visitor(visitor_id=visitor_id, prefix=prefix, device=agent.device,
                       country=country.code, offset_seconds=country.offset * 3600,
                       user_id=user_id, plan=plan)

    def bot(self) -> Visitor:
        """A crawler: its own address block, no cookie, no language."""
        rng = self.rng
        agent = rng.choice(self.catalog.bot_agents)
        address = random_address(rng, rng.choice(self.catalog.bot_networks))
        prefix = f"{self.site_part}&cip={enc(address)}&ua={enc(agent)}"
        return Visitor(visitor_id="", prefix=prefix, device="bot", country="",
                       offset_seconds=0)
