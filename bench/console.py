"""Time-stamped progress lines of the benchmarks."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def log(message: str, *, file: TextIO | None = None) -> None:
    """One progress line on ``file`` (standard output by default)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=file or sys.stdout, flush=True)
