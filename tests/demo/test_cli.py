"""`footfall demo` refuses impossible requests before it creates anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import footfall


@pytest.mark.parametrize(("args", "message"), [
    (["--end-date", "2999-01-01"], "not over yet"),
    (["--site", "9"], "site 9 does not exist"),
    (["--days", "0"], "Invalid value for '--days'"),
    (["--end-date", "yesterday"], "Invalid value for '--end-date'"),
])
def test_mistakes_are_explained_and_nothing_is_created(tmp_path: Path, db_url: str,
                                                       args: list[str], message: str) -> None:
    result = footfall(tmp_path, "demo", *args, db_url=db_url)
    assert result.returncode != 0 and message in result.stderr
    assert footfall(tmp_path, "site", "list", db_url=db_url).stdout == ""
