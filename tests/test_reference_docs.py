"""The CLI and settings references in docs/ match the code they describe."""

from __future__ import annotations

from pathlib import Path

import pytest

from footfall import reference_docs

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("page", sorted(reference_docs.PAGES))
def test_generated_page_is_current(page: str) -> None:
    expected = reference_docs.PAGES[page]()
    actual = (DOCS / page).read_text(encoding="utf-8")
    assert actual == expected, (
        f"docs/{page} is out of date: run `python -m footfall.reference_docs` and commit it")


def test_every_command_and_setting_is_in_the_reference() -> None:
    cli_page = reference_docs.cli_reference()
    for command in ("serve", "site add", "user add", "token create", "db upgrade", "archive", "demo"):
        assert f"## `footfall {command}`" in cli_page
    settings_page = reference_docs.settings_reference()
    for key in ("visit_standard_length", "ip_address_mask_length",
                "browser_archiving_disabled_enforce", "proxy_client_headers[]"):
        assert f"`{key}`" in settings_page
