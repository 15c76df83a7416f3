"""Referrer spam: hits whose referrer URL contains a known spam host are excluded
(Matomo's `[Tracker] enable_spam_filter`, reference §5.4)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from footfall.tracker.enrich.datafiles import load_lines, packaged

try:  # a dependency of device-detector; a plain scan is the fallback
    import ahocorasick_rs
except ImportError:  # pragma: no cover - depends on the environment
    ahocorasick_rs = None  # type: ignore[assignment]


_MEMO_ENTRIES = 20_000


class SpamList:
    """A set of spam hosts matched as case-insensitive substrings of the referrer URL."""

    def __init__(self, hosts: Sequence[str]) -> None:
        self.hosts = tuple(sorted({h.strip().lower() for h in hosts if h.strip()}))
        self._matcher = ahocorasick_rs.AhoCorasick(list(self.hosts)) if ahocorasick_rs else None
        self._answers: dict[str, bool] = {}

    @classmethod
    def load(cls, extra_files: Sequence[str | Path] = ()) -> SpamList:
        hosts = load_lines(packaged("referrer_spam.txt"))
        for path in extra_files:
            hosts.extend(load_lines(path))
        return cls(hosts)

    def is_spam(self, referrer_url: str, extra_hosts: Sequence[str] = ()) -> bool:
        """True when the URL contains a listed host, or one of `extra_hosts` (site list)."""
        if not referrer_url:
            return False
        if extra_hosts:
            lowered = referrer_url.lower()
            if any(host.strip() and host.strip().lower() in lowered for host in extra_hosts):
                return True
        known = self._answers.get(referrer_url)  # a visit's referrer comes back hit after hit
        if known is None:
            if len(self._answers) >= _MEMO_ENTRIES:
                self._answers.clear()
            known = self._answers[referrer_url] = self._listed(referrer_url.lower())
        return known

    def _listed(self, lowered: str) -> bool:
        if self._matcher is not None:
            return bool(self._matcher.find_matches_as_indexes(lowered))
        return any(host in lowered for host in self.hosts)
