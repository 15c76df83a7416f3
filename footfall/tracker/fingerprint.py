"""config_id: the fingerprint that recognises visitors without cookies (reference §3.2).

MD5 over device, plugin flags, the full IP, the browser language, an instance
salt and — unless fingerprinting across websites is on — a random salt per
site and day plus the site id, so a cookieless visitor cannot be followed
across midnight or across sites. Salts live in the `option` table (shared by
every process) and in memory.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.dialects import insert_ignore
from footfall.db.schema import option

FLAG_ORDER = ("fla", "java", None, "qt", "realp", "pdf", "wma", None, "ag", "cookie")
INSTANCE_SALT_OPTION = "footfall_tracker_salt"


class Salts:
    """The instance salt and the daily per-site salts, created on first use."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, conn: Connection, name: str, length: int = 32) -> str:
        value = self._values.get(name)
        if value is None:
            value = _stored_or_new(conn, name, length)
            if len(self._values) > 10_000:
                self._values.clear()
            self._values[name] = value
        return value

    def forget(self) -> None:
        self._values.clear()


def _stored_or_new(conn: Connection, name: str, length: int) -> str:
    query = sa.select(option.c.option_value).where(option.c.option_name == name)
    found = conn.execute(query).scalar()
    if found:
        return str(found)
    conn.execute(insert_ignore(option, conn).values(option_name=name,
                                                    option_value=secrets.token_hex(length // 2)))
    return str(conn.execute(query).scalar())


def config_id(*, os_code: str, browser_code: str, browser_version: str, flags: dict[str, int],
              ip: str, browser_lang: str, instance_salt: str, daily_salt: str | None,
              day: date | None, idsite: int | None) -> bytes:
    """The first 8 bytes of the MD5 of the visitor's configuration."""
    parts = [os_code or "UNK", browser_code or "UNK", browser_version or ""]
    parts += [str(flags.get(name, 0)) if name else "0" for name in FLAG_ORDER]
    parts += [ip, browser_lang[:20], instance_salt]
    if daily_salt is not None and day is not None:
        parts += [daily_salt, day.isoformat()]
    if idsite is not None:
        parts.append(str(idsite))
    return hashlib.md5("".join(parts).encode("utf-8", "replace")).digest()[:8]
