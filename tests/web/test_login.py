"""Login, logout, CSRF and access over a real HTTP server."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.auth import users
from tests.web.support import PASSWORD, add_user, csrf_from, login

GUARDED = ["/site/1", "/site/1/visits", "/site/1/tracking-code"]


def test_front_page_is_the_login_form_with_safe_headers(server: testing.RunningServer) -> None:
    response = server.client.get(server.url("/"))
    assert response.status_code == 200
    assert 'action="/login"' in response.text and 'type="password"' in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other origin is allowed anything
    assert response.headers["x-frame-options"] == "DENY"
    nonce_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in nonce_cookie and "samesite=lax" in nonce_cookie


def test_every_page_but_login_needs_a_session(server: testing.RunningServer, engine: Engine) -> None:
    testing.create_site(engine)
    for path in GUARDED:
        response = server.client.get(server.url(path + "?period=day&date=today"))
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2Fsite%2F1")


def test_login_sets_a_signed_httponly_cookie_and_logout_ends_the_session(
        server: testing.RunningServer, engine: Engine) -> None:
    testing.create_site(engine)
    add_user(engine, "alice", superuser=True)
    response = login(server.client, server.base_url, "alice")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie_header = response.headers.get_list("set-cookie")[0]
    assert cookie_header.startswith("footfall_session=")
    assert "HttpOnly" in cookie_header and "samesite=lax" in cookie_header.lower()
    stolen = server.client.cookies["footfall_session"]
    dashboard = server.client.get(server.url("/site/1"))
    assert dashboard.status_code == 200 and "alice" in dashboard.text
    session_token = stolen.partition(".")[0]
    as_api_token = {"idSite": 1, "period": "day", "date": "today", "token_auth": session_token}
    assert "nb_visits" in server.api("VisitsSummary.get", **as_api_token)

    out = server.client.post(server.url("/logout"), data={"csrf_token": csrf_from(dashboard.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert server.client.get(server.url("/site/1")).status_code == 303
    # The old cookie is dead on the server too, not only forgotten by this browser.
    replay = httpx.get(server.url("/site/1"), cookies={"footfall_session": stolen})
    assert replay.status_code == 303
    refused = httpx.get(server.url("/index.php"), params={
        "module": "API", "method": "VisitsSummary.get", "format": "json", **as_api_token})
    assert refused.status_code == 401 and refused.json()["result"] == "error"


def test_wrong_password_and_unknown_user_get_the_same_answer(
        server: testing.RunningServer, engine: Engine) -> None:
    add_user(engine, "alice")
    wrong = login(server.client, server.base_url, "alice", "not the password")
    unknown = login(server.client, server.base_url, "nobody", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert "footfall_session" not in response.cookies


def test_login_form_needs_its_csrf_token(server: testing.RunningServer, engine: Engine) -> None:
    add_user(engine, "alice")
    server.client.get(server.url("/login"))  # sets the nonce cookie
    fields = {"login": "alice", "password": PASSWORD}
    for token in ("", "forged-token"):
        response = server.client.post(server.url("/login"), data={**fields, "csrf_token": token})
        assert response.status_code == 403 and "expired" in response.text
    # A token without the browser's nonce cookie (e.g. posted from another site) fails too.
    token = csrf_from(server.client.get(server.url("/login")).text)
    response = httpx.post(server.url("/login"), data={**fields, "csrf_token": token})
    assert response.status_code == 403


def test_post_from_another_origin_is_refused(server: testing.RunningServer, engine: Engine) -> None:
    add_user(engine, "alice")
    token = csrf_from(server.client.get(server.url("/login")).text)
    response = server.client.post(server.url("/login"), headers={"Origin": "https://evil.example"},
                                  data={"login": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 403


def test_logout_needs_the_sessions_csrf_token(server: testing.RunningServer, engine: Engine) -> None:
    testing.create_site(engine)
    add_user(engine, "alice", superuser=True)
    login(server.client, server.base_url, "alice")
    refused = server.client.post(server.url("/logout"), data={"csrf_token": "nope"})
    assert refused.status_code == 403
    assert server.client.get(server.url("/site/1")).status_code == 200  # still logged in


def test_tampered_cookie_is_not_a_session(server: testing.RunningServer, engine: Engine) -> None:
    testing.create_site(engine)
    add_user(engine, "alice", superuser=True)
    login(server.client, server.base_url, "alice")
    token, _, signature = server.client.cookies["footfall_session"].partition(".")
    # A valid token with a forged signature, and a made-up token, are both refused.
    for value in (f"{token}.{signature[::-1]}", f"{'0' * 32}.{signature}"):
        response = httpx.get(server.url("/site/1"), cookies={"footfall_session": value})
        assert response.status_code == 303


def test_login_never_redirects_to_another_site(server: testing.RunningServer, engine: Engine) -> None:
    add_user(engine, "alice")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        with httpx.Client() as browser:  # a fresh browser each time: not yet logged in
            response = login(browser, server.base_url, "alice", next=target)
        assert response.headers["location"] == "/", target


def test_users_see_only_the_sites_they_may_view(server: testing.RunningServer, engine: Engine) -> None:
    testing.create_site(engine, name="Public blog")
    testing.create_site(engine, name="Secret shop")
    add_user(engine, "bob")
    users.set_access(engine, "bob", 1, "view")
    login(server.client, server.base_url, "bob")
    picker = server.client.get(server.url("/?all=1"))
    assert picker.status_code == 200
    assert "Public blog" in picker.text and "Secret shop" not in picker.text
    assert server.client.get(server.url("/")).headers["location"] == "/site/1"  # his only site
    refused = server.client.get(server.url("/site/2"))
    assert refused.status_code == 403 and "Secret shop" not in refused.text
    for path in ("/site/2/visits", "/site/2/tracking-code"):
        assert server.client.get(server.url(path)).status_code == 403


def test_repeated_failed_logins_are_blocked(server: testing.RunningServer, engine: Engine) -> None:
    add_user(engine, "alice")
    for _ in range(10):
        assert login(server.client, server.base_url, "alice", "guess").status_code == 401
    blocked = login(server.client, server.base_url, "alice")  # even the right password
    assert blocked.status_code == 429 and "Too many failed logins" in blocked.text


def test_names_are_escaped_in_pages(server: testing.RunningServer, engine: Engine) -> None:
    testing.create_site(engine, name="<script>alert('x')</script>")
    add_user(engine, "alice", superuser=True)
    login(server.client, server.base_url, "alice")
    for path in ("/?all=1", "/site/1", "/site/1/tracking-code"):
        page = server.client.get(server.url(path)).text
        assert "<script>alert" not in page, path
        assert "&lt;script&gt;alert(" in page, path


def test_public_reports_need_no_login_but_other_sites_still_do(
        server: testing.RunningServer, engine: Engine) -> None:
    """As in Matomo, an administrator may let anonymous users view a site's reports."""
    testing.create_site(engine, name="Open data")
    testing.create_site(engine, name="Private")
    users.set_access(engine, users.ANONYMOUS, 1, "view")
    visitor = server.client
    assert visitor.get(server.url("/")).headers["location"] == "/site/1"
    public = visitor.get(server.url("/site/1"))
    assert public.status_code == 200 and "Open data" in public.text
    assert "Sign in" in public.text and "Log out" not in public.text
    assert visitor.get(server.url("/site/1/visits")).status_code == 200
    private = visitor.get(server.url("/site/2"))
    assert private.status_code == 303 and private.headers["location"].startswith("/login?next=")
    assert "Private" not in visitor.get(server.url("/?all=1")).text


def test_cookies_are_secure_behind_a_tls_proxy(tmp_path: Path, db_url: str) -> None:
    settings = testing.make_settings(tmp_path / "data", db_url, **{"General.assume_secure_protocol": 1})
    with testing.serve_in_thread(settings) as proxied:
        form = proxied.client.get(proxied.url("/login"))
    # Secure: the browser will only send it back over HTTPS (this test speaks plain HTTP).
    assert "; secure" in form.headers["set-cookie"].lower()
