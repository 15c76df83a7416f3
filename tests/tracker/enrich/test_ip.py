from __future__ import annotations

import pytest

from footfall.tracker.enrich.ip import (
    bytes_to_ip,
    client_ip,
    ip_matches,
    ip_to_bytes,
    is_valid_ip,
    mask_ip,
)


def test_mask_rejects_lengths_outside_zero_to_four():
    with pytest.raises(ValueError, match="0-4"):
        mask_ip("1.2.3.4", 5)


def test_mask_of_garbage_never_leaks_it():
    assert mask_ip("not-an-ip", 2) == "0.0.0.0"


def test_bytes_round_trip_ipv4_and_ipv6():
    assert ip_to_bytes("198.51.0.0") == bytes([198, 51, 0, 0])
    assert len(ip_to_bytes("2001:db8::1")) == 16
    assert bytes_to_ip(ip_to_bytes("2001:db8:85a3::")) == "2001:db8:85a3::"
    assert bytes_to_ip(ip_to_bytes("10.0.0.1")) == "10.0.0.1"


def test_bytes_reject_bad_input():
    with pytest.raises(ValueError):
        ip_to_bytes("999.1.1.1")
    with pytest.raises(ValueError):
        bytes_to_ip(b"\x01\x02\x03")


def test_client_ip_ignores_headers_unless_configured():
    headers = {"X-Forwarded-For": "203.0.113.9"}
    assert client_ip("192.0.2.1", headers, proxy_client_headers=[]) == "192.0.2.1"


def test_client_ip_reads_configured_header_last_address_by_default():
    headers = {"x-forwarded-for": "203.0.113.9, 198.51.100.2"}
    configured = ["HTTP_X_FORWARDED_FOR"]
    assert client_ip("192.0.2.1", headers, proxy_client_headers=configured) == "198.51.100.2"
    first = client_ip("192.0.2.1", headers, proxy_client_headers=configured, read_last_in_list=False)
    assert first == "203.0.113.9"


def test_client_ip_skips_trusted_proxies_and_bad_values():
    headers = {"X-Forwarded-For": "203.0.113.9, 10.0.0.5", "X-Real-IP": "garbage"}
    assert (
        client_ip(
            "192.0.2.1",
            headers,
            proxy_client_headers=["X-Real-IP", "X-Forwarded-For"],
            trusted_proxies=["10.0.0.0/8"],
        )
        == "203.0.113.9"
    )


def test_client_ip_strips_ports_and_brackets():
    headers = {"X-Forwarded-For": "[2001:db8::7]:443"}
    assert client_ip("::1", headers, proxy_client_headers=["X-Forwarded-For"]) == "2001:db8::7"
    headers = {"X-Forwarded-For": "203.0.113.9:8080"}
    assert client_ip("::1", headers, proxy_client_headers=["X-Forwarded-For"]) == "203.0.113.9"


@pytest.mark.parametrize(
    ("ip", "patterns", "expected"),
    [
        ("192.168.1.20", ["192.168.1.20"], True),
        ("192.168.1.20", ["192.168.1.*"], True),
        ("192.168.2.20", ["192.168.1.*"], False),
        ("192.168.2.20", ["192.168.*.*"], True),
        ("10.20.30.40", ["10.0.0.0/8"], True),
        ("11.20.30.40", ["10.0.0.0/8"], False),
        ("2001:db8::1", ["2001:db8::/32"], True),
        ("2001:db9::1", ["2001:db8::/32"], False),
        ("2001:db8::1", ["2001:db8:*"], True),
        ("::ffff:10.1.2.3", ["10.0.0.0/8"], True),
        ("10.1.2.3", ["nonsense", "1.*.3.*"], False),
        ("bogus", ["0.0.0.0/0"], False),
    ],
)
def test_ip_matches_exact_wildcard_and_cidr(ip, patterns, expected):
    assert ip_matches(ip, patterns) is expected


def test_is_valid_ip():
    assert is_valid_ip("1.2.3.4") and is_valid_ip("::1") and not is_valid_ip("1.2.3")
