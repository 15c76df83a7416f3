"""Shared steps of the web UI tests: a user with a password, logging in over HTTP, sample traffic."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.auth import users

PASSWORD = "correct horse battery staple"
DESKTOP_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0.0.0 Safari/537.36")
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
PAGES = [("/", "Home"), ("/blog/hello-world", "Hello world"), ("/pricing", "Pricing"),
         ("/docs/install", "Install")]
REFERRERS = ["", "https://www.google.com/search?q=web+analytics", "https://news.example.org/links",
             ""]


def add_user(engine: Engine, login: str, *, superuser: bool = False) -> str:
    users.add_user(engine, login, email=f"{login}@example.com", password=PASSWORD,
                   superuser=superuser)
    return login


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(client: httpx.Client, base_url: str, user: str, password: str = PASSWORD,
          **extra: str) -> httpx.Response:
    """Fill in the login form as a browser would (form page first, for its CSRF token)."""
    form_page = client.get(base_url + "/login")
    fields = {"login": user, "password": password, "csrf_token": csrf_from(form_page.text),
              "next": "/", **extra}
    return client.post(base_url + "/login", data=fields)


def sample_hits(idsite: int, *, days: int = 6, host: str = "https://shop.example.com") -> list[str]:
    """A few visits a day over the last `days` days: pages, referrers, two device types."""
    now = datetime.now(UTC).replace(tzinfo=None)
    hits = []
    for day in range(1, days + 1):
        for visit in range(day % 4 + 2):
            start = now - timedelta(days=day, hours=visit * 2)
            visitor = f"{day:04x}{visit:012x}"
            for step, (path, title) in enumerate(PAGES[: visit % len(PAGES) + 1]):
                hits.append("?" + urlencode({
                    "idsite": idsite, "rec": 1, "_id": visitor, "url": host + path,
                    "action_name": title, "urlref": REFERRERS[visit % len(REFERRERS)] if step == 0 else "",
                    "cdt": (start + timedelta(minutes=step)).strftime("%Y-%m-%d %H:%M:%S"),
                    "ua": PHONE_UA if visit % 3 == 2 else DESKTOP_UA, "lang": "de-DE,de;q=0.9",
                    "cip": f"192.0.2.{visit + 1}", "res": "1920x1080",
                }))
    return hits


def track_sample_visits(server: testing.RunningServer, idsite: int, token: str, *,
                        days: int = 6) -> int:
    """Send sample traffic through the bulk tracking endpoint; wait until it is stored."""
    hits = sample_hits(idsite, days=days)
    response = server.bulk(hits, token_auth=token)
    assert response.status_code == 200, response.text
    server.drain()
    return len(hits)
