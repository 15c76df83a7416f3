"""[Tracker] custom_image: hits are answered with the configured image instead of the
1x1 GIF (reference §1.4); send_image=0 still gets 204, a bad setting falls back to the GIF."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from footfall import testing
from footfall.tracker.responses import GIF, custom_image

# A 1x1 PNG, built here (signature, IHDR, IDAT, IEND).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
JPEG_START = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def _answers(tmp_path: Path, value: str) -> list[tuple[int, str, bytes]]:
    url = f"sqlite:///{tmp_path / 'footfall.sqlite3'}"
    engine = testing.migrated_engine(url)
    testing.create_site(engine)
    engine.dispose()
    settings = testing.make_settings(tmp_path, url, **{"Tracker.custom_image": value})
    with testing.serve_in_thread(settings) as server:
        answers = [server.track({"idsite": 1, "rec": 1}),
                   server.track({"idsite": 1, "rec": 1}, method="POST"),
                   server.track({"idsite": 1, "rec": 1, "send_image": 0})]
    return [(r.status_code, r.headers.get("content-type", ""), r.content) for r in answers]


def test_a_png_file_answers_tracking_hits(tmp_path: Path) -> None:
    (tmp_path / "pixel.png").write_bytes(PNG)
    assert _answers(tmp_path, "pixel.png") == [
        (200, "image/png", PNG), (200, "image/png", PNG), (204, "", b"")]


def test_base64_text_and_a_bad_value(tmp_path: Path) -> None:
    padded = PNG + b"\0\0"  # Matomo reads the value as base64 when it ends with "=="
    encoded = base64.b64encode(padded).decode()
    assert encoded.endswith("==")
    assert custom_image(encoded, tmp_path) == (padded, b"image/png")
    (tmp_path / "photo.jpg").write_bytes(JPEG_START)
    assert custom_image(str(tmp_path / "photo.jpg"), Path("/")) == (JPEG_START, b"image/jpeg")
    for bad in ("missing.gif", base64.b64encode(b"not an image!").decode() + "=="):
        with pytest.raises(ValueError, match="custom_image"):
            custom_image(bad, tmp_path)
    assert _answers(tmp_path, "missing.gif")[0] == (200, "image/gif", GIF)
