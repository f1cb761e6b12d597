"""Load benchmark of the Chop-chop API against two ceilings (see bench/README.md and docs/benchmarks.md)."""
