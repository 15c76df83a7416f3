"""Whether a process of this host still exists, for files and leases that name one."""

from __future__ import annotations

import os


def process_exists(pid: int) -> bool:
    """False only when no process has `pid`; another user's process, or a number that is
    no pid at all, counts as existing, so its owner's things are left alone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
