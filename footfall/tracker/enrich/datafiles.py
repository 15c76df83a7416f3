"""Reading the enrichment data files shipped in footfall/data (and user extensions)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def packaged(name: str) -> Path:
    """Path of a data file shipped with Footfall."""
    return Path(str(resources.files("footfall").joinpath("data", name)))


def load_json(name: str) -> Any:
    return json.loads(packaged(name).read_text("utf-8"))


def load_yaml(path: str | Path) -> Any:
    """A YAML document; a user's file is read the same way as a packaged one."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_lines(path: str | Path) -> list[str]:
    """Non-empty lines that are not comments (`#`), stripped."""
    text = Path(path).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
