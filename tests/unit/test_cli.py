"""The `chopchop` command: its commands are there, and configuration mistakes are one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHOPCHOP = str(Path(sys.executable).with_name("chopchop"))


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHOPCHOP_")} | env
    return subprocess.run(  # noqa: S603 - our own console script
        [CHOPCHOP, *args], capture_output=True, text=True, timeout=60, env=environment, check=False
    )


def test_commands_are_listed_with_help() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("serve", "worker", "db", "users", "seed"):
        assert f" {command} " in result.stdout, command


def test_configuration_errors_are_one_line_without_traceback() -> None:
    result = _run("users", "create", "--help", CHOPCHOP_SMTP_PORT="twenty-five")
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "chopchop: configuration error: CHOPCHOP_SMTP_PORT has an invalid value 'twenty-five'."
    )
    assert "Traceback" not in result.stderr
