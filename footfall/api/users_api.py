"""UsersManager.*: users, their access and app-specific tokens (what import_logs.py needs)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from footfall.api import access, params
from footfall.api.dispatch import ApiCall, api_method
from footfall.auth import users
from footfall.auth.passwords import verify_password
from footfall.db.schema import user as user_table
from footfall.db.schema import user_token_auth
from footfall.errors import BadRequest, NotFound, Unauthorized

WRONG_PASSWORD = "The current password you entered is not correct."


def _password_matches(services: Any, login: str, password: str) -> bool:
    query = sa.select(user_table.c.password).where(user_table.c.login == login)
    with services.db.reader.connect() as conn:
        stored = conn.execute(query).scalar()
    return stored is not None and bool(password) and verify_password(password, stored)


@api_method("UsersManager.createAppSpecificTokenAuth", access="none")
def create_app_specific_token_auth(call: ApiCall) -> str:
    """A new token for a user who proves their password (how import_logs.py logs in)."""
    login = str(params.required(call.params, "userLogin"))
    password = str(params.required(call.params, "passwordConfirmation"))
    description = str(params.required(call.params, "description"))
    if not _password_matches(call.services, login, password):
        raise Unauthorized(WRONG_PASSWORD)
    token = users.create_token(call.services.db.writer, login, description=description)
    expires = _expiry(call)
    if expires is not None:
        from footfall.auth.users import hash_token

        with call.services.db.writer.begin() as conn:
            conn.execute(user_token_auth.update()
                         .where(user_token_auth.c.token_hash == hash_token(token))
                         .values(date_expired=expires))
    return token


def _expiry(call: ApiCall) -> datetime | None:
    date_text = params.text(call.params, "expireDate")
    hours = params.integer(call.params, "expireHours", default=0)
    if date_text:
        try:
            return datetime.fromisoformat(date_text)
        except ValueError:
            raise BadRequest(f"Invalid expireDate '{date_text}': use YYYY-MM-DD.") from None
    if hours > 0:
        return users.utcnow() + timedelta(hours=hours)
    return None


def user_as_api(user: users.User, date_registered: Any = None) -> dict[str, Any]:
    """A user as getUser shows it; never any token or password field."""
    return {"login": user.login, "email": user.email,
            "superuser_access": int(user.superuser),
            "date_registered": date_registered.strftime("%Y-%m-%d %H:%M:%S")
            if date_registered else ""}


@api_method("UsersManager.getUser", access="self")
def get_user(call: ApiCall) -> dict[str, Any]:
    """A user's profile (superuser, or the user asking about themselves)."""
    login = str(params.required(call.params, "userLogin"))
    if call.user is None or (not call.user.superuser and call.user.login != login):
        access.check_superuser(call.user)
    try:
        found = users.get_user(call.services.db.reader, login)
    except NotFound:
        raise BadRequest(f"The user '{login}' doesn't exist.") from None
    query = sa.select(user_table.c.date_registered).where(user_table.c.login == login)
    with call.services.db.reader.connect() as conn:
        registered = conn.execute(query).scalar()
    return user_as_api(found, registered)


@api_method("UsersManager.getUsersLogin", access="superuser")
def get_users_login(call: ApiCall) -> list[str]:
    return [u.login for u in users.list_users(call.services.db.reader)]


@api_method("UsersManager.addUser", access="superuser")
def add_user(call: ApiCall) -> None:
    """Create a user; with initialIdSite they get view access to that site."""
    login = str(params.required(call.params, "userLogin"))
    password = str(params.required(call.params, "password"))
    email = str(params.required(call.params, "email"))
    users.add_user(call.services.db.writer, login, email=email, password=password)
    initial = params.integer(call.params, "initialIdSite", default=0)
    if initial > 0:
        users.set_access(call.services.db.writer, login, initial, "view")
    access.caches(call.services).clear()


@api_method("UsersManager.setUserAccess", access="self")
def set_user_access(call: ApiCall) -> None:
    """Give a user view/write/admin (or noaccess) on sites where the caller is admin."""
    login = str(params.required(call.params, "userLogin"))
    level = str(params.required(call.params, "access"))
    ids = params.site_ids(params.required(call.params, "idSites"))
    if level not in (*users.ACCESS_LEVELS, "noaccess"):
        raise BadRequest("The parameter access must have one of the following values : "
                         "[ noaccess, view, write, admin ]")
    if login == users.ANONYMOUS and level not in ("view", "noaccess"):
        raise BadRequest("The anonymous user can only be given view access.")
    for idsite in ids:
        access.check_site_access(call.services, call.user, idsite, "admin")
    for idsite in ids:
        users.set_access(call.services.db.writer, login, idsite,
                         None if level == "noaccess" else level)
    access.caches(call.services).clear()


@api_method("UsersManager.hasSuperUserAccess", access="none")
def has_super_user_access(call: ApiCall) -> bool:
    return call.user is not None and call.user.superuser
