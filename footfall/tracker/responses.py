"""The bytes the tracking endpoint answers with (reference §1.4, §1.5)."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

import orjson

GIF = bytes.fromhex(
    "4749463839610100010080000000000000000021f90401000000002c00000000010001000002024401003b"
)
NOTICE = (
    b"This resource is part of Matomo. Keep full control of your data with the leading "
    b"free and open source web analytics & conversion optimisation platform.<br>\n"
    b"This file is the endpoint for the Matomo tracking API. If you want to access the "
    b"Matomo UI or use the Reporting API, please use index.php instead.\n"
)

Headers = list[tuple[bytes, bytes]]
_UNSAFE_HEADER = re.compile(r"[^\x20-\x7e]")


def reason_header(reason: str) -> tuple[bytes, bytes]:
    """X-Footfall-Reason: why a hit was refused (printable ASCII, bounded)."""
    return b"x-footfall-reason", _UNSAFE_HEADER.sub("?", reason)[:300].encode()


def cors_headers(method: str, origin: str | None, cors_domains: list[str]) -> Headers:
    """Every non-GET answer lets browsers read it, as Matomo does."""
    if method == "GET":
        return []
    headers: Headers = []
    if cors_domains and "*" not in cors_domains:
        headers.append((b"vary", b"Origin"))
        if origin is None or origin not in cors_domains:
            return headers
    elif cors_domains:
        headers.append((b"vary", b"Origin"))
    allowed = origin if origin else "*"
    headers.append((b"access-control-allow-origin", allowed.encode("latin-1", "replace")))
    headers.append((b"access-control-allow-credentials", b"true"))
    return headers


# The allowed origin comes from cors_headers, like every non-GET answer: a second
# Access-Control-Allow-Origin header would make browsers reject the preflight.
PREFLIGHT_HEADERS: Headers = [
    (b"access-control-allow-methods", b"GET, POST"),
    (b"access-control-allow-headers", b"*"),
]


_NO_STORE = (b"cache-control", b"no-store")
ImageAnswers = dict[tuple[bool, bool], tuple[int, Headers, bytes]]
# Leading bytes of the formats [Tracker] custom_image may hold.
_IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", b"image/png"), (b"GIF87a", b"image/gif"),
                (b"GIF89a", b"image/gif"), (b"\xff\xd8\xff", b"image/jpeg"))


def image_answers(image: bytes = GIF, content_type: bytes = b"image/gif") -> ImageAnswers:
    """(send_image, is GET) -> the answer, built once; callers must not change the lists."""
    kind = (b"content-type", content_type)
    return {
        (True, True): (200, [kind, _NO_STORE], image),
        (True, False): (200, [kind], image),
        (False, True): (204, [_NO_STORE], b""),
        (False, False): (204, [], b""),
    }


DEFAULT_IMAGES = image_answers()


def image_or_empty(send_image: bool, method: str,
                   answers: ImageAnswers = DEFAULT_IMAGES) -> tuple[int, Headers, bytes]:
    """200 + the image (the 1x1 GIF unless [Tracker] custom_image), or 204 when the client
    asked for no image; GET is never cached."""
    return answers[send_image, method == "GET"]


def custom_image(value: str, base: Path) -> tuple[bytes, bytes]:
    """[Tracker] custom_image: base64 text (it ends with '==') or an image file (relative
    to `base`); PNG, GIF or JPEG. Returns (image, content type); ValueError otherwise."""
    text = value.strip()
    if text.endswith("=="):
        try:
            image = base64.b64decode(text, validate=True)
        except binascii.Error as error:
            raise ValueError(f"[Tracker] custom_image is not valid base64: {error}") from None
    else:
        path = Path(text).expanduser()
        try:
            image = (path if path.is_absolute() else base / path).read_bytes()
        except OSError as error:
            raise ValueError(f"[Tracker] custom_image cannot be read: {error}") from None
    for magic, content_type in _IMAGE_TYPES:
        if image.startswith(magic):
            return image, content_type
    raise ValueError("[Tracker] custom_image is no PNG, GIF or JPEG image")


def bulk_summary(tracked: int, invalid: list[int], *, show_indices: bool,
                 status: str = "success") -> bytes:
    body: dict[str, object] = {"status": status, "tracked": tracked, "invalid": len(invalid)}
    if show_indices:
        body["invalid_indices"] = invalid
    return orjson.dumps(body)
