"""footfall.auth.sessions on every database engine: secret, passwords, session tokens, signing."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.auth import sessions, users
from footfall.db.schema import user_token_auth
from tests.web.support import PASSWORD, add_user


def test_secret_is_created_once_and_shared(engine: Engine) -> None:
    first = sessions.session_secret(engine)
    assert len(first) == 32
    assert sessions.session_secret(engine) == first


def test_password_check(engine: Engine) -> None:
    add_user(engine, "alice", superuser=True)
    users.add_user(engine, "robot", email="r@example.com", password=None)  # token-only account
    found = sessions.check_password(engine, "alice", PASSWORD)
    assert found is not None and found.login == "alice" and found.superuser
    assert sessions.check_password(engine, "alice", PASSWORD + "x") is None
    assert sessions.check_password(engine, "nobody", PASSWORD) is None
    assert sessions.check_password(engine, "robot", "") is None
    assert sessions.check_password(engine, "", "") is None


def test_session_token_is_stored_hashed_and_ends_at_logout(engine: Engine) -> None:
    add_user(engine, "alice")
    who = users.get_user(engine, "alice")
    token = sessions.start_session(engine, who)
    with engine.connect() as conn:
        row = conn.execute(sa.select(user_token_auth)).mappings().one()
    assert row["token_hash"] != token and row["system_token"] == 1
    assert row["date_expired"] > row["date_created"]
    session = sessions.session_for_token(engine, token)
    assert session is not None and session.user.login == "alice"
    sessions.end_session(engine, token)
    assert sessions.session_for_token(engine, token) is None


def test_expired_session_is_not_a_session(engine: Engine) -> None:
    add_user(engine, "alice")
    token = sessions.start_session(engine, users.get_user(engine, "alice"))
    with engine.begin() as conn:
        conn.execute(user_token_auth.update().values(date_expired=users.utcnow()))
    assert sessions.session_for_token(engine, token) is None


def test_a_new_login_clears_the_users_expired_sessions(engine: Engine) -> None:
    add_user(engine, "alice")
    who = users.get_user(engine, "alice")
    sessions.start_session(engine, who)
    with engine.begin() as conn:
        conn.execute(user_token_auth.update().values(date_expired=users.utcnow()))
    api_token = users.create_token(engine, "alice", description="script")  # never expires
    sessions.start_session(engine, who)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(user_token_auth.c.system_token)).scalars().all()
    assert sorted(rows) == [0, 1]
    assert users.user_for_token(engine, api_token) is not None


def test_logout_never_deletes_a_users_api_token(engine: Engine) -> None:
    add_user(engine, "alice")
    api_token = users.create_token(engine, "alice", description="script")
    sessions.end_session(engine, api_token)
    assert users.user_for_token(engine, api_token) is not None


def test_cookie_signature_and_csrf_tokens() -> None:
    secret, other = b"s" * 32, b"o" * 32
    signed = sessions.sign_cookie(secret, "abc123")
    assert sessions.unsign_cookie(secret, signed) == "abc123"
    assert sessions.unsign_cookie(other, signed) is None
    assert sessions.unsign_cookie(secret, "abc123.") is None
    assert sessions.unsign_cookie(secret, "x" * 300) is None
    token = sessions.csrf_token(secret, "abc123")
    assert sessions.csrf_matches(secret, "abc123", token)
    assert not sessions.csrf_matches(secret, "abc124", token)
    assert not sessions.csrf_matches(secret, None, token)
    assert not sessions.csrf_matches(secret, "abc123", "")
    # The CSRF token is not the cookie's signature (different purposes, different MACs).
    assert token != signed.partition(".")[2]
