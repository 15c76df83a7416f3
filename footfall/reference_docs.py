"""Generate docs/cli.md and docs/configuration.md from the code that defines them.

The CLI's help texts and global.ini's comments are the single source; these
pages are rebuilt from them (`python -m footfall.reference_docs`) and a test
fails when the committed pages drift from the code.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import click

from footfall.cli import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"


def cli_reference() -> str:
    """Every command's --help, in command-tree order."""
    parts = ["# `footfall` command reference\n",
             "Generated from the commands' own help by `python -m footfall.reference_docs`; "
             "do not edit by hand.\n"]
    for path, command in _walk(cli, ["footfall"]):
        with click.Context(command, info_name=" ".join(path), terminal_width=100,
                           max_content_width=100) as ctx:
            help_text = command.get_help(ctx)
        parts.append(f"## `{' '.join(path)}`\n\n```text\n{help_text}\n```\n")
    return "\n".join(parts)


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def settings_reference() -> str:
    """global.ini as a page: each section with its keys, defaults and comments."""
    text = resources.files("footfall").joinpath("global.ini").read_text(encoding="utf-8")
    lines = ["# Settings reference\n",
             "Generated from `footfall/global.ini` by `python -m footfall.reference_docs`; "
             "do not edit by hand. Set a key in `config.ini` in the data directory, or as "
             "`FOOTFALL_<SECTION>__<KEY>` in the environment.\n"]
    comment: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(";"):
            comment.append(line.lstrip("; ").rstrip())
        elif line.startswith("["):
            lines.append(f"\n## `{line}`\n")
            if comment:
                lines.append(" ".join(comment) + "\n")
            comment = []
        elif "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            shown = f"`{value}`" if value else "(empty)"
            note = f" — {' '.join(comment)}" if comment else ""
            lines.append(f"- `{key}` = {shown}{note}")
            comment = []
        elif not line and comment and len(lines) <= 2:
            lines.append(" ".join(comment) + "\n")
            comment = []
    return "\n".join(lines) + "\n"


PAGES = {"cli.md": cli_reference, "configuration.md": settings_reference}


def main() -> None:
    for name, build in PAGES.items():
        (DOCS / name).write_text(build(), encoding="utf-8")
        print(f"wrote docs/{name}", file=sys.stderr)


if __name__ == "__main__":
    main()
