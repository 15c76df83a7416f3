"""Settings: built-in defaults < config.ini < FOOTFALL_* environment < command line.

The known keys and their defaults live in ``global.ini`` beside this module
(Matomo's section and key names). A key that file does not know, or a value
of the wrong type, is an error that names the key and where it came from:
an operator's typo should stop the server at start-up, not be ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from footfall.errors import ConfigError

Value = int | str | list[str]
ENV_PREFIX = "FOOTFALL_"
# FOOTFALL_<SECTION>__<KEY>; other FOOTFALL_ variables (DATA_DIR, TEST_*) are not settings.
_ENV_SETTING = re.compile(r"^FOOTFALL_([A-Za-z0-9_]+?)__([A-Za-z0-9_]+)$")
_PER_SITE_SECTION = re.compile(r"^Tracker_(\d+)$")


def parse_ini(text: str, source: str) -> dict[str, dict[str, Value]]:
    """Parse Matomo-flavoured INI: `key = value`, `key[] = value` lists, `;` comments.

    Matomo's config.ini.php begins with a PHP guard line; it is skipped like a comment.
    """
    sections: dict[str, dict[str, Value]] = {}
    current: dict[str, Value] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in ";#" or line.startswith("<?php"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), {})
            continue
        if "=" not in line or current is None:
            raise ConfigError(f"{source}:{number}: expected `key = value` inside a [section]: {line!r}")
        key, value = (part.strip() for part in line.split("=", 1))
        value = _unquote(value)
        if key.endswith("[]"):
            items = current.setdefault(key[:-2], [])
            assert isinstance(items, list)
            if value:
                items.append(value)
        else:
            current[key] = value
    return sections


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _defaults() -> dict[str, dict[str, Value]]:
    text = resources.files("footfall").joinpath("global.ini").read_text(encoding="utf-8")
    values = parse_ini(text, "global.ini")
    coerce_defaults(values)
    return values


@dataclass
class Settings:
    """Typed settings with the place each value came from, for error messages."""

    values: dict[str, dict[str, Value]]
    data_dir: Path
    sources: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, section: str, key: str, *, idsite: int | None = None) -> Any:
        """A setting; `idsite` applies a [Tracker_<idsite>] override where one exists."""
        if idsite is not None:
            override = self.values.get(f"{section}_{idsite}", {})
            if key in override:
                return override[key]
        return self.values[section][key]

    def get_int(self, section: str, key: str, *, idsite: int | None = None) -> int:
        value = self.get(section, key, idsite=idsite)
        assert isinstance(value, int)
        return value

    def get_list(self, section: str, key: str) -> list[str]:
        value = self.values[section][key]
        assert isinstance(value, list)
        return value

    def get_str(self, section: str, key: str) -> str:
        return str(self.values[section][key])

    @property
    def database_url(self) -> str:
        return self.get_str("database", "url")

    @property
    def database_reader_url(self) -> str | None:
        return self.get_str("database_reader", "url") or None


def load_settings(
    *,
    data_dir: str | os.PathLike[str] | None = None,
    config_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Iterable[tuple[str, str, str]] = (),
) -> Settings:
    """Build the settings from every layer, in rising priority."""
    env = os.environ if environ is None else environ
    data_path = Path(data_dir or env.get("FOOTFALL_DATA_DIR") or "footfall-data")
    defaults = _defaults()
    settings = Settings(values={s: dict(keys) for s, keys in defaults.items()}, data_dir=data_path)

    file_path = Path(config_file) if config_file else data_path / "config.ini"
    if config_file and not file_path.is_file():
        raise ConfigError(f"config file {file_path} does not exist")
    if file_path.is_file():
        parsed = parse_ini(file_path.read_text(encoding="utf-8"), str(file_path))
        for section, keys in parsed.items():
            for key, raw in keys.items():
                _apply(settings, defaults, section, key, raw, str(file_path))

    for name, raw in env.items():
        match = _ENV_SETTING.match(name)
        if match:
            section = _match_section(defaults, match.group(1))
            key = match.group(2).lower()
            value: Value = [v for v in raw.split(",") if v] if _is_list(defaults, section, key) else raw
            _apply(settings, defaults, section, key, value, f"environment variable {name}")

    for section, key, raw in overrides:
        _apply(settings, defaults, section, key, raw, "command line")

    if env.get("FOOTFALL_DATABASE_URL"):
        settings.values["database"]["url"] = env["FOOTFALL_DATABASE_URL"]
    settings.values["database"]["url"] = _database_url(settings)
    return settings


def _match_section(defaults: Mapping[str, Any], env_name: str) -> str:
    for section in defaults:
        if section.lower() == env_name.lower():
            return section
    per_site = _PER_SITE_SECTION.match(env_name.capitalize())
    return per_site.group(0) if per_site else env_name


def _is_list(defaults: Mapping[str, Mapping[str, Value]], section: str, key: str) -> bool:
    base = _base_section(section)
    return isinstance(defaults.get(base, {}).get(key), list)


def _base_section(section: str) -> str:
    return "Tracker" if _PER_SITE_SECTION.match(section) else section


def _apply(
    settings: Settings,
    defaults: Mapping[str, Mapping[str, Value]],
    section: str,
    key: str,
    raw: Value,
    source: str,
) -> None:
    base = _base_section(section)
    if base not in defaults:
        known = ", ".join(f"[{s}]" for s in defaults)
        raise ConfigError(f"{source}: unknown section [{section}] (known: {known})")
    if key not in defaults[base]:
        raise ConfigError(f"{source}: unknown setting '{key}' in [{section}]")
    settings.values.setdefault(section, {})[key] = _coerce(defaults[base][key], raw, section, key, source)
    settings.sources[(section, key)] = source


def _coerce(default: Value, raw: Value, section: str, key: str, source: str) -> Value:
    if isinstance(default, list):
        return raw if isinstance(raw, list) else [raw] if raw else []
    if isinstance(raw, list):
        raise ConfigError(f"{source}: [{section}] {key} takes one value, not a list")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(
                f"{source}: [{section}] {key} must be a whole number, not {raw!r}"
            ) from None
    return raw


def coerce_defaults(values: dict[str, dict[str, Value]]) -> None:
    """Give integer-looking defaults their integer type (global.ini is text)."""
    for keys in values.values():
        for key, value in keys.items():
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
                keys[key] = int(value)


def _database_url(settings: Settings) -> str:
    url = settings.get_str("database", "url")
    if url:
        return url
    host = settings.get_str("database", "host")
    if host:
        user = settings.get_str("database", "username")
        password = settings.get_str("database", "password")
        auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
        port = settings.get("database", "port")
        name = settings.get_str("database", "dbname")
        adapter = settings.get_str("database", "adapter")
        driver = "postgresql+psycopg" if adapter == "pgsql" else "mysql+pymysql"
        return f"{driver}://{auth}{host}:{port}/{name}"
    return f"sqlite:///{(settings.data_dir / 'footfall.sqlite3').resolve()}"
