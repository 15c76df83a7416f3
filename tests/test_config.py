"""Settings precedence (defaults < config.ini < environment < command line) and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from footfall.config import load_settings, parse_ini
from footfall.errors import ConfigError


def write_config(data_dir: Path, text: str) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "config.ini"
    path.write_text(text)
    return path


def test_defaults_are_matomos(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={})
    assert settings.get("Tracker", "visit_standard_length") == 1800
    assert settings.get("Tracker", "ip_address_mask_length") == 2
    assert settings.get("General", "time_before_today_archive_considered_outdated") == 900
    assert settings.database_url == f"sqlite:///{(tmp_path / 'footfall.sqlite3').resolve()}"


def test_each_layer_overrides_the_one_below(tmp_path: Path) -> None:
    write_config(tmp_path, "[Tracker]\nvisit_standard_length = 600\nwindow_look_back_for_visitor = 5\n")
    env = {"FOOTFALL_TRACKER__VISIT_STANDARD_LENGTH": "900"}
    from_file = load_settings(data_dir=tmp_path, environ={})
    from_env = load_settings(data_dir=tmp_path, environ=env)
    from_cli = load_settings(data_dir=tmp_path, environ=env,
                             overrides=[("Tracker", "visit_standard_length", "1200")])
    assert from_file.get("Tracker", "visit_standard_length") == 600
    assert from_env.get("Tracker", "visit_standard_length") == 900
    assert from_cli.get("Tracker", "visit_standard_length") == 1200
    # Layers only replace what they set.
    assert from_cli.get("Tracker", "window_look_back_for_visitor") == 5


def test_lists_use_matomos_bracket_form(tmp_path: Path) -> None:
    write_config(tmp_path, '[General]\nproxy_client_headers[] = HTTP_X_FORWARDED_FOR\n'
                           'proxy_client_headers[] = "HTTP_CLIENT_IP"\n')
    settings = load_settings(data_dir=tmp_path, environ={})
    assert settings.get_list("General", "proxy_client_headers") == [
        "HTTP_X_FORWARDED_FOR", "HTTP_CLIENT_IP"]


def test_per_site_tracker_section_overrides_for_that_site_only(tmp_path: Path) -> None:
    write_config(tmp_path, "[Tracker_3]\nvisit_standard_length = 60\n")
    settings = load_settings(data_dir=tmp_path, environ={})
    assert settings.get("Tracker", "visit_standard_length", idsite=3) == 60
    assert settings.get("Tracker", "visit_standard_length", idsite=4) == 1800


def test_unknown_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[Tracker]\nvisit_standart_length = 600\n")
    with pytest.raises(ConfigError) as error:
        load_settings(data_dir=tmp_path, environ={})
    assert "visit_standart_length" in str(error.value)
    assert str(path) in str(error.value)


def test_bad_value_names_the_key_and_the_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FOOTFALL_TRACKER__VISIT_STANDARD_LENGTH.*whole number"):
        load_settings(data_dir=tmp_path,
                      environ={"FOOTFALL_TRACKER__VISIT_STANDARD_LENGTH": "half an hour"})


def test_unknown_section_is_an_error(tmp_path: Path) -> None:
    write_config(tmp_path, "[Trackr]\nvisit_standard_length = 600\n")
    with pytest.raises(ConfigError, match=r"unknown section \[Trackr\]"):
        load_settings(data_dir=tmp_path, environ={})


def test_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(data_dir=tmp_path, config_file=tmp_path / "nope.ini", environ={})


def test_database_url_from_environment_and_from_matomo_keys(tmp_path: Path) -> None:
    env = {"FOOTFALL_DATABASE_URL": "postgresql+psycopg://u@h/db"}
    assert load_settings(data_dir=tmp_path, environ=env).database_url == "postgresql+psycopg://u@h/db"
    write_config(tmp_path, "[database]\nhost = db.local\nusername = matomo\n"
                           "password = secret\ndbname = matomo\n")
    settings = load_settings(data_dir=tmp_path, environ={})
    assert settings.database_url == "mysql+pymysql://matomo:secret@db.local:3306/matomo"


def test_matomo_php_guard_line_and_comments_are_skipped() -> None:
    parsed = parse_ini('; <?php exit; ?> DO NOT REMOVE THIS LINE\n[General]\n; c\nx = "1"\n', "t")
    assert parsed == {"General": {"x": "1"}}


def test_every_default_setting_is_documented_by_a_comment() -> None:
    """global.ini is the settings reference: each section says what it is for."""
    from importlib import resources

    text = resources.files("footfall").joinpath("global.ini").read_text()
    assert text.startswith(";")
    for section in ("[database]", "[General]", "[Tracker]"):
        assert section in text
