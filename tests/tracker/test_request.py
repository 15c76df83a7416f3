"""Unit tests of parameter decoding (form.py), hit validation (request.py) and URL
normalisation (urls.py): the pure functions under the endpoint and the pipeline."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from footfall.errors import BadRequest
from footfall.tracker import form
from footfall.tracker.request import (
    TrackingRequest,
    check_hit,
    clean_url_text,
    parse_hit,
    parse_timestamp,
)
from footfall.tracker.urls import UrlFilter, escape, normalize_url, split_prefix

NOW = 1_800_000_000.0


def test_php_form_decoding() -> None:
    params = form.parse_query("a+b=1%202&x.y=3&l[]=1&l[]=2&m[k]=v&dup=1&dup=2&flag")
    assert params == {"a_b": "1 2", "x_y": "3", "l": ["1", "2"], "m": {"k": "v"},
                      "dup": "2", "flag": ""}


def test_query_wins_over_body() -> None:
    merged = form.merge(form.parse_query("url=q&idsite=1"), form.parse_query("url=b&rec=1"))
    assert merged == {"url": "q", "idsite": "1", "rec": "1"}
    assert form.checked_params("idsite=2&ca=1&url=q", "idsite=1&e_c=x") == {
        "idsite": "2", "ca": "1", "url": "q", "e_c": "x"}


def test_checked_params_fall_back_to_php_rules_for_odd_names() -> None:
    assert form.checked_params("idsite[]=1&rec=1") == {"idsite": ["1"], "rec": "1"}
    assert form.without_token("a=1&token_auth=secret&b=2") == "a=1&b=2"


@pytest.mark.parametrize("query", [
    "idsite=1&rec=1&url=x&&send_image=0", "id%73ite=5&rec=1", "idsite=1&=2", "idsite.x=1&rec=1",
    "idsite=1&rec=1&%C3%A9=1", "a-b=1&idsite=3&pf_net=7&cid=0123456789abcdef&ca",
    "idsite=1&idsite=2&idsite", " idsite=4&rec=1", "idsite=1&url=a%26b&search=q+x",
])
def test_checked_params_agree_with_the_php_decoder(query: str) -> None:
    """The fast path decodes only the checked names, with the values PHP would give."""
    checked = form.checked_params(query)
    full = form.parse_query(query)
    assert {name: full[name] for name in checked} == checked
    wanted = form.CHECKED_PARAMS | (form.CUSTOM_ACTION_PARAMS if "ca" in full else set())
    assert {name for name in full if name in wanted or name.startswith("pf_")} <= set(checked)


@hypothesis_settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["idsite", "rec", "url", "ca", "pf_net", "e.c", "e_c",
                                           "id%73ite", "a-b", "x[]", " cid", "", "é", "_id"]),
                          st.sampled_from(["", "=", "=1", "=a%20b", "=x+y", "=%zz", "=-3"])),
                max_size=8))
def test_checked_params_agree_with_the_php_decoder_on_any_pairs(
        pairs: list[tuple[str, str]]) -> None:
    query = "&".join(name + value for name, value in pairs)
    test_checked_params_agree_with_the_php_decoder(query)


def test_bulk_items_strings_objects_and_switches() -> None:
    body = (b'{"requests":["?idsite=1&rec=1","no-query",{"idsite":1,"e_v":2.5,'
            b'"ec_items":[["s","n","c",1,1]],"bots":true},7],"send_image":"0","token_auth":"t"}')
    bulk = form.parse_bulk(body)
    assert bulk.items[0] == "idsite=1&rec=1"
    assert bulk.items[1] == {"idsite": "1", "e_v": "2.5", "ec_items": '[["s","n","c",1,1]]',
                             "bots": "1"}
    assert bulk.items[2] is None
    assert (bulk.send_image, bulk.token_auth) == (False, "t")
    assert form.parse_bulk(b'{"requests": [oops').items == []
    assert form.looks_like_bulk(b' {"requests":[]}') and not form.looks_like_bulk(b"a=1")


@pytest.mark.parametrize(("params", "reason"), [
    ({}, "idsite is missing"),
    ({"idsite": "abc"}, "invalid idsite"),
    ({"idsite": "1", "cid": "0123456789abcdef0"}, "cid must be exactly 16"),
    ({"idsite": "1", "e_c": "Video", "e_a": " "}, "e_a must not be only white space"),
    ({"idsite": "1", "pf_srv": "-5"}, "pf_srv must not be negative"),
])
def test_invalid_hits_name_the_parameter(params: dict, reason: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        check_hit(params, received_at=NOW)
    with pytest.raises(BadRequest, match=reason):
        parse_hit(params, received_at=NOW)


def test_privileged_parameters_and_custom_time() -> None:
    old = check_hit({"idsite": "1", "cdt": str(int(NOW - 2 * 86400)), "cip": "1.2.3.4"},
                    received_at=NOW)
    assert old.privileged == ("cip", "cdt")
    recent = parse_hit({"idsite": "1", "cdt": str(int(NOW - 3600))}, received_at=NOW)
    assert (recent.time, recent.custom_time, recent.privileged) == (NOW - 3600, True, ())
    future = parse_hit({"idsite": "1", "cdt": str(int(NOW + 60))}, received_at=NOW)
    assert (future.time, future.custom_time) == (NOW, False)
    assert parse_timestamp("2024-05-01 13:45:00") == 1714571100.0
    assert parse_timestamp("not a date") is None


def test_parsed_fields() -> None:
    hit = parse_hit({"idsite": "3", "_id": "0123456789ABCDEFxyz", "uid": " alice ",
                     "send_image": "0", "rec": "true", "idgoal": "0", "ec_id": "A1",
                     "dimension4": " v ", "pf_net": "20", "pf_onl": "-1"}, received_at=NOW)
    assert hit.visitor_id == bytes.fromhex("0123456789abcdef")
    assert (hit.uid, hit.send_image, hit.rec, hit.is_order) == ("alice", False, False, True)
    assert hit.dimensions == {4: "v"} and hit.performance == {"time_network": 20}


def test_absent_parameters_give_the_defaults() -> None:
    hit = parse_hit({"idsite": "1"}, received_at=NOW)
    assert (hit.time, hit.custom_time, hit.rec, hit.url, hit.action_name, hit.urlref) == (
        NOW, False, False, "", "", "")
    assert (hit.visitor_id, hit.cid, hit.uid, hit.ec_id, hit.cip, hit.revenue) == (None,) * 6
    assert (hit.new_visit, hit.ping, hit.ca, hit.bots, hit.send_image, hit.idgoal) == (
        False, False, False, False, True, -1)
    assert (hit.dimensions, hit.performance, hit.privileged, hit.token_auth) == ({}, {}, (), "")
    # Names that only look like dimensions or timings are still ignored.
    near = parse_hit({"idsite": "1", "dimensionx": "a", "xdimension1": "b", "pf_xyz": "1",
                      "ca": " 1", "cdo": "60"}, received_at=NOW)
    assert (near.dimensions, near.performance, near.ca, near.time) == ({}, {}, True, NOW - 60)


def test_parse_hit_builds_the_same_object_as_the_constructor() -> None:
    hit = parse_hit({"idsite": "2", "url": "https://x.example/", "dimension1": "d",
                     "pf_srv": "5", "uid": "u"}, received_at=NOW)
    again = TrackingRequest(**vars(hit))
    assert list(vars(hit).items()) == list(vars(again).items())
    assert hit == again and hash(hit) == hash(again)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.url = "changed"  # type: ignore[misc]


def _clean_url_text_reference(value: str, limit: int) -> str:
    cleaned = value.replace("\r", "").replace("\n", "").replace("\0", "").strip()
    encoded = cleaned.encode("utf-8", "replace")
    return encoded[:limit].decode("utf-8", "ignore") if len(encoded) > limit else cleaned


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \r\n\0\t\u00e9\u20ac\U0001f600\ud800"), max_size=80),
       st.integers(0, 90))
def test_clean_url_text_shortcuts_match_the_full_cleanup(value: str, limit: int) -> None:
    assert clean_url_text(value, limit) == _clean_url_text_reference(value, limit)


def test_url_normalisation() -> None:
    strip = UrlFilter.build(["phpsessid", "/^utm_/"], keep_fragment=False)
    assert normalize_url("https://WWW.Example.com/p?a=1&PHPSESSID=x&utm_x=2#frag", strip) == (
        "https://www.example.com/p?a=1")
    assert normalize_url("https://e.com/p;a=1;b=2", strip) == "https://e.com/p?a=1&b=2"
    assert normalize_url("https://e.com/?q=it's", strip) == "https://e.com/?q=it&#039;s"
    keep = UrlFilter.build([], keep_fragment=True)
    assert normalize_url("https://e.com/a#b", keep) == "https://e.com/a#b"
    assert split_prefix("https://www.example.com/x") == ("example.com/x", 3)
    assert split_prefix("ftp://example.com/x") == ("ftp://example.com/x", None)
    assert escape("a & <b> \"c\" 'd' &amp;") == "a &amp; &lt;b&gt; &quot;c&quot; &#039;d&#039; &amp;"
