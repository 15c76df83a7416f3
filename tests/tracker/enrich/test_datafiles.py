"""The shipped data files are well-formed, so that a user's edit in the same layout
is too (a broken entry fails here rather than silently never matching)."""

from __future__ import annotations

import re

from footfall.tracker.enrich.datafiles import load_json, load_lines, load_yaml, packaged


def test_search_engines_have_hosts_and_keyword_rules():
    engines = load_yaml(packaged("search_engines.yml"))["search_engines"]
    assert len({e["name"] for e in engines}) >= 100
    for engine in engines:
        assert engine["hosts"] and all(isinstance(h, str) and h for h in engine["hosts"]), engine
        for param in engine.get("keyword_params") or []:
            if param.startswith("/"):
                body = param[1 : param.rfind("/")]
                assert re.compile(body).groups >= 1, engine  # the keyword is group 1


def test_social_networks_have_domains():
    networks = load_yaml(packaged("social_networks.yml"))["social_networks"]
    assert len(networks) >= 50
    for network in networks:
        assert network["name"] and network["domains"], network
        assert all("/" not in d and d == d.strip() for d in network["domains"]), network


def test_language_and_country_tables_agree():
    countries = load_json("countries.json")["countries"]
    languages = load_json("languages.json")
    assert set(countries.values()) <= {"afr", "amc", "amn", "ams", "ant", "asi", "eur", "oce"}
    assert len(countries) >= 249
    assert set(languages["language_to_country"].values()) <= set(countries)
    assert set(languages["language_to_country"]) <= set(languages["languages"])


def test_spam_list_and_crawler_ranges_parse():
    hosts = load_lines(packaged("referrer_spam.txt"))
    assert len(hosts) > 1000 and all(" " not in h and h == h.lower() for h in hosts)
    ranges = load_yaml(packaged("crawler_ip_ranges.yml"))
    assert ranges["google"] and ranges["others"]


def test_every_country_has_a_name():
    data = load_json("countries.json")
    assert set(data["names"]) == set(data["countries"])
    assert set(data["continent_names"]) >= set(data["countries"].values())
