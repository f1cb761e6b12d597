"""How the benchmarks run the API and its ``chopchop`` command: their environment variables and console scripts."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench import ROOT

if TYPE_CHECKING:
    from bench.options import Options

# A new secret each run: the service refuses constant and guessable ones.
JWT_SECRET = secrets.token_urlsafe(48)
UNLIMITED = "1000000/minute"
RATE_VARS = ["REGISTER", "LOGIN", "LOGIN_ACCOUNT", "EMAIL", "EMAIL_ACCOUNT", "TOKEN", "WRITES"]


def service_env(database_url: str, redis_url: str, prefix: str) -> dict[str, str]:
    """The API in server mode on ``database_url``, its Redis keys and queue under ``prefix``."""
    return {
        "CHOPCHOP_DATABASE_URL": database_url,
        "CHOPCHOP_REDIS_URL": redis_url,
        "CHOPCHOP_REDIS_KEY_PREFIX": prefix,
        "CHOPCHOP_QUEUE_NAME": prefix,
        "CHOPCHOP_JWT_SECRET": JWT_SECRET,
        # The benchmark sends no email worth reading: .eml files instead of an SMTP server.
        "CHOPCHOP_ALLOW_FILE_MAILER": "true",
        "CHOPCHOP_LOG_LEVEL": "WARNING",
    }


def api_env(options: Options) -> dict[str, str]:
    """The load benchmark's API: every rate limit lifted, pages as long as the longest list scenario."""
    env = {
        **service_env(options.sqlalchemy_url, options.redis_url, "bench"),
        "CHOPCHOP_BENCH_MAX_PAGE_SIZE": "2480",
        "LITESTAR_APP": "chopchop.app:create_app",
    }
    if options.src:  # a variant source tree first on the path (see --src)
        env["PYTHONPATH"] = f"{options.src}:{ROOT}"
    env.update({f"CHOPCHOP_RATE_{name}": UNLIMITED for name in RATE_VARS})
    return env


def tool(name: str) -> str:
    """A console script of this environment (next to the interpreter), else from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name) or name


def chopchop(env: dict[str, str], *args: str, timeout: float | None = 600) -> str:
    """Run ``chopchop ARGS`` under ``env`` (over this process's environment); its output, or exit with it."""
    result = subprocess.run(  # noqa: S603 - our own command line
        [tool("chopchop"), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"chopchop {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout
