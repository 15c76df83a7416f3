"""When the pipeline process should leave acknowledged hits in the queue for a while.

Measured on two cores (docs/tracking.md): a pipeline that drains the queue while
the HTTP workers answer tens of thousands of hits a second costs them about a
quarter of their rate, even at the lowest CPU priority, because every request
wakes a worker on a core the pipeline just warmed with its own work. A queue
exists to absorb such peaks, so while requests pour in the pipeline waits, and it
catches up in the lull. The wait is bounded: after `max_delay` seconds it
processes whatever the load, and it does not defer again until the rate has
fallen, so the raw log is never more than about `max_delay` behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

CHECK_SECONDS = 0.1  # how often the arrival rate is read (one indexed MAX(id))
LOG_EVERY_SECONDS = 60.0  # bursty traffic near the threshold starts many short spells
log = logging.getLogger("footfall.tracker")


class Deferral:
    """Decides, from the growth of the queue, whether the pipeline waits now."""

    def __init__(self, last_queued_id: Callable[[], int], *, busy_rate: float,
                 max_delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._last_queued_id = last_queued_id
        self.busy_rate = busy_rate
        self.max_delay = max_delay
        self._clock = clock
        self._seen_id: int | None = None
        self._seen_at = 0.0
        self._busy = False
        self._rate = 0.0
        self._since: float | None = None  # when this busy spell began
        self._gave_up = False  # this spell outlasted max_delay: processing beside the load
        self._logged_at: float | None = None

    @property
    def enabled(self) -> bool:
        return self.busy_rate > 0 and self.max_delay > 0

    def should_wait(self, processed_up_to: int) -> bool:
        """True while requests arrive faster than `busy_rate` a second, for at most
        `max_delay` seconds in one busy spell; `processed_up_to` is the pipeline's
        progress (nothing is deferred when nothing is pending)."""
        if not self.enabled:
            return False
        now = self._clock()
        if self._seen_id is None or now - self._seen_at >= CHECK_SECONDS:
            self._measure(now)
        if not self._busy or (self._seen_id or 0) <= processed_up_to:
            self._since, self._gave_up = None, False
            return False
        if self._since is None:
            self._since = now
            if self._logged_at is None or now - self._logged_at >= LOG_EVERY_SECONDS:
                self._logged_at = now
                log.info("pipeline: %.0f requests/s arriving; their hits wait in the queue "
                         "until the rate falls (%g s at most; said once a minute)",
                         self._rate, self.max_delay)
        if now - self._since < self.max_delay:
            return True
        if not self._gave_up:
            self._gave_up = True
            log.info("pipeline: still %.0f requests/s after %g s; processing beside them",
                     self._rate, self.max_delay)
        return False

    def _measure(self, now: float) -> None:
        last = self._last_queued_id()
        if last == 0:  # an emptied queue reads 0, and its ids go on from where they were:
            self._seen_id, self._busy = None, False  # the next reading starts afresh
            return
        if self._seen_id is not None and now > self._seen_at:
            self._rate = max(0, last - self._seen_id) / (now - self._seen_at)
            self._busy = self._rate >= self.busy_rate
        self._seen_id, self._seen_at = last, now
