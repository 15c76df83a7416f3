"""`footfall goal` and `footfall dimension` through the real command."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import footfall


def test_goal_add_and_list(tmp_path: Path, db_url: str) -> None:
    footfall(tmp_path, "site", "add", "--name", "Shop", "--url", "https://shop.example",
             db_url=db_url)
    added = footfall(tmp_path, "goal", "add", "1", "--name", "Bought", "--match", "url",
                     "--pattern", "/thanks", "--revenue", "9.5", db_url=db_url)
    manual = footfall(tmp_path, "goal", "add", "1", "--name", "Called us", "--match", "manually",
                      db_url=db_url)
    assert (added.returncode, added.stdout, manual.stdout) == (0, "1\n", "2\n"), added.stderr
    assert footfall(tmp_path, "goal", "list", "1", db_url=db_url).stdout.splitlines() == [
        "1\tBought\turl\tcontains\t/thanks\t9.5", "2\tCalled us\tmanually\tcontains\t\t0"]


def test_goal_mistakes_are_explained(tmp_path: Path, db_url: str) -> None:
    footfall(tmp_path, "site", "add", "--name", "Shop", "--url", "https://shop.example",
             db_url=db_url)
    bad = footfall(tmp_path, "goal", "add", "1", "--name", "X", "--match", "title",
                   "--pattern", "(", "--pattern-type", "regex", db_url=db_url)
    no_site = footfall(tmp_path, "goal", "list", "7", db_url=db_url)
    assert bad.returncode == 1 and "invalid goal regular expression" in bad.stderr
    assert no_site.returncode == 1 and "site 7 does not exist" in no_site.stderr


def test_dimension_add_and_list(tmp_path: Path, db_url: str) -> None:
    footfall(tmp_path, "site", "add", "--name", "Shop", "--url", "https://shop.example",
             db_url=db_url)
    first = footfall(tmp_path, "dimension", "add", "1", "--name", "Plan", "--scope", "visit",
                     db_url=db_url)
    second = footfall(tmp_path, "dimension", "add", "1", "--name", "Section", "--scope",
                      "action", "--inactive", db_url=db_url)
    assert (first.stdout, second.stdout) == ("1\n", "2\n"), first.stderr
    assert footfall(tmp_path, "dimension", "list", "1", db_url=db_url).stdout.splitlines() == [
        "1\tvisit\t1\tPlan\tactive", "2\taction\t1\tSection\tinactive"]
