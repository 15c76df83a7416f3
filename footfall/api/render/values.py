"""Scalar conversions shared by the renderers, following PHP's rules as Matomo relies on them."""

from __future__ import annotations

import html
import math
import re
from typing import Any

# PHP's html_entity_decode only decodes complete entities (with the semicolon).
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def decode_entities(text: str) -> str:
    """Decode HTML entities the way PHP's html_entity_decode(ENT_QUOTES) does."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def is_numeric(value: Any) -> bool:
    """PHP's is_numeric for the values we render (numbers and numeric strings)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        try:
            float(value.strip())
        except ValueError:
            return False
        text = value.strip().lower()
        return bool(text) and "inf" not in text and "nan" not in text and "_" not in text
    return False


def normalise_number(value: Any) -> Any:
    """Integral floats become ints: Matomo prints 4, not 4.0 (archives store doubles)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() \
            and abs(value) < 1e15:
        return int(value)
    return value


def php_string(value: Any) -> str:
    """PHP's (string) cast: true is '1', false and null are '', floats use 14 digits."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    value = normalise_number(value)
    if isinstance(value, float):
        text = f"{value:.14G}"
        if "E" in text:
            mantissa, exponent = text.split("E")
            return f"{mantissa}.0E{int(exponent):+d}" if "." not in mantissa \
                else f"{mantissa}E{int(exponent):+d}"
        return text
    return str(value)


def xml_escape(text: str) -> str:
    """htmlspecialchars(ENT_COMPAT): &, <, > and double quotes; single quotes stay."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def format_value_xml(value: Any) -> str:
    """A value as Matomo writes it in XML and HTML: entities decoded then re-escaped."""
    if isinstance(value, str) and not is_numeric(value):
        return xml_escape(decode_entities(value))
    if value is False:
        return "0"
    return php_string(value)
