"""Matomo compatibility: the device type, OS and browser Matomo reports for real
user agents (tests/data/user_agents.yml) are what Footfall stores."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from footfall.tracker.enrich import device_names as names
from footfall.tracker.enrich.device import DeviceDetector

CORPUS = yaml.safe_load((Path(__file__).parent.parent / "data" / "user_agents.yml").read_text("utf-8"))
AGENTS = CORPUS["agents"]


@pytest.fixture(scope="module")
def detector() -> DeviceDetector:
    built = DeviceDetector()
    built.warm_up()
    return built


def test_corpus_covers_every_kind_of_device():
    kinds = {agent["kind"] for agent in AGENTS}
    assert len(AGENTS) >= 60
    assert {"desktop", "smartphone", "tablet", "tv", "console", "bot", "client-hints"} <= kinds


@pytest.mark.parametrize("agent", [a for a in AGENTS if "bot" not in a], ids=lambda a: a["ua"][:70])
def test_device_os_and_browser_match_matomo(detector, agent):
    info = detector.detect(agent["ua"], agent.get("client_hints"))
    assert not info.is_bot
    stored_type = names.device_type_name(info.config_device_type)
    expected_type = names.DEVICE_TYPE_NAMES.get(agent["device_type"], "Unknown")
    assert stored_type == expected_type
    assert names.os_name(info.config_os) == (agent["os"] or "Unknown")
    expected_browser = agent["browser"] or agent.get("client") or "Unknown"
    assert names.browser_name(info.config_browser_name) == expected_browser
    if agent.get("client"):  # an app, feed reader ...: Matomo stores its name
        assert info.config_browser_name == agent["client"]
    if agent["browser"]:
        assert info.config_client_type == 1
        assert len(info.config_browser_name) == 2 and len(info.config_os) == 3


@pytest.mark.parametrize("agent", [a for a in AGENTS if "bot" in a], ids=lambda a: a["bot"])
def test_bots_are_recognised(detector, agent):
    info = detector.detect(agent["ua"])
    assert info.is_bot
    assert info.bot_name == agent["bot"]
    # recorded only with bots=1, then as Matomo does: OS 'BOT', nothing else known
    assert (info.config_os, info.config_browser_name, info.config_device_type) == ("BOT", "UNK", None)
