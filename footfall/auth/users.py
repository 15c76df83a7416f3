"""Users, API tokens and per-site access levels.

Tokens are 32 random hex characters shown once; only their SHA-256 is stored.
A token has 128 bits of entropy, so a fast hash is enough and lets a request
find its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.auth.passwords import hash_password
from footfall.db.schema import access, user, user_token_auth
from footfall.errors import BadRequest, Conflict, NotFound

ACCESS_LEVELS = ("view", "write", "admin")  # each includes the ones before it
_LOGIN = re.compile(r"^[A-Za-z0-9_.@\-]{2,100}$")
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class User:
    login: str
    email: str
    superuser: bool


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(engine: Engine, login: str, *, email: str, password: str | None,
             superuser: bool = False) -> User:
    """Create a user; without a password the account can only use tokens."""
    if not _LOGIN.match(login):
        raise BadRequest(
            f"invalid login {login!r}: use 2-100 letters, digits, '_', '-', '.', '@'"
        )
    if "@" not in email:
        raise BadRequest(f"invalid email address {email!r}")
    stored = hash_password(password) if password else "!"  # "!" matches no password
    with engine.begin() as conn:
        if conn.execute(sa.select(user.c.login).where(user.c.login == login)).first():
            raise Conflict(f"user {login!r} already exists")
        conn.execute(user.insert().values(
            login=login, password=stored, email=email, superuser_access=int(superuser),
            date_registered=utcnow(),
        ))
    return User(login=login, email=email, superuser=superuser)


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(user).order_by(user.c.login)).mappings()
        return [User(r["login"], r["email"], bool(r["superuser_access"])) for r in rows]


def get_user(engine: Engine, login: str) -> User:
    with engine.connect() as conn:
        row = conn.execute(sa.select(user).where(user.c.login == login)).mappings().first()
    if row is None:
        raise NotFound(f"user {login!r} does not exist")
    return User(row["login"], row["email"], bool(row["superuser_access"]))


def create_token(engine: Engine, login: str, *, description: str = "") -> str:
    """A new token_auth for `login`; the plain token is returned once, never stored."""
    get_user(engine, login)
    token = secrets.token_hex(16)
    with engine.begin() as conn:
        conn.execute(user_token_auth.insert().values(
            login=login, description=description[:100], token_hash=hash_token(token),
            date_created=utcnow(),
        ))
    return token


def list_tokens(engine: Engine, login: str) -> list[dict[str, object]]:
    """The user's API tokens; UI session tokens (system tokens) are not listed."""
    get_user(engine, login)
    query = (sa.select(user_token_auth.c.idusertokenauth, user_token_auth.c.description,
                       user_token_auth.c.date_created, user_token_auth.c.date_last_used)
             .where(user_token_auth.c.login == login, user_token_auth.c.system_token == 0)
             .order_by(user_token_auth.c.idusertokenauth))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def revoke_token(engine: Engine, login: str, token_id: int) -> None:
    with engine.begin() as conn:
        result = conn.execute(user_token_auth.delete().where(
            user_token_auth.c.login == login, user_token_auth.c.idusertokenauth == token_id))
    if result.rowcount == 0:
        raise NotFound(f"user {login!r} has no token with id {token_id}")


def user_for_token(engine: Engine, token: str) -> User | None:
    """The user a token_auth belongs to, or None for an unknown or expired token."""
    if not token or len(token) > 200:
        return None
    query = (sa.select(user.c.login, user.c.email, user.c.superuser_access,
                       user_token_auth.c.date_expired)
             .join(user_token_auth, user_token_auth.c.login == user.c.login)
             .where(user_token_auth.c.token_hash == hash_token(token)))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None or (row.date_expired is not None and row.date_expired < utcnow()):
        return None
    return User(row.login, row.email, bool(row.superuser_access))


def set_access(engine: Engine, login: str, idsite: int, level: str | None) -> None:
    """Give `login` the access `level` to a site (None removes it)."""
    if level is not None and level not in ACCESS_LEVELS:
        raise BadRequest(f"access must be one of {', '.join(ACCESS_LEVELS)}, not {level!r}")
    with engine.begin() as conn:
        conn.execute(access.delete().where(access.c.login == login, access.c.idsite == idsite))
        if level:
            conn.execute(access.insert().values(login=login, idsite=idsite, access=level))


def access_level(engine: Engine, who: User | None, idsite: int) -> str | None:
    """The user's access to a site: 'admin', 'write', 'view' or None.

    The anonymous user's access (login 'anonymous', as in Matomo) applies to everyone.
    """
    if who is not None and who.superuser:
        return "admin"
    logins = [ANONYMOUS] + ([who.login] if who else [])
    query = sa.select(access.c.access).where(access.c.login.in_(logins), access.c.idsite == idsite)
    with engine.connect() as conn:
        levels = [r[0] for r in conn.execute(query)]
    ranked = [lvl for lvl in ACCESS_LEVELS if lvl in levels]
    return ranked[-1] if ranked else None


def has_access(level: str | None, needed: str) -> bool:
    return level is not None and ACCESS_LEVELS.index(level) >= ACCESS_LEVELS.index(needed)
