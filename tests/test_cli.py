"""The `footfall` command through its real entry point (a child process)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from footfall.db.engine import make_engine
from footfall.db.schema import user_token_auth


def footfall(data_dir: Path, *args: str, db_url: str | None = None,
             stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "footfall", "--data-dir", str(data_dir)]
    if db_url:
        command += ["--db", db_url]
    return subprocess.run([*command, *args], capture_output=True, text=True, input=stdin,
                          timeout=120)


def test_site_add_prints_the_idsite_alone(tmp_path: Path, db_url: str) -> None:
    first = footfall(tmp_path, "site", "add", "--name", "Blog", "--url", "https://blog.example",
                     db_url=db_url)
    second = footfall(tmp_path, "site", "add", "--name", "Shop", "--url", "https://shop.example",
                      "--url", "https://www.shop.example", "--timezone", "Europe/Paris",
                      "--currency", "EUR", "--ecommerce", db_url=db_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "1\n" and second.stdout == "2\n"
    listing = footfall(tmp_path, "site", "list", db_url=db_url).stdout.splitlines()
    assert listing[1].split("\t") == [
        "2", "Shop", "https://shop.example https://www.shop.example", "Europe/Paris", "EUR ecommerce"]


def _add_ui_session_token(db_url: str, login: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(user_token_auth.insert().values(
            login=login, description="session", token_hash="f" * 64, system_token=1,
            date_created=datetime(2026, 1, 1)))
    engine.dispose()


def test_user_and_token_lifecycle(tmp_path: Path, db_url: str) -> None:
    added = footfall(tmp_path, "user", "add", "admin", "--email", "admin@example.com",
                     "--superuser", "--password-stdin", db_url=db_url, stdin="correct horse\n")
    assert added.returncode == 0, added.stderr
    assert footfall(tmp_path, "user", "list", db_url=db_url).stdout == \
        "admin\tadmin@example.com\tsuperuser\n"
    created = footfall(tmp_path, "token", "create", "admin", "--description", "cron", db_url=db_url)
    token = created.stdout.strip()
    assert len(token) == 32 and all(c in "0123456789abcdef" for c in token)
    _add_ui_session_token(db_url, "admin")
    listed = footfall(tmp_path, "token", "list", "admin", db_url=db_url).stdout
    assert "cron" in listed and token not in listed
    assert len(listed.splitlines()) == 1  # the UI's session token is not an API token
    token_id = listed.split("\t")[0]
    assert footfall(tmp_path, "token", "revoke", "admin", token_id, db_url=db_url).returncode == 0
    assert footfall(tmp_path, "token", "list", "admin", db_url=db_url).stdout == ""


@pytest.mark.parametrize(("args", "message"), [
    (["site", "add", "--name", "X", "--url", "example.com"], "must start with http"),
    (["site", "add", "--name", "X", "--url", "https://x.example", "--timezone", "Mars/Base"],
     "unknown timezone"),
    (["token", "create", "nobody"], "user 'nobody' does not exist"),
    (["user", "add", "bad login!", "--email", "a@b.c"], "invalid login"),
])
def test_mistakes_are_one_sentence_on_stderr(tmp_path: Path, args: list[str], message: str) -> None:
    result = footfall(tmp_path, *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_config_error_stops_with_the_key_named(tmp_path: Path) -> None:
    (tmp_path / "config.ini").write_text("[Tracker]\nvisit_standard_lenght = 5\n")
    result = footfall(tmp_path, "site", "list")
    assert result.returncode == 1
    assert "visit_standard_lenght" in result.stderr and "config.ini" in result.stderr


def test_db_upgrade_reports_what_it_did(tmp_path: Path) -> None:
    first = footfall(tmp_path, "db", "upgrade")
    again = footfall(tmp_path, "db", "upgrade")
    assert "upgraded from empty" in first.stdout
    assert "already at revision" in again.stdout
    assert (tmp_path / "footfall.sqlite3").exists()


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = footfall(tmp_path, "--help")
    for command in ("serve", "site", "user", "token", "db"):
        assert command in result.stdout
