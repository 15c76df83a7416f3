"""The segment grammar: precedence, operators, escapes, URL decoding and Matomo's errors."""

from __future__ import annotations

import hashlib

import pytest

from footfall.segments.parser import MAX_LENGTH, SegmentError, parse, segment_hash, split_condition

KNOWN = {"a", "b", "c", "pageUrl", "referrerName"}


def resolve(name: str) -> str | None:
    return name if name in KNOWN else None


def shape(definition: str) -> list[list[tuple[str, str, str]]]:
    """The parsed expression as AND-list of OR-lists of (name, operator, value)."""
    expression = parse(definition, resolve)
    return [[(c.name, c.operator, c.value) for c in clause] for clause in expression.clauses]


def test_or_binds_tighter_than_and() -> None:
    assert shape("a==1,b==2;c==3") == [[("a", "==", "1"), ("b", "==", "2")], [("c", "==", "3")]]
    assert shape("a==1;b==2,c==3") == [[("a", "==", "1")], [("b", "==", "2"), ("c", "==", "3")]]


@pytest.mark.parametrize("operator", ["==", "!=", "<=", ">=", "<", ">", "=@", "!@", "=^", "=$"])
def test_every_operator(operator: str) -> None:
    assert shape(f"a{operator}x") == [[("a", operator, "x")]]


def test_first_operator_after_a_non_empty_name_wins() -> None:
    assert split_condition("a<=b") == ("a", "<=", "b")
    assert split_condition("a<b=c") == ("a", "<", "b=c")
    assert split_condition("a==b==c") == ("a", "==", "b==c")
    assert split_condition("==a") is None  # the name is never empty
    assert split_condition("abc") is None


def test_escaped_separators_stay_in_the_value() -> None:
    assert shape(r"referrerName==a\;b\,c") == [[("referrerName", "==", "a;b,c")]]
    assert shape("referrerName==a%3Bb%2Cc") == [[("referrerName", "==", "a;b,c")]]


def test_values_encoded_once_or_twice_give_the_same_value() -> None:
    url = "http://example.org/a b?x=1&y=2"
    once = "pageUrl==http%3A%2F%2Fexample.org%2Fa%20b%3Fx%3D1%26y%3D2"
    twice = "pageUrl==http%253A%252F%252Fexample.org%252Fa%2520b%253Fx%253D1%2526y%253D2"
    whole = "pageUrl%3D%3Dhttp%253A%252F%252Fexample.org%252Fa%2520b"
    assert shape(once) == shape(twice) == [[("pageUrl", "==", url)]]
    assert shape(whole) == [[("pageUrl", "==", "http://example.org/a b")]]


def test_plus_is_a_space_as_in_php_urldecode() -> None:
    assert shape("referrerName==Yahoo%21+Search") == [[("referrerName", "==", "Yahoo! Search")]]


def test_the_form_with_more_valid_conditions_wins() -> None:
    # Decoded, '%3B' would split the value into an invalid second condition.
    assert shape("referrerName==x%253By") == [[("referrerName", "==", "x;y")]]


def test_empty_values_only_with_is_and_is_not() -> None:
    assert shape("a==") == [[("a", "==", "")]]
    assert shape("a!=") == [[("a", "!=", "")]]
    with pytest.raises(SegmentError) as raised:
        parse("a=@", resolve)
    assert str(raised.value) == ("The segment 'a=@' has no value specified. You can leave this "
                                 "value empty only when you use the operators: != (is not) or == "
                                 "(is)")


@pytest.mark.parametrize(("definition", "message"), [
    ("foo==bar", "Segment 'foo' is not a supported segment."),
    ("a==1;foo==bar", "Segment 'foo' is not a supported segment."),
    ("a==1,nothing", "The segment condition 'nothing' is not valid."),
    ("a==1;", "The segment condition '' is not valid."),
])
def test_errors_in_matomos_words(definition: str, message: str) -> None:
    with pytest.raises(SegmentError) as raised:
        parse(definition, resolve)
    assert str(raised.value) == message
    assert raised.value.status_code == 400


def test_names_are_case_sensitive() -> None:
    with pytest.raises(SegmentError, match="'PAGEURL' is not a supported"):
        parse("PAGEURL==x", resolve)


def test_long_definitions_are_truncated() -> None:
    expression = parse("a==" + "x" * (MAX_LENGTH * 2), resolve)
    assert len(expression.conditions()[0].value) == MAX_LENGTH - 3


def test_hash_is_md5_of_the_decoded_definition() -> None:
    definition = "pageUrl==http%253A%252F%252Fexample.org"
    assert segment_hash(definition) == hashlib.md5(
        b"pageUrl==http%3A%2F%2Fexample.org").hexdigest()
    assert segment_hash("a==1;b==2") == hashlib.md5(b"a==1;b==2").hexdigest()
