"""Web UI sessions: login with a password, a signed session cookie, CSRF tokens, logout.

A session is a short-lived *system token* in `user_token_auth` (only its hash
is stored, like every token). The browser holds the plain token in an HttpOnly
cookie, signed with a secret kept in the `option` table, so that every host of
a scaled-out install shares it. The UI passes the session's token to the
Reporting API, which checks access exactly as it does for any token_auth —
this is how Matomo's own UI calls its API. Logout deletes the token row, so a
copied cookie stops working at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from footfall.auth.passwords import verify_password
from footfall.auth.users import User, hash_token, user_for_token, utcnow
from footfall.db.schema import option, user, user_token_auth

SECRET_OPTION = "footfall_session_secret"
SESSION_DESCRIPTION = "web session"
SESSION_LIFETIME = timedelta(hours=12)
REMEMBERED_LIFETIME = timedelta(days=14)
# A password hash that verify_password can check, so that an unknown login costs
# as much time as a wrong password (no user enumeration by timing).
_DUMMY_HASH = ("scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$"
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")


@dataclass(frozen=True)
class Session:
    """A logged-in browser: who it is and the token the UI calls the API with."""

    user: User
    token: str


def session_secret(engine: Engine) -> bytes:
    """The signing secret, created on first use and shared by every process."""
    query = sa.select(option.c.option_value).where(option.c.option_name == SECRET_OPTION)
    with engine.connect() as conn:
        stored = conn.execute(query).scalar()
    if stored:
        return bytes.fromhex(stored)
    try:
        with engine.begin() as conn:
            conn.execute(option.insert().values(option_name=SECRET_OPTION,
                                                option_value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another process created it first: use theirs
    with engine.connect() as conn:
        return bytes.fromhex(conn.execute(query).scalar_one())


def check_password(engine: Engine, login: str, password: str) -> User | None:
    """The user whose login and password these are, or None."""
    query = sa.select(user).where(user.c.login == login)
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first() if login else None
    stored = row["password"] if row is not None else _DUMMY_HASH
    if not verify_password(password, stored) or row is None:
        return None
    return User(row["login"], row["email"], bool(row["superuser_access"]))


def any_password_user(engine: Engine) -> bool:
    """Whether anybody can log in at all (on a fresh install, nobody can yet)."""
    query = sa.select(user.c.login).where(user.c.password != "!").limit(1)
    with engine.connect() as conn:
        return conn.execute(query).first() is not None


def start_session(engine: Engine, who: User, *, remember: bool = False) -> str:
    """Create a session token for `who`; returns the plain token (stored hashed)."""
    token = secrets.token_hex(16)
    now = utcnow()
    lifetime = REMEMBERED_LIFETIME if remember else SESSION_LIFETIME
    with engine.begin() as conn:
        conn.execute(user_token_auth.delete().where(  # tidy up this user's expired sessions
            user_token_auth.c.login == who.login, user_token_auth.c.system_token == 1,
            user_token_auth.c.date_expired < now))
        conn.execute(user_token_auth.insert().values(
            login=who.login, description=SESSION_DESCRIPTION, token_hash=hash_token(token),
            date_created=now, date_expired=now + lifetime, system_token=1,
        ))
    return token


def end_session(engine: Engine, token: str) -> None:
    """Log out: the session token no longer authenticates anything."""
    with engine.begin() as conn:
        conn.execute(user_token_auth.delete().where(
            user_token_auth.c.token_hash == hash_token(token), user_token_auth.c.system_token == 1))


def session_for_token(engine: Engine, token: str) -> Session | None:
    """The live session a (verified) cookie token belongs to, or None if ended or expired."""
    who = user_for_token(engine, token)
    return Session(user=who, token=token) if who is not None else None


# --- Signing ---------------------------------------------------------------------------


def _mac(secret: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(secret, f"{purpose}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_cookie(secret: bytes, token: str) -> str:
    return f"{token}.{_mac(secret, 'session', token)}"


def unsign_cookie(secret: bytes, value: str) -> str | None:
    """The token inside a session cookie, or None when the signature does not match."""
    token, _, signature = value.partition(".")
    if not token or len(value) > 200:
        return None
    return token if hmac.compare_digest(signature, _mac(secret, "session", token)) else None


def csrf_token(secret: bytes, binding: str) -> str:
    """The form token for a session (binding = its token) or a login nonce."""
    return _mac(secret, "csrf", binding)


def csrf_matches(secret: bytes, binding: str | None, submitted: str | None) -> bool:
    if not binding or not submitted:
        return False
    return hmac.compare_digest(submitted, csrf_token(secret, binding))
