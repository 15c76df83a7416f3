"""Two checkouts of Footfall, alternately, on the archiving benchmark's day (SQLite).

    python bench/archive_ab.py before=/tmp/old-checkout after=. [--quick] [--rounds 3] [--builds 2]

On a shared machine the wall time of one build moves by more than most changes
do, so this runs the checkouts in turn, one process each per round, and in each
process a warm-up build, then `--builds` pairs of (baseline scan, archive build)
from bench/archive.py. Each build is compared with the scan just before it.
Printed per checkout: medians (and ranges) of scan, archive wall and CPU time (all
threads of the process), and of the per-pair ratios. Each checkout must hold
bench/archive.py; its data cache (bench/.cache/) is made by its first run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path


def measure(checkout: Path, quick: bool, builds: int) -> list[dict[str, float]]:
    """In this process, with `checkout`'s code: a warm-up, then `builds` (scan, build) pairs."""
    sys.path.insert(0, str(checkout))
    import tempfile

    from bench import archive_data
    from bench.archive import archive_once, baseline_scan
    from bench.common import open_db

    size = archive_data.QUICK if quick else archive_data.FULL
    with tempfile.TemporaryDirectory(prefix="footfall-bench-ab-") as folder:
        db = open_db(archive_data.cached_database(size, Path(folder)))
        day = archive_data.DAY
        baseline_scan(db, 1, day)
        archive_once(db, 1, day)
        pairs = []
        for _ in range(builds):
            scan, scan_cpu = baseline_scan(db, 1, day)
            wall, cpu = archive_once(db, 1, day)
            pairs.append({"scan": scan, "scan_cpu": scan_cpu, "wall": wall, "cpu": cpu})
        db.dispose()
    return pairs


def summary(name: str, pairs: list[dict[str, float]]) -> str:
    def med(key: str) -> float:
        return statistics.median(p[key] for p in pairs)

    def span(key: str) -> str:
        return f"{min(p[key] for p in pairs):.3f}-{max(p[key] for p in pairs):.3f}"

    wall_ratio = statistics.median(p["wall"] / p["scan"] for p in pairs)
    cpu_ratio = statistics.median(p["cpu"] / p["scan_cpu"] for p in pairs)
    return (f"{name}: {len(pairs)} builds, scan {med('scan'):.3f} s, archive wall "
            f"{med('wall'):.3f} s ({span('wall')}), CPU {med('cpu'):.3f} s ({span('cpu')}); "
            f"ratio wall {wall_ratio:.2f}, CPU {cpu_ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="*", metavar="NAME=PATH")
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--builds", type=int, default=2, help="builds per process")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child: one checkout
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(Path(args.one), args.quick, args.builds)))
        return
    checkouts = dict(item.split("=", 1) for item in args.checkouts)
    found: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    for round_number in range(args.rounds):
        for name, path in checkouts.items():
            command = [sys.executable, __file__, "--one", str(Path(path).resolve()),
                       "--builds", str(args.builds), *(["--quick"] if args.quick else [])]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            pairs = json.loads(done.stdout.strip().splitlines()[-1])
            found[name].extend(pairs)
            builds = " ".join(f"{p['wall']:.2f}/{p['cpu']:.2f}" for p in pairs)
            print(f"round {round_number} {name}: wall/CPU {builds}, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
    for name, pairs in found.items():
        print(summary(name, pairs))


if __name__ == "__main__":
    main()
