"""The committed minified tracker: small enough, and built from the current source."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import subprocess

import pytest

from tests.browser.support import JS_DIR

MAX_GZIPPED_BYTES = 12 * 1024
BUILT = {"footfall.js": "footfall.min.js", "optout.js": "optout.min.js"}


def test_gzipped_tracker_is_at_most_12_kib() -> None:
    minified = (JS_DIR / "footfall.min.js").read_bytes()
    size = len(gzip.compress(minified, compresslevel=9))
    assert size <= MAX_GZIPPED_BYTES, f"footfall.min.js is {size} bytes gzipped"


@pytest.mark.parametrize(("source", "built"), BUILT.items())
def test_minified_file_was_built_from_the_current_source(source: str, built: str) -> None:
    """The build writes the source's SHA-256 into the output header."""
    header = (JS_DIR / built).read_text(encoding="utf-8").splitlines()[0]
    match = re.search(r"source-sha256:([0-9a-f]{64})", header)
    assert match, f"{built} has no source hash header: run `npm run build` in footfall/js"
    digest = hashlib.sha256((JS_DIR / source).read_bytes()).hexdigest()
    assert match.group(1) == digest, f"{built} is stale: run `npm ci && npm run build` in footfall/js"


def test_rebuilding_with_the_pinned_terser_gives_the_committed_files() -> None:
    """Needs `npm ci` in footfall/js (CI does it); the hash test above runs everywhere."""
    if not (JS_DIR / "node_modules" / "terser").is_dir() or shutil.which("node") is None:
        pytest.skip("terser not installed: run `npm ci` in footfall/js")
    result = subprocess.run(["node", "build.mjs", "--check"], cwd=JS_DIR, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_sources_stay_es5_so_old_browsers_can_parse_them() -> None:
    for source in BUILT:
        text = (JS_DIR / source).read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
        for construct in (r"\blet\s", r"\bconst\s", r"=>", r"`", r"\bclass\s", r"\.\.\."):
            assert not re.search(construct, code), f"{source} uses {construct}"
