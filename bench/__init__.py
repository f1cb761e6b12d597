"""Load benchmark of the Chop-chop API against two ceilings (see bench/README.md and docs/benchmarks.md)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
HOST = "127.0.0.1"  # everything the benchmarks start listens here only
