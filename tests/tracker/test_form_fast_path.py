"""parse_query's one-pass path gives exactly what the pair-by-pair decoder gives.

The fast path decodes the whole query string at once; these properties compare it
with the general path on arbitrary strings built from the pieces that could make
them differ: escapes (valid, broken, invalid UTF-8), `+`, `&`/`=` escaped or not,
PHP array names, dots and spaces in names, empty names, repeated names, entities.
"""

from __future__ import annotations

from urllib.parse import quote, unquote_plus

from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from footfall.tracker import form

PIECES = ["%26", "\\", "\\x4", "%41", "%e9", "%3D", "%3d", "%2B", "%20", "%2E", "%5B", "%5D",
          "%5b", "%E2", "%82", "%AC", "%E2%82%AC", "%F0%9F%98", "%C3", "%A9", "%FF", "%80", "%ED%A0%80", "%",
          "%Z", "%2", "+", " ", ".", "[", "]", "[]", "[k]", "=", "&", "&&", "&amp;", "amp;",
          ";", "a", "url", "idsite", "1", "é", "€", "\x00", "_", "-"]
fragments = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=30)
queries = fragments.map("".join)
names = st.one_of(st.sampled_from(["idsite", "url", "a", "a[]", "a[k]", "a.b", "a b", " a",
                                   "", "ec_items", "dimension1", "amp;url"]),
                  st.text(max_size=6))
values = st.one_of(st.text(max_size=12), queries)
# Well-formed pairs as a tracker sends them, plus the odd raw value.
pair_lists = st.lists(st.tuples(names, values, st.booleans()), max_size=12)


def _pair_query(pairs: list[tuple[str, str, bool]]) -> str:
    return "&".join(f"{quote(name)}={quote(value, safe='') if escape else value}"
                    for name, value, escape in pairs)


def _general(query: str | bytes) -> form.Params:
    return form._parse_general(query.decode("latin-1") if isinstance(query, bytes) else query)


@hypothesis_settings(max_examples=1500, deadline=None)
@given(queries)
@example("a=%E2%82&b=%AC")
@example("a%3Db=c")
@example("a=b%3Dc&d=%26")
@example("a%2Eb=1&a+b=2&%20c=3&d%5B%5D=4&d[]=5")
@example("=x&&a&a=1&a=2&amp;b=3")
@example("x=%F0%9F%98&y=%98%80")
def test_fast_path_matches_general_path_on_any_string(query: str) -> None:
    assert form.parse_query(query) == _general(query)
    assert list(form.parse_query(query)) == list(_general(query))


@hypothesis_settings(max_examples=1000, deadline=None)
@given(pair_lists)
def test_fast_path_matches_general_path_on_tracker_queries(
        pairs: list[tuple[str, str, bool]]) -> None:
    query = _pair_query(pairs)
    assert form.parse_query(query) == _general(query)
    assert list(form.parse_query(query)) == list(_general(query))


@hypothesis_settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=60))
def test_fast_path_matches_general_path_on_bytes(raw: bytes) -> None:
    assert form.parse_query(raw) == _general(raw)


def test_plain_hit_takes_the_fast_path_and_decodes_once() -> None:
    query = "idsite=1&rec=1&url=https%3A%2F%2Fx.example%2F%3Fa%3Db&action_name=A+%E2%82%AC"
    assert form._parse_plain(form.decode_component(query)) == form.parse_query(query) == {
        "idsite": "1", "rec": "1", "url": "https://x.example/?a=b", "action_name": "A €"}


def test_names_php_rewrites_leave_the_fast_path() -> None:
    assert form._parse_plain(form.decode_component("a.b=1&c=2")) is None
    assert form.parse_query("a.b=1&c[]=2&c[]=3&d[k]=4&+e=5") == {
        "a_b": "1", "c": ["2", "3"], "d": {"k": "4"}, "e": "5"}


@hypothesis_settings(max_examples=1500, deadline=None)
@given(queries)
@example("%E2%82%AC+%e2%82%ac%FF%C3")
@example("a\\x41%41")
@example("%4g%%41%")
@example("\u00e9%C3%A9")
def test_whole_string_decoder_matches_unquote_plus(query: str) -> None:
    assert form._decode_whole(query) == unquote_plus(query, errors="replace")
